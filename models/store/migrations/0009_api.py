"""The HTTP API's tables: tokens (a hash only), idempotency keys, webhooks and their outbox.

`api_token` keeps a token's name, scopes and a SHA-256 of its secret; the
secret itself is printed once and never stored. `api_idempotency` keeps, for
24 hours, the first answer to a request sent with an `Idempotency-Key` (a hash
of the key, never the key); a row about a contact goes with the contact.
`webhook` is a subscription; `webhook_event` is the durable outbox, written in
the same transaction as the deletion that causes it, and `webhook_delivery`
tracks each subscription's attempts at it.
"""

TABLES = (
    "CREATE TABLE api_token (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL UNIQUE, "
    "lookup TEXT NOT NULL UNIQUE, hash TEXT NOT NULL, scopes TEXT NOT NULL, "
    "created_at DATETIME NOT NULL, last_used_at DATETIME, revoked_at DATETIME)",
    "CREATE TABLE api_idempotency (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "token_id INTEGER NOT NULL REFERENCES api_token(id) ON DELETE CASCADE, "
    "key_hash TEXT NOT NULL, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, "
    "body TEXT, contact_id INTEGER REFERENCES contact(id) ON DELETE CASCADE, "
    "created_at DATETIME NOT NULL)",
    "CREATE UNIQUE INDEX api_idempotency_key ON api_idempotency(token_id, key_hash)",
    "CREATE INDEX api_idempotency_created ON api_idempotency(created_at)",
    "CREATE INDEX api_idempotency_contact ON api_idempotency(contact_id) "
    "WHERE contact_id IS NOT NULL",
    "CREATE TABLE webhook (id INTEGER PRIMARY KEY AUTOINCREMENT, url TEXT NOT NULL, "
    "events TEXT NOT NULL, secret TEXT NOT NULL, created_at DATETIME NOT NULL)",
    "CREATE TABLE webhook_event (id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
    "payload TEXT NOT NULL, created_at DATETIME NOT NULL)",
    "CREATE TABLE webhook_delivery (id INTEGER PRIMARY KEY AUTOINCREMENT, "
    "event_id TEXT NOT NULL REFERENCES webhook_event(id) ON DELETE CASCADE, "
    "webhook_id INTEGER NOT NULL REFERENCES webhook(id) ON DELETE CASCADE, "
    "attempts INTEGER NOT NULL DEFAULT 0, next_at DATETIME NOT NULL, "
    "delivered_at DATETIME, failed_at DATETIME, last_error TEXT NOT NULL DEFAULT '')",
    "CREATE INDEX webhook_delivery_due ON webhook_delivery(next_at) "
    "WHERE delivered_at IS NULL AND failed_at IS NULL",
    "CREATE INDEX webhook_delivery_event ON webhook_delivery(event_id)",
)


def up(migrator, db):
    for statement in TABLES:
        db.execute_sql(statement)
