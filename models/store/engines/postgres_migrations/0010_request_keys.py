"""The key of each request's backup record: the table of SQLite's migration 0014."""

from importlib import import_module

_sqlite = import_module("models.store.migrations.0014_request_keys")
create_request_keys = _sqlite.create_request_keys


def up(migrator, db):
    create_request_keys(db, "BYTEA")
