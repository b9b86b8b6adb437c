"""The schema on PostgreSQL: the tables of SQLite's migrations 0001-0006, its own search index.

The search index is one row per conversation in `search_document`, a tsvector
built by hushdesk from the same words SQLite's FTS5 stores (so a search finds
the same conversations on both engines), with a GIN index. The contact filters
(`name:`, `email:`, `phone:`) are substring matches on pg_trgm indexes. Every
change to the tables an inbox shows is announced with NOTIFY, once per
statement, so every open inbox follows at once.
"""

TABLES = """
CREATE TABLE channel (
    id SERIAL PRIMARY KEY, name VARCHAR(255) NOT NULL UNIQUE, kind VARCHAR(255) NOT NULL,
    social BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE contact (
    id SERIAL PRIMARY KEY, name TEXT NOT NULL DEFAULT '', email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '', phone_digits TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL);
CREATE TABLE attribute (
    id SERIAL PRIMARY KEY, contact_id INTEGER NOT NULL REFERENCES contact(id) ON DELETE CASCADE,
    key TEXT NOT NULL, value TEXT NOT NULL, source VARCHAR(255) NOT NULL,
    set_at TIMESTAMP NOT NULL, UNIQUE (contact_id, key));
CREATE TABLE conversation (
    id SERIAL PRIMARY KEY,
    channel_id INTEGER NOT NULL REFERENCES channel(id) ON DELETE RESTRICT,
    contact_id INTEGER REFERENCES contact(id) ON DELETE SET NULL,
    subject TEXT NOT NULL DEFAULT '', status VARCHAR(255) NOT NULL DEFAULT 'open',
    archived_at TIMESTAMP, created_at TIMESTAMP NOT NULL, last_activity TIMESTAMP NOT NULL,
    held BOOLEAN NOT NULL DEFAULT FALSE);
CREATE TABLE message (
    id SERIAL PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
    author TEXT NOT NULL, body TEXT NOT NULL DEFAULT '', sent_at TIMESTAMP NOT NULL);
CREATE TABLE assistant (
    channel_id INTEGER PRIMARY KEY REFERENCES channel(id) ON DELETE CASCADE,
    enabled BOOLEAN NOT NULL DEFAULT FALSE, days INTEGER NOT NULL DEFAULT 30,
    last_run_at TIMESTAMP, last_run_count INTEGER NOT NULL DEFAULT 0);
CREATE TABLE deletion_log (
    id SERIAL PRIMARY KEY, at TIMESTAMP NOT NULL, actor TEXT NOT NULL,
    action VARCHAR(255) NOT NULL, count INTEGER NOT NULL, reason TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL DEFAULT '', hash TEXT NOT NULL DEFAULT '');
CREATE TABLE purge_pending (shard INTEGER PRIMARY KEY);
CREATE TABLE search_document (
    conversation_id INTEGER PRIMARY KEY REFERENCES conversation(id) ON DELETE CASCADE,
    document TSVECTOR NOT NULL);
"""

INDEXES = """
CREATE INDEX contact_email ON contact (email);
CREATE INDEX contact_phone_digits ON contact (phone_digits);
CREATE INDEX contact_name ON contact (name);
CREATE INDEX contact_name_trgm ON contact USING gin (name gin_trgm_ops);
CREATE INDEX contact_email_trgm ON contact USING gin (email gin_trgm_ops);
CREATE INDEX contact_phone_trgm ON contact USING gin (phone_digits gin_trgm_ops);
CREATE INDEX conversation_status ON conversation (status, last_activity, id);
CREATE INDEX conversation_channel ON conversation (channel_id, last_activity);
CREATE INDEX conversation_activity ON conversation (last_activity, id);
CREATE INDEX conversation_contact_status ON conversation (contact_id, status, last_activity, id);
CREATE INDEX message_conversation ON message (conversation_id);
CREATE INDEX search_document_words ON search_document USING gin (document);
"""

NOTIFY = """
CREATE FUNCTION hushdesk_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('hushdesk_changes', TG_TABLE_NAME);
    RETURN NULL;
END $$;
"""

WATCHED = ("conversation", "message", "contact", "attribute", "assistant", "channel")


def up(migrator, db):
    db.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for statements in (TABLES, INDEXES):
        for statement in statements.split(";"):
            if statement.strip():
                db.execute_sql(statement)
    db.execute_sql(NOTIFY)
    for table in WATCHED:
        db.execute_sql(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hushdesk_changed()"
        )
