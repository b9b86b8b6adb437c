"""Live mail intake, and tombstones of deleted mail: the tables of SQLite's migration 0011."""


def up(migrator, db):
    db.execute_sql(
        "CREATE TABLE intake_source (id SERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "url TEXT NOT NULL, password_file TEXT NOT NULL DEFAULT '', "
        "ca_file TEXT NOT NULL DEFAULT '', after TEXT NOT NULL DEFAULT 'move', "
        "folder TEXT NOT NULL DEFAULT '', created_at TIMESTAMP NOT NULL, "
        "last_fetch TIMESTAMP, next_fetch TIMESTAMP, last_error TEXT NOT NULL DEFAULT '', "
        "failures INTEGER NOT NULL DEFAULT 0, taken INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute_sql(
        "CREATE TABLE intake_taken (source_id INTEGER NOT NULL "
        "REFERENCES intake_source(id) ON DELETE CASCADE, box TEXT NOT NULL, item TEXT NOT NULL, "
        "conversation_id INTEGER REFERENCES conversation(id) ON DELETE SET NULL, "
        "place TEXT NOT NULL DEFAULT '', purge BOOLEAN NOT NULL DEFAULT FALSE, "
        "PRIMARY KEY (source_id, box, item))"
    )
    db.execute_sql("CREATE INDEX intake_taken_conversation ON intake_taken (conversation_id)")
    db.execute_sql("CREATE TABLE mail_gone (key TEXT PRIMARY KEY)")
    db.execute_sql("ALTER TABLE message ADD COLUMN automatic TEXT NOT NULL DEFAULT ''")
