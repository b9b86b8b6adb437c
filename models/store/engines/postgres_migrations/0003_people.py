"""Every person in a conversation can be found: the columns of SQLite's migration 0008."""

from importlib import import_module

fill_e164 = import_module("models.store.migrations.0008_people").fill_e164


def up(migrator, db):
    db.execute_sql("ALTER TABLE contact ADD COLUMN phone_e164 TEXT NOT NULL DEFAULT ''")
    db.execute_sql("CREATE INDEX contact_phone_e164 ON contact (phone_e164)")
    db.execute_sql(
        "ALTER TABLE message ADD COLUMN contact_id INTEGER "
        "REFERENCES contact(id) ON DELETE SET NULL"
    )
    db.execute_sql(
        "CREATE INDEX message_contact ON message (contact_id) WHERE contact_id IS NOT NULL"
    )
    db.execute_sql("CREATE TABLE request_done (id TEXT PRIMARY KEY, at TIMESTAMP NOT NULL)")
    fill_e164(db, "%s")
