"""Everything that depends on the database engine: connection, pragmas, migrations, search index.

SQLite is the engine today. The rest of `models/` talks to Peewee models and
to the functions here, so a PostgreSQL backend replaces this module only.

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

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from peewee import (
    SQL,
    ColumnBase,
    DatabaseProxy,
    Expression,
    NodeList,
    SqliteDatabase,
)
from playhouse.migrations import Runner
from playhouse.sqlite_ext import FTS5Model, SearchField

from .errors import (
    DatabaseDamaged,
    DatabaseTooNew,
    DatabaseUnavailable,
    HushdeskError,
    InvalidInput,
    Refused,
)
from .guard import DRIVER_ERRORS, cause, guarded, translate, where

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
CHUNK = 500
BUSY_TIMEOUT_S = 15

db = DatabaseProxy()
T = TypeVar("T")

PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("secure_delete", 1),
    ("synchronous", "normal"),
    ("cache_size", -32000),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
)


SHARDS = 64
TOKENIZE = "unicode61 remove_diacritics 2"


def shard_of(conversation_id: int) -> int:
    return conversation_id % SHARDS


def shard_table(shard: int) -> str:
    return f"search_{shard:02d}"


def shard_column(conversation_id: ColumnBase) -> ColumnBase:
    """The shard of a conversation id column, in SQL (Peewee's `%` operator is LIKE)."""
    return Expression(conversation_id, "%", SHARDS)


class SearchIndex(FTS5Model):  # type: ignore[misc]  # playhouse.sqlite_ext is untyped
    """Describes the columns every shard has; used to translate search-box text."""

    name = SearchField()
    email = SearchField()
    phone = SearchField()
    subject = SearchField()
    body = SearchField()

    class Meta:
        database = db
        table_name = "search_00"
        options = {"tokenize": TOKENIZE}


@guarded
def open_database(
    path: str | Path, busy_timeout: float = BUSY_TIMEOUT_S, create: bool = False
) -> SqliteDatabase:
    """Open the database at `path` and bring its schema up to date.

    Only `create` makes a new file (the app, `demo` and `import` do); a file of
    another program is refused before anything is written to it. `busy_timeout`
    is how many seconds a statement waits for another writer's lock. A clean-up
    still owed by an earlier deletion is finished if it can be without waiting.
    """
    path = _checked_path(path, create)
    where.path, where.busy_seconds = str(path), busy_timeout
    if path.exists():
        _check_ours(path)
    pragmas = [(k, v) for k, v in PRAGMAS if k != "busy_timeout"]
    pragmas.append(("busy_timeout", int(busy_timeout * 1000)))
    database = SqliteDatabase(
        str(path), pragmas=pragmas, timeout=busy_timeout, lock_type="IMMEDIATE"
    )
    db.initialize(database)
    try:
        database.connect(reuse_if_open=True)
        migrate(database)
    except DRIVER_ERRORS as error:
        database.close()
        raise translate(error) from None
    except HushdeskError:
        database.close()
        raise
    if pending_purge():  # a deletion was interrupted, or could not finish its clean-up
        scrub(wait=0)
    return database


def _checked_path(path: str | Path, create: bool) -> Path:
    text = str(path)
    if not text.strip():
        raise InvalidInput("the database path is empty")
    if "\x00" in text or not text.isprintable():
        raise InvalidInput("the database path has control characters")
    path = Path(text)
    if path.is_dir():
        raise DatabaseUnavailable(f"{path} is a folder, not a database file")
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


def _check_ours(path: Path) -> None:
    """Refuse a file that is not an SQLite database, or is another program's, reading only."""
    try:
        with path.open("rb") as handle:
            head = handle.read(16)
    except OSError as error:
        raise DatabaseUnavailable(f"cannot read {path}: {error.strerror}") from None
    if head and head != b"SQLite format 3\x00":
        raise DatabaseDamaged(f"{path} is not an SQLite database; hushdesk leaves it alone")
    if not head:
        return  # an empty file is an empty database
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
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


@guarded
def close_database() -> None:
    if db.obj is not None and not db.is_closed():
        db.close()


def _utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def migrate(database: SqliteDatabase) -> list[str]:
    """Apply pending migrations; refuse a database that has migrations this hushdesk lacks."""
    runner = Runner(database, directory=str(MIGRATIONS_DIR), table_name="schema_migration")
    unknown = [m.name for m in runner.status() if m.path is None]
    if unknown:
        raise DatabaseTooNew(
            f"this database was written by a newer hushdesk (migration {unknown[-1]}); "
            "upgrade hushdesk to open it"
        )
    applied = [str(name) for name in runner.up()]
    if applied:  # the runner records local time; every time hushdesk keeps is UTC
        history = runner.History
        history.update(applied=_utc_now()).where(history.name.in_(applied)).execute()
    return applied


def schema_migrations() -> list[str]:
    """Names of every migration this hushdesk knows, in order."""
    return [p.stem for p in sorted(MIGRATIONS_DIR.glob("[0-9]*.py"))]


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


_DOCUMENT_SELECT = (
    "SELECT c.id, coalesce(ct.name, ''), coalesce(ct.email, ''), "
    "coalesce(ct.phone, '') || ' ' || coalesce(ct.phone_digits, ''), c.subject, "
    "coalesce((SELECT group_concat(m.body, ' ') FROM message m "
    "WHERE m.conversation_id = c.id), '') "
    "FROM conversation c LEFT JOIN contact ct ON ct.id = c.contact_id"
)


def _insert_sql(shard: int) -> str:
    return f"INSERT INTO {shard_table(shard)}(rowid, name, email, phone, subject, body) "


def _by_shard(ids: Iterable[int]) -> dict[int, list[int]]:
    shards: dict[int, list[int]] = {}
    for cid in ids:
        shards.setdefault(shard_of(cid), []).append(cid)
    return shards


def unindex(conversation_ids: Sequence[int], purge_later: bool = True) -> None:
    """Remove conversations from the index (inside the caller's transaction).

    With `purge_later`, the touched shards are recorded for `purge()`, which
    removes the words themselves; without it only the rows go.
    """
    shards = _by_shard(conversation_ids)
    for shard, ids in shards.items():
        for batch in chunked(ids):
            marks = ",".join("?" * len(batch))
            db.execute_sql(f"DELETE FROM {shard_table(shard)} WHERE rowid IN ({marks})", batch)
    if purge_later and shards:
        owe_cleanup(shards)


def reindex(conversation_ids: Sequence[int], purge_later: bool = False) -> None:
    """Rewrite the index rows of these conversations from the tables."""
    unindex(conversation_ids, purge_later)
    for shard, ids in _by_shard(conversation_ids).items():
        for batch in chunked(ids):
            marks = ",".join("?" * len(batch))
            sql = f"{_insert_sql(shard)}{_DOCUMENT_SELECT} WHERE c.id IN ({marks})"
            db.execute_sql(sql, batch)


def index_from(min_id: int) -> None:
    """Index every conversation with id >= min_id (bulk loads add rows at the end)."""
    for shard in range(SHARDS):
        sql = f"{_insert_sql(shard)}{_DOCUMENT_SELECT} WHERE c.id >= ? AND c.id % ? = ?"
        db.execute_sql(sql, (min_id, SHARDS, shard))


WAL_OWED = -1  # a purge_pending row: the write-ahead log may still hold deleted text
SCRUB_WAIT_S = 2.0


@dataclass(frozen=True)
class Cleanup:
    """What a deletion still owes after it committed: nothing, or index shards and the WAL.

    `done` means no byte of the deleted text is left in the database's files.
    """

    shards: int = 0
    wal: bool = False
    reason: str = ""

    @property
    def done(self) -> bool:
        return not self.shards and not self.wal


def owe_cleanup(shards: Iterable[int] = ()) -> None:
    """Record, inside a deleting transaction, what must be scrubbed once it commits."""
    rows = sorted({*shards, WAL_OWED})
    marks = ",".join(["(?)"] * len(rows))
    db.execute_sql(f"INSERT OR IGNORE INTO purge_pending(shard) VALUES {marks}", rows)


def pending_purge() -> list[int]:
    """Index shards still to purge, and WAL_OWED when the WAL must still be truncated."""
    return [shard for (shard,) in db.execute_sql("SELECT shard FROM purge_pending ORDER BY shard")]


def purge(shards: Iterable[int] | None = None) -> int:
    """Rewrite the given (default: all pending) shards so deleted words leave the index.

    Each shard is its own short transaction unless the caller holds one.
    Returns how many shards were rewritten.
    """
    todo = sorted(set(shards)) if shards is not None else pending_purge()
    todo = [shard for shard in todo if shard != WAL_OWED]
    for shard in todo:
        with db.atomic():
            table = shard_table(shard)
            db.execute_sql(f"INSERT INTO {table}({table}) VALUES('optimize')")
            db.execute_sql("DELETE FROM purge_pending WHERE shard = ?", (shard,))
    return len(todo)


def checkpoint() -> bool:
    """Copy the WAL into the database and truncate it, so no old page stays in -wal.

    Returns False when a reader's snapshot (or a writer) kept it from completing.
    """
    busy, _, _ = db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return int(busy) == 0


def scrub(wait: float = SCRUB_WAIT_S) -> Cleanup:
    """After a deleting operation commits: purge the owed shards, then truncate the WAL.

    Waits at most `wait` seconds for other processes; never raises for them. What
    cannot be done now stays recorded, and the next hushdesk to open the
    database (or the running app's timer) finishes it.
    """
    previous = db.execute_sql("PRAGMA busy_timeout").fetchone()[0]
    db.execute_sql(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    waited, where.busy_seconds = where.busy_seconds, wait
    try:
        return _scrub()
    except DRIVER_ERRORS as error:
        left = [s for s in _pending_or_all() if s != WAL_OWED]
        return Cleanup(len(left), True, cause(error))
    finally:
        where.busy_seconds = waited
        db.execute_sql(f"PRAGMA busy_timeout = {previous}")


def _scrub() -> Cleanup:
    purge()
    if WAL_OWED not in pending_purge():
        return Cleanup()
    if not checkpoint():
        return Cleanup(0, True, "another program is reading the database")
    db.execute_sql("DELETE FROM purge_pending WHERE shard = ?", (WAL_OWED,))
    checkpoint()  # the row just deleted was the only change since: no customer data
    return Cleanup()


@guarded
def finish_cleanup() -> Cleanup | None:
    """Finish what earlier deletions still owe, without waiting; None when nothing was owed."""
    if not pending_purge():
        return None
    return scrub(wait=0)


def _pending_or_all() -> list[int]:
    try:
        return pending_purge()
    except DRIVER_ERRORS:
        return list(range(SHARDS))


def analyze() -> None:
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


def after_bulk_load() -> None:
    """Merge every index shard into one segment, then refresh the planner's statistics.

    A bulk load leaves each shard in many segments ('automerge' is off): every
    search then reads each of them, and the first deletion in a shard pays for
    merging them. At a million conversations this takes a few seconds.
    """
    purge(range(SHARDS))
    analyze()


SAMPLE_SHARD = 0


def sample_matches(fts_query: str) -> tuple[int, int]:
    """Matches of an FTS5 query, and rows, in one shard: a sample of 1/SHARDS by id."""
    table = shard_table(SAMPLE_SHARD)
    sql = f"SELECT count(*) FROM {table} WHERE {table} MATCH ?"
    (matches,) = db.execute_sql(sql, (fts_query,)).fetchone()
    (rows,) = db.execute_sql(f"SELECT count(*) FROM {table}_docsize").fetchone()
    return int(matches), int(rows)


def _each_shard_matching() -> str:
    """One SELECT of matching rowids per shard, as a UNION ALL; one `?` (the query) each."""
    return " UNION ALL ".join(
        f"SELECT rowid FROM {shard_table(s)} WHERE {shard_table(s)} MATCH ?" for s in range(SHARDS)
    )


def match_ids(fts_query: str) -> ColumnBase:
    """A subquery of conversation ids whose index row matches an FTS5 query, in any shard."""
    return SQL(f"({_each_shard_matching()})", [fts_query] * SHARDS)


def match_probe(fts_query: str, conversation_id: ColumnBase) -> ColumnBase:
    """True when the conversation matches an FTS5 query: one lookup in its own shard.

    Listing every match costs as much as there are matches; when most rows match
    and only the newest are wanted, testing rows one by one stops much sooner.
    The id is named once (as `probe.id`), so the 64-way CASE is one fixed text.
    """
    head = SQL(f"(SELECT {_PROBE_CASE} FROM (SELECT", [fts_query] * SHARDS)
    return NodeList((head, conversation_id, SQL("AS id) AS probe)")))


def _shard_probe(shard: int) -> str:
    table = shard_table(shard)
    lookup = f"SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid = probe.id"
    return f"WHEN {shard} THEN EXISTS({lookup})"


_PROBE_CASE = f"CASE probe.id % {SHARDS} {' '.join(map(_shard_probe, range(SHARDS)))} END"


def one_of(ids: Sequence[int]) -> ColumnBase:
    """A subquery listing these ids, passed as one value: thousands stay cheap to send."""
    return SQL("(SELECT value FROM json_each(?))", [json.dumps(list(ids))])


def web_query(text: str) -> str:
    """Turn search-box words into a valid FTS5 query (quotes, OR, -exclusion, col:)."""
    return str(SearchIndex.web_query(text))


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Bulk insert plain tuples (demo data, imports) inside the caller's transaction."""
    marks = ",".join("?" * len(columns))
    sql = f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})"
    db.connection().executemany(sql, rows)


def rows(query: object) -> list[tuple[Any, ...]]:
    """A query's rows as plain tuples, read straight from the driver."""
    return list(db.execute(query).fetchall())


def max_id(table: str) -> int:
    (value,) = db.execute_sql(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
    return int(value)
