"""Access and erasure requests tracked against their legal clock (`privacy.tracking`).

`privacy_request` holds each request: its reference, kind, state, the days it
was received and is due (YYYY-MM-DD), its extension, and its identifiers (keyed
hashes once it has ended, with the request's own random key in `salt`).
`privacy_request_step` is its trail. A request names the conversation that
asked, if any, until that conversation is deleted.
"""

REQUEST = (
    "CREATE TABLE privacy_request (id INTEGER PRIMARY KEY, reference TEXT NOT NULL UNIQUE, "
    "kind TEXT NOT NULL, state TEXT NOT NULL, received_on TEXT NOT NULL, due_on TEXT NOT NULL, "
    "extended_months INTEGER NOT NULL DEFAULT 0, identifiers TEXT NOT NULL, "
    "sealed {boolean} NOT NULL DEFAULT {false}, salt TEXT NOT NULL, "
    "conversation_id INTEGER REFERENCES conversation(id) ON DELETE SET NULL, "
    "opened_at {time} NOT NULL, closed_at {time})"
)
STEP = (
    "CREATE TABLE privacy_request_step (id {key}, "
    "request_id INTEGER NOT NULL REFERENCES privacy_request(id) ON DELETE CASCADE, "
    "at {time} NOT NULL, what TEXT NOT NULL, note TEXT NOT NULL DEFAULT '', "
    "actor TEXT NOT NULL DEFAULT '')"
)
INDEXES = (
    "CREATE INDEX privacy_request_due ON privacy_request (state, due_on)",
    "CREATE INDEX privacy_request_conversation ON privacy_request (conversation_id)",
    "CREATE INDEX privacy_request_step_request ON privacy_request_step (request_id, id)",
)


def up(migrator, db):
    db.execute_sql(REQUEST.format(boolean="INTEGER", false="0", time="DATETIME"))
    db.execute_sql(STEP.format(key="INTEGER PRIMARY KEY", time="DATETIME"))
    for statement in INDEXES:
        db.execute_sql(statement)
