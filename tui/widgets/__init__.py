"""hushdesk's widgets."""
