"""The key of each access or erasure request's backup record.

A backup encrypts each request (its identifiers, while it is open, and its
trail) under a key of its own, kept here and never in a backup. Sealing a
request (it ended, or its person was erased) replaces the key, so every older
backup holds the request's identifiers under a key that no longer exists.
"""


def create_request_keys(db, blob):
    db.execute_sql(
        "CREATE TABLE privacy_request_key ("
        "privacy_request_id INTEGER PRIMARY KEY REFERENCES privacy_request(id) "
        f"ON DELETE CASCADE, key_id {blob} NOT NULL, key {blob} NOT NULL)"
    )


def up(migrator, db):
    create_request_keys(db, "BLOB")
