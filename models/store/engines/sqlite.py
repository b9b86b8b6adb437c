"""SQLite, the embedded engine: one file, WAL mode, FTS5 search in 64 shards.

The search index is FTS5, one row per conversation (rowid = conversation id)
holding the contact's name, email and phone, the subject and every message
body. The operations keep it in step explicitly, inside their own
transactions, instead of with triggers: a bulk import or demo fills it with
one INSERT ... SELECT, and a table rebuilt by a migration cannot lose it.

Deleted means gone. SQLite 3.40's FTS5 keeps a deleted row's words in the
index until the index is rewritten with 'optimize', whose cost grows with the
index. So the index is split into SHARDS tables by conversation id, and a
deletion optimizes only the shards it touched: a single delete at a million
conversations rewrites one sixty-fourth of the index. The shards do not merge
automatically ('automerge' 0): a deletion only appends a small segment, which
the purge folds in, and a bulk load ends by merging each shard into one
segment (`after_bulk_load`).

After each deleting operation the WAL is checkpointed with TRUNCATE, since a
passive checkpoint leaves the deleted text in the -wal file (and, while a
reader's snapshot keeps the checkpoint from finishing, in the main file too).
The deleting transaction records what it owes in `purge_pending` (its shards,
and WAL_OWED for the checkpoint), so a crash, a writer holding the lock or a
long reader only delays the clean-up: the deletion reports it as pending, and
the next hushdesk to open the database, or the running app, finishes it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from peewee import ModelSelect, SqliteDatabase

from ..database import waiting
from ..errors import DatabaseDamaged, DatabaseUnavailable, HushdeskError, InvalidInput, Refused
from ..forensics import WAL_OWED, place, scan
from ..guard import cause, translate
from ..migrations import FOLDER as MIGRATIONS_DIR
from ..sqlite_file import is_regular, read_only
from ..values import SQLITE_HEADER
from .base import DRIVER_ERRORS, Backend, Cleanup, Watcher, chunked, db, migrate
from .dialects import SHARDS, SqliteDialect, shard_table

TOKENIZE = "unicode61 remove_diacritics 2"
PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("secure_delete", 1),
    ("synchronous", "normal"),
    ("cache_size", -32000),
)


def shard_of(conversation_id: int) -> int:
    return conversation_id % SHARDS


_DOCUMENT_SELECT = SqliteDialect().document_select()


def _insert_sql(shard: int) -> str:
    return f"INSERT INTO {shard_table(shard)}(rowid, name, email, phone, subject, body) "


def _by_shard(ids: Iterable[int]) -> dict[int, list[int]]:
    shards: dict[int, list[int]] = {}
    for cid in ids:
        shards.setdefault(shard_of(cid), []).append(cid)
    return shards


def checked_path(path: str | Path, create: bool) -> Path:
    text = str(path)
    if not text.strip():
        raise InvalidInput("the database path is empty")
    if "\x00" in text or not text.isprintable():
        raise InvalidInput("the database path has control characters")
    path = Path(text)
    if path.is_dir():
        raise DatabaseUnavailable(f"{path} is a folder, not a database file")
    if path.exists() and not is_regular(path):
        raise DatabaseUnavailable(f"{path} is not a regular file (a FIFO or a device?)")
    if not path.exists():
        if not create:
            raise DatabaseUnavailable(
                f"no database at {path} (hushdesk demo or hushdesk import creates one)"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise DatabaseUnavailable(f"cannot create {path.parent}: {error.strerror}") from None
    return path


def check_ours(path: Path) -> None:
    """Refuse a file that is not an SQLite database, or is another program's, reading only."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise DatabaseUnavailable(f"cannot read {path}: {error.strerror}") from None
    if head and head != SQLITE_HEADER:
        raise DatabaseDamaged(f"{path} is not an SQLite database; hushdesk leaves it alone")
    if not head:
        return  # an empty file is an empty database
    try:
        con = read_only(path)
        try:
            names = {n for (n,) in con.execute("SELECT name FROM sqlite_master")}
        finally:
            con.close()
    except sqlite3.Error as error:
        raise translate(error) from None
    if names and "schema_migration" not in names:
        shown = ", ".join(sorted(names)[:3])
        raise Refused(
            f"{path} is another program's SQLite database (tables {shown}...); "
            "hushdesk leaves it alone"
        )


