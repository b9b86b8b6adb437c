"""The key store of backups: the tables of SQLite's migration 0010."""


def up(migrator, db):
    for table, parent in (("contact_key", "contact"), ("conversation_key", "conversation")):
        db.execute_sql(
            f"CREATE TABLE {table} ("
            f"{parent}_id INTEGER PRIMARY KEY REFERENCES {parent}(id) ON DELETE CASCADE, "
            "key_id BYTEA NOT NULL, key BYTEA NOT NULL)"
        )
