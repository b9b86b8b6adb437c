"""What every database engine provides hushdesk, and the one database handle they share.

The operations in `models/` talk to Peewee models and, for what no two engines
do alike (the search index, bulk loads, deleting without a trace, row locks,
watching for other writers), to the engine behind `models.store.engine`. Each engine
is one class here: `sqlite.SqliteBackend`, `postgres.PostgresBackend`. The
search writes plain SQL instead, through each engine's `dialects.Dialect`.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from peewee import SQL, ColumnBase, Database, DatabaseProxy, InterfaceError, ModelSelect
from peewee import DatabaseError as PeeweeDatabaseError

from ..errors import DatabaseTooNew
from ..migrations import APPLIED, up_to_date
from ..migrations import TABLE as MIGRATIONS_TABLE
from ..sql import Sql
from ..textquery import Node
from .dialects import Dialect

db = DatabaseProxy()
DRIVER_ERRORS = (PeeweeDatabaseError, sqlite3.Error, InterfaceError)
T = TypeVar("T")
CHUNK = 500


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass(frozen=True)
class Cleanup:
    """What a deletion still owes after it committed: nothing, or index parts and old pages.

    `done` means no byte of the deleted text is left where this engine can see
    and clear it (see the engine's own notes for what that covers).
    """

    shards: int = 0
    wal: bool = False
    reason: str = ""

    @property
    def done(self) -> bool:
        return not self.shards and not self.wal


class Watcher(ABC):
    """Tells, from its own thread, when another connection changed the data."""

    @abstractmethod
    def wait(self, timeout: float) -> bool:
        """Block at most `timeout` seconds; True when something changed meanwhile."""

    @abstractmethod
    def close(self) -> None: ...


class Backend(ABC):
    name: str
    dialect: Dialect

    @abstractmethod
    def open(self, target: str, busy_timeout: float, create: bool) -> Database:
        """Connect, check the database is hushdesk's, migrate, finish owed clean-ups."""

    def describe(self, target: str) -> str:
        """The database as messages may name it (never a password)."""
        return target

    def secrets(self, target: str) -> tuple[str, ...]:
        """What of `target` must never appear in a message."""
        return ()

    # the search index -----------------------------------------------------------
    @abstractmethod
    def unindex(self, conversation_ids: Sequence[int], purge_later: bool = True) -> None: ...

    @abstractmethod
    def reindex(self, conversation_ids: Sequence[int], purge_later: bool = False) -> None: ...

    @abstractmethod
    def index_from(self, first: int, last: int) -> None:
        """Index the conversations of ids first..last (a bulk load's block of ids)."""

    @abstractmethod
    def reserve_ids(self, table: str, count: int) -> int:
        """The first of `count` ids of `table` no one else will take: a bulk load writes its
        rows with them, while other agents go on inserting (inside the caller's transaction,
        before it writes to `table`)."""

    def execute(self, query: Sql) -> Iterable[tuple[Any, ...]]:
        """Run plain SQL (the search's) on the open database: a cursor."""
        return db.execute_sql(self.dialect.mark(query.text), query.params)  # type: ignore[no-any-return]

    def subquery(self, query: Sql) -> ColumnBase:
        """Plain SQL (a SELECT) as a Peewee subquery."""
        return SQL(f"({self.dialect.mark(query.text)})", list(query.params))

    def text_ids(self, node: Node) -> ColumnBase:
        """A subquery of the ids of conversations whose text matches."""
        return self.subquery(self.dialect.text_ids(node))

    # deleting without a trace ----------------------------------------------------
    @abstractmethod
    def owe_cleanup(self, shards: Iterable[int] = ()) -> None:
        """Record, inside a deleting transaction, what must be cleaned once it commits."""

    @abstractmethod
    def pending(self) -> list[int]: ...

    @abstractmethod
    def scrub(self, wait: float) -> Cleanup:
        """After a deletion commits: clear what it left; never raise for other processes."""

    @abstractmethod
    def partitions(self) -> list[int | None]:
        """The parts a sweep works through one at a time (each purged when done)."""

    @abstractmethod
    def purge_partition(self, part: int | None) -> None: ...

    # bulk loads and statistics ----------------------------------------------------
    @abstractmethod
    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> None: ...

    @abstractmethod
    def after_bulk_load(self) -> None: ...

    # several writers -----------------------------------------------------------------
    @abstractmethod
    def lock_rows(self, query: ModelSelect[Any]) -> ModelSelect[Any]:
        """The query, locking the rows it reads until the transaction ends (where needed)."""

    @abstractmethod
    def one_at_a_time(self, name: str) -> None:
        """Inside a transaction: wait until no other transaction holds `name`, then hold it."""

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """Whether this process alone holds the named job (another may be doing it)."""
        yield True

    def one_of(self, ids: Sequence[int]) -> ColumnBase:
        """A subquery of these ids, passed as one value."""
        return self.subquery(self.dialect.one_of(ids))

    @abstractmethod
    def watcher(self) -> Watcher: ...

    @abstractmethod
    def traces(self, texts: Sequence[str]) -> list[tuple[str, str]]:
        """Where each text still appears, as far as this engine can look: (text, place)."""


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def migrate(database: Database, directory: Path) -> list[str]:
    """Apply pending migrations; refuse a database that has migrations this hushdesk lacks."""
    if _up_to_date(database, directory):
        return []
    from playhouse.migrations import Runner  # only when something is to be done or refused

    runner = Runner(database, directory=str(directory), table_name=MIGRATIONS_TABLE)
    unknown = [m.name for m in runner.status() if m.path is None]
    if unknown:
        raise DatabaseTooNew(
            f"this database was written by a newer hushdesk (migration {unknown[-1]}); "
            "upgrade hushdesk to open it"
        )
    applied = [str(name) for name in runner.up()]
    if applied:  # the runner records local time; every time hushdesk keeps is UTC
        history = runner.History
        history.update(applied=utc_now()).where(history.name.in_(applied)).execute()
    return applied


def _up_to_date(database: Database, directory: Path) -> bool:
    """Every migration here applied, and no other: the usual case, told by one query."""
    if not database.table_exists(MIGRATIONS_TABLE):
        return False
    cursor = database.execute_sql(APPLIED)  # type: ignore[no-untyped-call]
    return up_to_date(cursor.fetchall(), directory)


def new_connection() -> None:
    """A new connection in place of one that was lost (the old one is closed if it can be)."""
    try:
        db.close()
    except DRIVER_ERRORS:
        db._state.reset()  # the lost connection cannot even be closed: forget it
    db.connect(reuse_if_open=True)


def rows(query: object) -> list[tuple[Any, ...]]:
    """A query's rows as plain tuples, read straight from the driver.

    Row by row in Python rather than `fetchall()`: reading a few hundred thousand rows
    in one C call keeps the interpreter from the app's screen (the lock Python threads
    share changes hands only between Python steps) for a tenth of a second or more.
    """
    return [row for row in db.execute(query)]
