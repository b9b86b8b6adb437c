"""hushdesk's dialogs."""
