"""The database engines behind models.engine: SQLite (embedded) and PostgreSQL (team mode)."""
