"""The key store of backups: one random key per contact and per conversation.

A backup encrypts each record under its own key (`models.backup`); the keys stay
here, never in a backup. A change that removes personal data deletes the key of
the old version (a deleted record's key goes with it, by cascade), so every older
backup holds that version under a key that no longer exists. `key_id` is random
and names the key a backup used, so a restore can tell "changed" from "gone".
"""


def create_key_tables(db, blob):
    for table, parent in (("contact_key", "contact"), ("conversation_key", "conversation")):
        db.execute_sql(
            f"CREATE TABLE {table} ("
            f"{parent}_id INTEGER PRIMARY KEY REFERENCES {parent}(id) ON DELETE CASCADE, "
            f"key_id {blob} NOT NULL, key {blob} NOT NULL)"
        )


def up(migrator, db):
    create_key_tables(db, "BLOB")
