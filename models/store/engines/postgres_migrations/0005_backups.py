"""The key store of backups: the tables of SQLite's migration 0010."""

from importlib import import_module

create_key_tables = import_module("models.store.migrations.0010_backups").create_key_tables


def up(migrator, db):
    create_key_tables(db, "BYTEA")
