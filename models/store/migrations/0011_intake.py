"""Live mail intake, and tombstones of deleted mail.

`intake_source` is a mailbox hushdesk fetches from (an IMAP URL or a Maildir
path; the path of a file holding the password, never the password), with the
last fetch, the next and the last error. `intake_taken` records each message
taken from it: the mailbox's UIDVALIDITY and the message's UID, or the Maildir
file's unique name, written in the transaction that imports the message, so a
message is taken once whatever stops a fetch; with the conversation it went to
and where the server's copy is now, so deleting the conversation deletes that
copy at the next fetch (`purge`). `mail_gone` holds a tombstone of
every deleted message: a keyed hash of its Message-ID and one of its bytes, no
personal data, so deleted mail is never imported again. `message.automatic`
says why no person wrote a message (an auto-reply, bulk mail, a bounce).
"""


def up(migrator, db):
    db.execute_sql(
        "CREATE TABLE intake_source (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, "
        "url TEXT NOT NULL, password_file TEXT NOT NULL DEFAULT '', "
        "ca_file TEXT NOT NULL DEFAULT '', after TEXT NOT NULL DEFAULT 'move', "
        "folder TEXT NOT NULL DEFAULT '', created_at DATETIME NOT NULL, "
        "last_fetch DATETIME, next_fetch DATETIME, last_error TEXT NOT NULL DEFAULT '', "
        "failures INTEGER NOT NULL DEFAULT 0, taken INTEGER NOT NULL DEFAULT 0)"
    )
    db.execute_sql(
        "CREATE TABLE intake_taken (source_id INTEGER NOT NULL "
        "REFERENCES intake_source(id) ON DELETE CASCADE, box TEXT NOT NULL, item TEXT NOT NULL, "
        "conversation_id INTEGER REFERENCES conversation(id) ON DELETE SET NULL, "
        "place TEXT NOT NULL DEFAULT '', purge INTEGER NOT NULL DEFAULT 0, "
        "PRIMARY KEY (source_id, box, item))"
    )
    db.execute_sql("CREATE INDEX intake_taken_conversation ON intake_taken (conversation_id)")
    db.execute_sql("CREATE TABLE mail_gone (key TEXT PRIMARY KEY)")
    db.execute_sql("ALTER TABLE message ADD COLUMN automatic TEXT NOT NULL DEFAULT ''")