class SqliteBackend(Backend):
    name = "sqlite"
    dialect = SqliteDialect()

    def open(self, target: str, busy_timeout: float, create: bool) -> SqliteDatabase:
        path = checked_path(target, create)
        if path.exists():
            check_ours(path)
        pragmas: list[tuple[str, object]] = list(PRAGMAS)
        pragmas.append(("busy_timeout", int(busy_timeout * 1000)))
        database = SqliteDatabase(
            str(path), pragmas=pragmas, timeout=busy_timeout, lock_type="IMMEDIATE"
        )
        db.initialize(database)
        try:
            database.connect(reuse_if_open=True)
            migrate(database, MIGRATIONS_DIR)
        except DRIVER_ERRORS as error:
            database.close()
            raise translate(error) from None
        except HushdeskError:
            database.close()
            raise
        if self.pending():  # a deletion was interrupted, or could not finish its clean-up
            self.scrub(wait=0)
        return database

    # the search index ---------------------------------------------------------------
    def unindex(self, conversation_ids: Sequence[int], purge_later: bool = True) -> None:
        """Remove conversations from the index (inside the caller's transaction).

        With `purge_later`, the touched shards are recorded for `purge()`, which
        removes the words themselves; without it only the rows go.
        """
        shards = _by_shard(conversation_ids)
        for shard, ids in shards.items():
            for batch in chunked(ids):
                marks = ",".join("?" * len(batch))
                sql = f"DELETE FROM {shard_table(shard)} WHERE rowid IN ({marks})"
                db.execute_sql(sql, batch)
        if purge_later and shards:
            self.owe_cleanup(shards)

    def reindex(self, conversation_ids: Sequence[int], purge_later: bool = False) -> None:
        """Rewrite the index rows of these conversations from the tables."""
        self.unindex(conversation_ids, purge_later)
        for shard, ids in _by_shard(conversation_ids).items():
            for batch in chunked(ids):
                marks = ",".join("?" * len(batch))
                sql = f"{_insert_sql(shard)}{_DOCUMENT_SELECT} WHERE c.id IN ({marks})"
                db.execute_sql(sql, batch)

    def index_from(self, first: int, last: int) -> None:
        for shard in range(SHARDS):
            where = "WHERE c.id >= ? AND c.id <= ? AND c.id % ? = ?"
            db.execute_sql(
                f"{_insert_sql(shard)}{_DOCUMENT_SELECT} {where}", (first, last, SHARDS, shard)
            )

    def reserve_ids(self, table: str, count: int) -> int:
        """The ids after the highest: the caller's write transaction holds SQLite's only
        write lock, so no one else can take them."""
        (highest,) = db.execute_sql(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
        return int(highest) + 1

    # deleting without a trace ----------------------------------------------------------
    def owe_cleanup(self, shards: Iterable[int] = ()) -> None:
        rows = sorted({*shards, WAL_OWED})
        marks = ",".join(["(?)"] * len(rows))
        db.execute_sql(f"INSERT OR IGNORE INTO purge_pending(shard) VALUES {marks}", rows)

    def pending(self) -> list[int]:
        """Index shards still to purge, and WAL_OWED when the WAL must still be truncated."""
        cursor = db.execute_sql("SELECT shard FROM purge_pending ORDER BY shard")
        return [shard for (shard,) in cursor]

    def purge(self, shards: Iterable[int] | None = None) -> int:
        """Rewrite the given (default: all pending) shards so deleted words leave the index.

        Each shard is its own short transaction unless the caller holds one.
        Returns how many shards were rewritten.
        """
        todo = sorted(set(shards)) if shards is not None else self.pending()
        todo = [shard for shard in todo if shard != WAL_OWED]
        for shard in todo:
            with db.atomic():
                table = shard_table(shard)
                db.execute_sql(f"INSERT INTO {table}({table}) VALUES('optimize')")
                db.execute_sql("DELETE FROM purge_pending WHERE shard = ?", (shard,))
        return len(todo)

    def checkpoint(self) -> bool:
        """Copy the WAL into the database and truncate it, so no old page stays in -wal.

        Returns False when a reader's snapshot (or a writer) kept it from completing.
        """
        busy, _, _ = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return int(busy) == 0

    def scrub(self, wait: float) -> Cleanup:
        """Purge the owed shards, then truncate the WAL, waiting at most `wait` seconds.

        What cannot be done now stays recorded, and the next hushdesk to open
        the database (or the running app's timer) finishes it.
        """
        previous = db.execute_sql("PRAGMA busy_timeout").fetchone()[0]
        db.execute_sql(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        try:
            with waiting(wait):
                return self._scrub()
        except DRIVER_ERRORS as error:
            left = [s for s in self._pending_or_all() if s != WAL_OWED]
            return Cleanup(len(left), True, cause(error))
        finally:
            db.execute_sql(f"PRAGMA busy_timeout = {previous}")

    def _scrub(self) -> Cleanup:
        self.purge()
        if WAL_OWED not in self.pending():
            return Cleanup()
        if not self.checkpoint():
            return Cleanup(0, True, "another program is reading the database")
        db.execute_sql("DELETE FROM purge_pending WHERE shard = ?", (WAL_OWED,))
        self.checkpoint()  # the row just deleted was the only change since: no customer data
        return Cleanup()

    def _pending_or_all(self) -> list[int]:
        try:
            return self.pending()
        except DRIVER_ERRORS:
            return list(range(SHARDS))

    def partitions(self) -> list[int | None]:
        return list(range(SHARDS))

    def purge_partition(self, part: int | None) -> None:
        if part is not None:
            self.purge([part])

    # bulk loads and statistics ------------------------------------------------------------
    def insert_rows(
        self, table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]
    ) -> None:
        marks = ",".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})"
        db.connection().executemany(sql, rows)

    def analyze(self) -> None:
        """Refresh the query planner's statistics after a bulk load.

        Without them SQLite walks the status index (half the table) for a search in
        the Archived filter instead of starting from the few matching contacts.
        sqlite_stat1 holds only row counts; sample rows (sqlite_stat4, in builds
        that keep them) would copy customer data, so they are dropped.
        """
        db.execute_sql("PRAGMA analysis_limit = 0")
        db.execute_sql("ANALYZE")
        if db.table_exists("sqlite_stat4"):
            db.execute_sql("DELETE FROM sqlite_stat4")

    def after_bulk_load(self) -> None:
        """Merge every index shard into one segment, then refresh the planner's statistics.

        A bulk load leaves each shard in many segments ('automerge' is off): every
        search then reads each of them, and the first deletion in a shard pays for
        merging them. At a million conversations this takes a few seconds.
        """
        self.purge(range(SHARDS))
        self.analyze()

    # several writers ---------------------------------------------------------------------
    def lock_rows(self, query: ModelSelect[Any]) -> ModelSelect[Any]:
        return query  # BEGIN IMMEDIATE already holds the only write lock

    def one_at_a_time(self, name: str) -> None:
        """Nothing to do: a write transaction holds SQLite's only write lock."""

    def watcher(self) -> Watcher:
        return DataVersion(str(db.database))

    def traces(self, texts: Sequence[str]) -> list[tuple[str, str]]:
        """Every byte of the database file and its -wal, -shm and -journal files."""

        return [(f.text, place(f)) for f in scan(str(db.database), list(texts))]


class DataVersion(Watcher):
    """SQLite's data_version: it changes when another connection commits (cheap to poll)."""

    POLL = 0.25

    def __init__(self, path: str) -> None:
        self.connection = read_only(path, threads=True)
        self.seen = self._version()
        self.stopped = threading.Event()

    def _version(self) -> int:
        try:
            return int(self.connection.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error as error:
            raise DatabaseUnavailable(f"stopped following other agents: {error}") from None

    def wait(self, timeout: float) -> bool:
        waited = 0.0
        while waited < timeout and not self.stopped.is_set():
            version = self._version()
            if version != self.seen:
                self.seen = version
                return True
            self.stopped.wait(self.POLL)
            waited += self.POLL
        return False

    def close(self) -> None:
        self.stopped.set()
        self.connection.close()
