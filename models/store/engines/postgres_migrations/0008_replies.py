"""Replies: drafts, the outbox, and the Message-IDs a reply threads by (SQLite's 0013)."""

from importlib import import_module

statements = import_module("models.store.migrations.0013_replies").statements


def up(migrator, db):
    for statement in statements("TIMESTAMP", "SERIAL PRIMARY KEY"):
        db.execute_sql(statement)
    for table in ("outbox", "reply_draft"):
        db.execute_sql(
            f"CREATE TRIGGER {table}_changed AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION hushdesk_changed()"
        )
