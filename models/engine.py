"""Everything that depends on the database engine: connection, pragmas, migrations, search index.

SQLite is the engine today. The rest of `models/` talks to Peewee models and
to the functions here, so a PostgreSQL backend replaces this module only.

The search index is an FTS5 table with one row per conversation (rowid =
conversation id) holding the contact's name, email and phone, the subject and
every message body. The operations keep it in step explicitly, inside their
own transactions, instead of with triggers: a bulk import or demo fills it with
one INSERT ... SELECT, and a table rebuilt by a migration cannot lose it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from peewee import DatabaseError, DatabaseProxy, SqliteDatabase
from playhouse.migrations import Runner
from playhouse.sqlite_ext import FTS5Model, SearchField

from .errors import DatabaseTooNew, DatabaseUnavailable

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
CHUNK = 500
BUSY_TIMEOUT_S = 15

db = DatabaseProxy()

PRAGMAS = (
    ("journal_mode", "wal"),
    ("foreign_keys", 1),
    ("secure_delete", 1),
    ("synchronous", "normal"),
    ("cache_size", -32000),
    ("busy_timeout", BUSY_TIMEOUT_S * 1000),
)


class SearchIndex(FTS5Model):
    name = SearchField()
    email = SearchField()
    phone = SearchField()
    subject = SearchField()
    body = SearchField()

    class Meta:
        database = db
        table_name = "search_index"
        options = {"tokenize": "unicode61 remove_diacritics 2"}


def open_database(path: str | Path, busy_timeout: float = BUSY_TIMEOUT_S) -> SqliteDatabase:
    """Open (creating if needed) the database at `path` and bring its schema up to date.

    `busy_timeout` is how many seconds a statement waits for another writer's lock.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseUnavailable(f"{path} is a folder, not a database file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseUnavailable(f"cannot create {path.parent}: {error.strerror}") from None
    pragmas = [(k, v) for k, v in PRAGMAS if k != "busy_timeout"]
    pragmas.append(("busy_timeout", int(busy_timeout * 1000)))
    database = SqliteDatabase(
        str(path), pragmas=pragmas, timeout=busy_timeout, lock_type="IMMEDIATE"
    )
    db.initialize(database)
    try:
        database.connect(reuse_if_open=True)
        migrate(database)
    except (DatabaseError, sqlite3.DatabaseError) as error:
        database.close()
        raise DatabaseUnavailable(f"cannot open {path}: {error}") from None
    return database


def close_database() -> None:
    if db.obj is not None and not db.is_closed():
        db.close()


def migrate(database: SqliteDatabase) -> list[str]:
    """Apply pending migrations; refuse a database that has migrations this hushdesk lacks."""
    runner = Runner(database, directory=str(MIGRATIONS_DIR), table_name="schema_migration")
    unknown = [m.name for m in runner.status() if m.path is None]
    if unknown:
        raise DatabaseTooNew(
            f"this database was written by a newer hushdesk (migration {unknown[-1]}); "
            "upgrade hushdesk to open it"
        )
    return runner.up()


def schema_migrations() -> list[str]:
    """Names of every migration this hushdesk knows, in order."""
    return [p.stem for p in sorted(MIGRATIONS_DIR.glob("[0-9]*.py"))]


def create_search_index(database: SqliteDatabase) -> None:
    database.execute_sql(
        "CREATE VIRTUAL TABLE IF NOT EXISTS search_index USING fts5("
        "name, email, phone, subject, body, tokenize='unicode61 remove_diacritics 2')"
    )


def chunked(ids: Iterable[int], size: int = CHUNK) -> Iterator[list[int]]:
    batch: list[int] = []
    for item in ids:
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
_INDEX_INSERT = "INSERT INTO search_index(rowid, name, email, phone, subject, body) "


def unindex(conversation_ids: Sequence[int]) -> None:
    """Remove conversations from the search index (inside the caller's transaction)."""
    for batch in chunked(conversation_ids):
        marks = ",".join("?" * len(batch))
        db.execute_sql(f"DELETE FROM search_index WHERE rowid IN ({marks})", batch)


def reindex(conversation_ids: Sequence[int]) -> None:
    """Rewrite the index rows of these conversations from the tables."""
    unindex(conversation_ids)
    for batch in chunked(conversation_ids):
        marks = ",".join("?" * len(batch))
        db.execute_sql(f"{_INDEX_INSERT}{_DOCUMENT_SELECT} WHERE c.id IN ({marks})", batch)


def index_from(min_id: int) -> None:
    """Index every conversation with id >= min_id (bulk loads add rows at the end)."""
    db.execute_sql(f"{_INDEX_INSERT}{_DOCUMENT_SELECT} WHERE c.id >= ?", (min_id,))


def rebuild_index() -> None:
    db.execute_sql("DELETE FROM search_index")
    db.execute_sql(f"{_INDEX_INSERT}{_DOCUMENT_SELECT}")


def match_ids(fts_query: str) -> object:
    """A subquery of conversation ids whose index row matches an FTS5 query."""
    return SearchIndex.select(SearchIndex.rowid).where(SearchIndex.match(fts_query))


def web_query(text: str) -> str:
    """Turn search-box words into a valid FTS5 query (quotes, OR, -exclusion, col:)."""
    return SearchIndex.web_query(text)


def insert_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """Bulk insert plain tuples (demo data, imports) inside the caller's transaction."""
    marks = ",".join("?" * len(columns))
    sql = f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})"
    db.connection().executemany(sql, rows)


def max_id(table: str) -> int:
    (value,) = db.execute_sql(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()
    return int(value)
