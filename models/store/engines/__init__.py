"""The database engines behind `store.engine`: SQLite (embedded) and PostgreSQL (team mode)."""
