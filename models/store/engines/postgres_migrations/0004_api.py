"""The HTTP API's tables: the same as SQLite's migration 0009, in PostgreSQL's types."""

from importlib import import_module

SQLITE = import_module("models.store.migrations.0009_api").TABLES


def postgres(statement):
    return statement.replace("INTEGER PRIMARY KEY AUTOINCREMENT", "SERIAL PRIMARY KEY").replace(
        "DATETIME", "TIMESTAMP"
    )


def up(migrator, db):
    for statement in SQLITE:
        db.execute_sql(postgres(statement))
