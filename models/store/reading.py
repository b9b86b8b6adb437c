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
from pathlib import Path

from . import database, migrations
from .database import Database, Reader, ReadOnlySqlite
from .guard import guarded
from .sqlite_file import is_regular, read_only
from .values import SQLITE_HEADER


def reader() -> Reader:
    """The file opened read-only, if one is, else the engine `open_database` opened."""
    return database.current().reader()


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
        connection = read_only(path, busy_timeout)
    except (sqlite3.Error, OSError, ValueError):
        return False
    try:
        ready = _ready(connection)
    except sqlite3.Error:
        ready = False
    if not ready:
        connection.close()
        return False
    database.use(Database(str(path), busy_timeout, read_only=ReadOnlySqlite(connection)))
    return True


@guarded
def close_read_only() -> None:
    opened = database.current().read_only
    if opened is not None:
        opened.connection.close()
        database.close()


def _looks_like_sqlite(path: Path) -> bool:
    if not is_regular(path):
        return False
    try:
        with path.open("rb") as handle:
            return handle.read(16) == SQLITE_HEADER
    except (OSError, ValueError):
        return False


def _ready(connection: sqlite3.Connection) -> bool:
    """This hushdesk's schema exactly, and nothing owed by an earlier deletion."""
    if not migrations.up_to_date(connection.execute(migrations.APPLIED), migrations.FOLDER):
        return False
    return connection.execute(migrations.OWED).fetchone() is None
