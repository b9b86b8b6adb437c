"""Where the search's plain SQL runs: the open engine, or a read-only look at an SQLite file.

`hushdesk search` reads a page of rows and exits. Opening a database the full
way (Peewee, the models, migrations, a clean-up an earlier deletion still owes)
costs more than the search does, so `open_read_only` opens an SQLite file
read-only with the standard library when a search needs nothing else: the file
is hushdesk's, every migration of this hushdesk is applied and no other, and no
clean-up is owed. Otherwise it says no, and the command opens the database the
full way, which migrates, finishes the clean-up or refuses, as it always does.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote

from . import migrations
from .engines.dialects import Dialect, SqliteDialect
from .errors import DatabaseUnavailable
from .guard import guarded, where
from .sql import Sql
from .values import SQLITE_HEADER


class Reader(Protocol):
    dialect: Dialect

    def execute(self, query: Sql) -> Iterable[tuple[Any, ...]]: ...


class ReadOnlySqlite:
    """An SQLite file opened read-only with the standard library's sqlite3."""

    dialect: Dialect = SqliteDialect()

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def execute(self, query: Sql) -> Iterable[tuple[Any, ...]]:
        return self.connection.execute(query.text, query.params)


class _Open:
    reader: ReadOnlySqlite | None = None  # a file opened read-only
    engine: Reader | None = None  # the engine `open_database` chose (models.store.engine says)


_open = _Open()


def reader() -> Reader:
    """The file opened read-only, if one is, else the engine `open_database` opened."""
    found = _open.reader or _open.engine
    if found is None:
        raise DatabaseUnavailable("no database is open")
    return found


def use_engine(engine: Reader) -> None:
    _open.engine = engine


@guarded
def open_read_only(target: str, busy_timeout: float) -> bool:
    """Open the SQLite file at `target` for reading only, if a search needs nothing more.

    False when it is not such a file (a PostgreSQL URL, no file, another
    program's, an older or newer schema, a clean-up owed) or cannot be read:
    then open it with `open_database`, which says why or puts it right.
    """
    path = Path(target.strip())
    if "://" in target or not _looks_like_sqlite(path):
        return False
    try:
        uri = f"file:{quote(str(path.resolve()))}?mode=ro"
        connection = sqlite3.connect(uri, uri=True, timeout=busy_timeout)
    except (sqlite3.Error, OSError, ValueError):
        return False
    try:
        ready = _ready(connection)
    except sqlite3.Error:
        ready = False
    if not ready:
        connection.close()
        return False
    where.path, where.busy_seconds = str(path), busy_timeout
    _open.reader = ReadOnlySqlite(connection)
    return True


@guarded
def close_read_only() -> None:
    if _open.reader is not None:
        _open.reader.connection.close()
        _open.reader = None


def _looks_like_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except (OSError, ValueError):
        return False


def _ready(connection: sqlite3.Connection) -> bool:
    """This hushdesk's schema exactly, and nothing owed by an earlier deletion."""
    applied = connection.execute(f"SELECT name FROM {migrations.TABLE}").fetchall()
    if {name for (name,) in applied} != migrations.names(migrations.FOLDER):
        return False
    return connection.execute("SELECT 1 FROM purge_pending LIMIT 1").fetchone() is None
