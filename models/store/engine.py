"""The database engine behind the operations: SQLite (a file) or PostgreSQL (a URL).

`open_database` picks the engine from what it is given: a `postgresql://` URL
opens PostgreSQL (see `engines.postgres`), anything else that looks like a URL
is refused, and a path opens SQLite (see `engines.sqlite`). The functions here
hand each engine-specific step to the open engine, so the operations read the
same on both; everything engine-specific lives in `store/engines/`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from peewee import ColumnBase, Database, ModelSelect

from . import database
from .engines.base import (
    CHUNK,
    DRIVER_ERRORS,
    Backend,
    Cleanup,
    Watcher,
    chunked,
    db,
    new_connection,
    rows,
)
from .engines.sqlite import SqliteBackend
from .errors import InvalidInput
from .guard import BUSY_TIMEOUT_S, guarded
from .migrations import FOLDER as MIGRATIONS_DIR
from .migrations import names as migration_names
from .textquery import Node

SCRUB_WAIT_S = 2.0
URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:/")
POSTGRES_SCHEMES = ("postgresql://", "postgres://")

__all__ = ["BUSY_TIMEOUT_S", "CHUNK", "DRIVER_ERRORS", "Cleanup", "chunked", "db", "rows"]


_IDLE = SqliteBackend()  # what the functions below reach before any database is open


def backend() -> Backend:
    """The open database's engine."""
    return database.current().backend or _IDLE


def is_postgres() -> bool:
    return backend().name == "postgresql"


def choose(target: str) -> Backend:
    """The engine for a `--db` value: a PostgreSQL URL, or else a file path."""
    text = str(target).strip()
    if text.startswith(POSTGRES_SCHEMES):
        from .engines.postgres import PostgresBackend

        return PostgresBackend()
    if URL_RE.match(text) or text.startswith(("postgres:", "postgresql:")):
        scheme = text.split(":", 1)[0]
        raise InvalidInput(
            f"{scheme}: is not a database hushdesk can use; give a file path or a "
            "postgresql:// URL"
        )
    return SqliteBackend()


@guarded
def open_database(
    target: str | Path, busy_timeout: float = BUSY_TIMEOUT_S, create: bool = False
) -> Database:
    """Open the database at `target` and bring its schema up to date.

    Only `create` makes a new database file (the app, `demo` and `import` do);
    a database of another program is refused before anything is written to it.
    `busy_timeout` is how many seconds a statement waits for another writer's
    lock. A clean-up still owed by an earlier deletion is finished if it can
    be without waiting.
    """
    text = str(target).strip()
    chosen = choose(text)
    opened = database.Database(
        chosen.describe(text), busy_timeout, backend=chosen, secrets=chosen.secrets(text)
    )
    database.use(opened)
    return chosen.open(text, busy_timeout, create)


@guarded
def close_database() -> None:
    """Close this thread's connection (at the end of a command or of the app; workers use
    `database.connection()`). The database stays the open one: a later statement connects
    again, until another is opened."""
    if db.obj is not None and not db.is_closed():
        db.close()


reconnect = new_connection


def schema_migrations() -> list[str]:
    """Names of every migration this hushdesk knows, in order."""
    return sorted(migration_names(MIGRATIONS_DIR))


# the search index -------------------------------------------------------------------------
def unindex(conversation_ids: Sequence[int], purge_later: bool = True) -> None:
    backend().unindex(conversation_ids, purge_later)


def reindex(conversation_ids: Sequence[int], purge_later: bool = False) -> None:
    backend().reindex(conversation_ids, purge_later)


def index_from(first: int, last: int) -> None:
    backend().index_from(first, last)


def reserve_ids(table: str, count: int) -> int:
    """The first of `count` ids for rows written in bulk (see `Backend.reserve_ids`)."""
    return backend().reserve_ids(table, count)


def text_ids(node: Node) -> ColumnBase:
    return backend().text_ids(node)


# deleting without a trace --------------------------------------------------------------------
def owe_cleanup(shards: Iterable[int] = ()) -> None:
    backend().owe_cleanup(shards)


def pending_purge() -> list[int]:
    return backend().pending()


def scrub(wait: float = SCRUB_WAIT_S) -> Cleanup:
    """After a deleting operation commits: clear what it left, waiting at most `wait` s."""
    return backend().scrub(wait)


@guarded
def finish_cleanup() -> Cleanup | None:
    """Finish what earlier deletions still owe, without waiting; None when nothing was owed."""
    if not pending_purge():
        return None
    return scrub(wait=0)


def partitions() -> list[int | None]:
    return backend().partitions()


def purge_partition(part: int | None) -> None:
    backend().purge_partition(part)


# bulk loads, locks and the rest ----------------------------------------------------------------
def insert_rows(table: str, columns: Sequence[str], data: Iterable[Sequence[object]]) -> None:
    """Bulk insert plain tuples (demo data, imports) inside the caller's transaction."""
    backend().insert_rows(table, columns, data)


def after_bulk_load() -> None:
    backend().after_bulk_load()


def lock_rows(query: ModelSelect[Any]) -> ModelSelect[Any]:
    return backend().lock_rows(query)


def one_at_a_time(name: str) -> None:
    backend().one_at_a_time(name)


@contextmanager
def exclusive(name: str) -> Iterator[bool]:
    with backend().exclusive(name) as alone:
        yield alone


def one_of(ids: Sequence[int]) -> ColumnBase:
    return backend().one_of(ids)


@guarded
def watch_changes() -> Watcher:
    """Something to wait on for other connections' changes (from a thread of its own)."""
    return backend().watcher()


def max_id(table: str) -> int:
    (value,) = db.execute_sql(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
    return int(value)
