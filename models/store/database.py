"""The open database, as one object: which engine, where, how long it waits, how it is read.

Opening a database (`engine.open_database`, or `reading.open_read_only` for
`hushdesk search`) makes a new `Database`; everything that must know what is
open asks `current()`: the engine's functions, the search's SQL (`reader()`),
the messages that name the file or server and the wait (`guard`), and the
watcher of other writers' changes. Threads and workers take their own
connection with `connection()`, which closes it whatever happens; only the
end of a command or of the app (`engine.close_database`) and a reconnection
after a lost one (`engine.reconnect`) close one otherwise.

Nothing here loads Peewee: the read-only path of `hushdesk search` runs
without it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from .errors import DatabaseUnavailable

if TYPE_CHECKING:
    import sqlite3

    from .engines.base import Backend, Watcher
    from .engines.dialects import Dialect
    from .sql import Sql


class Reader(Protocol):
    """What runs the search's plain SQL: an engine, or a read-only SQLite connection."""

    dialect: Dialect

    def execute(self, query: Sql) -> Iterable[tuple[Any, ...]]: ...


class ReadOnlySqlite:
    """An SQLite file opened read-only with the standard library's sqlite3."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        from .engines.dialects import SqliteDialect

        self.connection = connection
        self.dialect: Dialect = SqliteDialect()

    def execute(self, query: Sql) -> Iterable[tuple[Any, ...]]:
        return self.connection.execute(query.text, query.params)


class Database(NamedTuple):
    """What is open. `shown` names it as it may be shown: a path, or a URL without its
    password. `busy_seconds` is how long a statement waits for another writer's lock.
    (A named tuple, not a dataclass: importing dataclasses costs `hushdesk search` 10 ms.)"""

    shown: str = "the database"
    busy_seconds: float = 0.0
    backend: Backend | None = None  # opened the full way (Peewee, migrations)
    read_only: ReadOnlySqlite | None = None  # opened to read only, without Peewee
    secrets: tuple[str, ...] = ()  # never in a message: a PostgreSQL password, as it may appear

    def scrubbed(self, text: str) -> str:
        """`text` with every secret of this database masked."""
        for secret in self.secrets:
            text = text.replace(secret, "***")
        return text

    def reader(self) -> Reader:
        """Where the search's SQL runs: the read-only connection, else the engine."""
        found = self.read_only or self.backend
        if found is None:
            raise DatabaseUnavailable("no database is open")
        return found

    def watcher(self) -> Watcher:
        """What tells of other connections' changes: NOTIFY, or SQLite's data_version."""
        if self.backend is None:
            raise DatabaseUnavailable("no database is open")
        return self.backend.watcher()


class _Open:
    database = Database()


_open = _Open()


def current() -> Database:
    """The open database (a closed one, saying so, when none is)."""
    return _open.database


def use(database: Database) -> None:
    """Make `database` the open one (engine.open_database and reading.open_read_only do)."""
    _open.database = database


def close() -> None:
    """Forget the open database: its connections are closed by whoever opened them."""
    _open.database = Database()


@contextmanager
def waiting(seconds: float) -> Iterator[None]:
    """Within: statements wait `seconds` for a lock, and messages say so."""
    before = current()
    use(before._replace(busy_seconds=seconds))
    try:
        yield
    finally:
        if current().backend is before.backend:
            use(current()._replace(busy_seconds=before.busy_seconds))


@contextmanager
def connection() -> Iterator[None]:
    """This thread's own connection for the work inside, closed after it whatever happens.

    A worker thread starts with none: the first statement connects, and this
    closes it when the work is done (Peewee gives each thread its own). A
    connection the thread held before is left open.
    """
    if current().backend is None:
        yield
        return
    from .engines.base import DRIVER_ERRORS, db  # only once it is open the full way

    held = not db.is_closed()
    try:
        yield
    finally:
        if not held and not db.is_closed() and not db.in_transaction():
            try:
                db.close()
            except DRIVER_ERRORS:  # a connection the server dropped: nothing left to close
                db._state.reset()
