"""hushdesk's screens."""
