"""Replies: drafts, the outbox, and the Message-IDs a reply threads by.

`mail_reference` keeps the Message-ID of each message of an Email conversation
(imported, or sent by hushdesk), whether it was automatic mail (Auto-Submitted,
bulk, a bounce) and whether it was ours: a reply's In-Reply-To and References
are read from it. `reply_draft` holds an agent's unsent text for a
conversation. `outbox` holds a reply from the moment it is sent until the
server has accepted it (its Message-ID fixed at once); then the reply is an
agent message of its conversation and its outbox row is deleted. Every row goes
with its conversation.
"""

TIME = "DATETIME"

TABLES = """
CREATE TABLE mail_reference (
    id {key},
    conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
    message_id TEXT NOT NULL,
    sent_at {time} NOT NULL,
    automatic BOOLEAN NOT NULL DEFAULT FALSE,
    ours BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX mail_reference_conversation ON mail_reference (conversation_id, sent_at);
CREATE TABLE reply_draft (
    conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
    agent TEXT NOT NULL,
    body TEXT NOT NULL,
    saved_at {time} NOT NULL,
    PRIMARY KEY (conversation_id, agent)
);
CREATE TABLE outbox (
    id {key},
    conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
    agent TEXT NOT NULL,
    message_id TEXT NOT NULL UNIQUE,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    in_reply_to TEXT NOT NULL DEFAULT '',
    refs TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    written_at {time} NOT NULL,
    state TEXT NOT NULL,
    claim TEXT NOT NULL DEFAULT '',
    attempts INTEGER NOT NULL DEFAULT 0,
    since {time} NOT NULL,
    next_try_at {time} NOT NULL,
    claimed_at {time},
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_due ON outbox (state, next_try_at);
CREATE INDEX outbox_conversation ON outbox (conversation_id)
"""


def statements(time, key):
    """The statements, with the engine's type of a time and of a generated key."""
    text = TABLES.format(time=time, key=key)
    return [s for s in text.split(";") if s.strip()]


def up(migrator, db):
    for statement in statements(TIME, "INTEGER PRIMARY KEY"):
        db.execute_sql(statement)
