"""Access and erasure requests: the tables of SQLite's migration 0012, in PostgreSQL's types."""

from importlib import import_module

requests = import_module("models.store.migrations.0012_requests")


def up(migrator, db):
    db.execute_sql(
        requests.REQUEST.replace("id INTEGER PRIMARY KEY", "id SERIAL PRIMARY KEY").format(
            boolean="BOOLEAN", false="false", time="TIMESTAMP"
        )
    )
    db.execute_sql(requests.STEP.format(key="SERIAL PRIMARY KEY", time="TIMESTAMP"))
    for statement in requests.INDEXES:
        db.execute_sql(statement)
