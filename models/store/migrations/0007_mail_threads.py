"""Mail threads across imports, and settings.

`mail_key` holds, for each imported message, a hash of its Message-ID (or of
its bytes when it has none) and, for a thread found by subject, a hash of the
subject and its customer's address; each with the conversation it went to. A
reply in a later import finds its conversation there, and a message imported
twice is found there. Only hashes: no address, id or subject is stored, and the
rows go with their conversation. `setting` holds the help desk's settings
(its own addresses, "ours").
"""


def up(migrator, db):
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS mail_key (key TEXT PRIMARY KEY, "
        "conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE)"
    )
    db.execute_sql("CREATE INDEX IF NOT EXISTS mail_key_conversation ON mail_key(conversation_id)")
    db.execute_sql(
        "CREATE TABLE IF NOT EXISTS setting (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
    )
