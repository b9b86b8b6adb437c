"""PostgreSQL, for teams: one database on a shared server, every inbox live.

Connect with a URL (`postgresql://agent@db.internal/helpdesk`); libpq's usual
ways of passing a password and options work (PGPASSWORD, ~/.pgpass,
`?sslmode=require`). The driver is psycopg 3 (`pip install 'hushdesk[postgres]'`).

Search. Each conversation's words (the contact's name, email and phone, the
subject and every message) are stored in `search_document` as a tsvector that
hushdesk builds from the same words SQLite's FTS5 keeps, with a gap between
fields so a phrase never spans two; queries come from the same tree
(`textquery`). So a search finds the same conversations on both engines.

Several agents. Rows a deletion decides on are locked (FOR UPDATE); a sweep
picks its chunks with SKIP LOCKED and holds an advisory lock per channel, so
two sweeps of one channel never run at once. Deadlocks and serialization
failures are retried (see `guard`); a lock held longer than the wait is said.

Deleted means gone, as far as PostgreSQL allows. After a deletion commits the
tables it touched are VACUUMed, so no live row or index entry holds the text;
if an older transaction still sees the rows, that is said and retried. What
PostgreSQL does not do: it does not zero freed space in its files, and its WAL,
replicas and backups keep old pages until they are recycled. The README says
what an operator configures for that; `verify-gone` checks the live rows only.

Live. Every statement that changes what an inbox shows sends NOTIFY
(a trigger, so any writer is heard); open inboxes LISTEN.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from peewee import ModelSelect, PostgresqlDatabase

from ..database import current
from ..drivers import attach_psycopg
from ..errors import DatabaseUnavailable, HushdeskError, InvalidInput, Refused
from ..guard import translate
from ..textquery import PAIRS_CUT, pair, phrase, words
from . import pg_url, pg_vacuum
from .base import DRIVER_ERRORS, Backend, Cleanup, Watcher, chunked, db, migrate
from .dialects import PostgresDialect, escape_like

MIGRATIONS_DIR = Path(__file__).parent / "postgres_migrations"
VACUUM_OWED = -1  # a purge_pending row: a deletion's tables still need their VACUUM
CLEANED: tuple[str, ...] = (
    *("conversation", "message", "contact", "attribute", "search_document", "mail_key"),
    "privacy_request",  # a request's identifiers, once sealed
    *("mail_reference", "reply_draft", "outbox"),  # replies
)
CLEANED += ("contact_key", "conversation_key", "privacy_request_key")  # a backup's keys
CHANNEL = "hushdesk_changes"
MAX_POSITION = 16383  # tsvector positions stop here
MAX_WORD = 500
MAX_ENTRY_BYTES = 2046  # one entry of a tsvector
MAX_PAIRS_TEXT = 256_000  # a document keeps this much of its pairs (a tsvector holds 1 MB)
ASCII_WORD = re.compile(r"[a-z0-9]+")
# Every statement of hushdesk's runs on one process of the server. A page reads a few
# thousand index entries at most, and starting parallel workers for it cost more than
# the page (at a million conversations on 2 cores: `ada`'s first page took 89 ms with
# two workers, 24 ms without); a count runs in a thread beside the screen, and with
# workers took every core of the server for the same time (100 ms for 680,000 rows
# either way), so the agent's next page waited behind it.
SESSION = "-c timezone=UTC -c max_parallel_workers_per_gather=0"


def shown(url: str) -> str:
    """The URL as messages and logs name it: never its password."""
    try:
        return pg_url.read(url).shown
    except HushdeskError:
        return pg_url.masked(url)


def document(fields: Sequence[str]) -> str:
    """A tsvector literal: each field's words with positions, a gap between fields, and
    each pair of neighbouring words in a field as an entry without positions (phrases
    are found by their pairs in the index: `textquery.tsquery`)."""
    positions: dict[str, list[int]] = {}
    neighbours: dict[str, None] = {}
    position, room = 1, MAX_PAIRS_TEXT
    for text in fields:
        before = ""
        for word in _words(text):
            if len(word) <= MAX_WORD:
                positions.setdefault(word, []).append(min(position, MAX_POSITION))
                if before and room > 0:
                    found = pair(before, word)
                    if len(found.encode()) > MAX_ENTRY_BYTES:
                        room = 0  # too long for one entry: the document is marked instead
                    elif found not in neighbours:
                        neighbours[found] = None
                        room -= len(found) + 3
            before = word if len(word) <= MAX_WORD else ""
            position += 1
        position += 1  # a phrase never runs from one field into the next
    entries = [f"'{w}':{','.join(map(str, p[:256]))}" for w, p in positions.items()]
    entries += [f"'{p}'" for p in neighbours]
    if room <= 0:
        entries.append(f"'{PAIRS_CUT}'")
    return " ".join(entries)


def _words(text: str) -> Sequence[str]:
    if text.isascii():
        return ASCII_WORD.findall(text.lower())
    return words(text)


_DOCUMENT_SELECT = PostgresDialect().document_select()


class PostgresBackend(Backend):
    name = "postgresql"
    dialect = PostgresDialect()

    def open(self, target: str, busy_timeout: float, create: bool) -> PostgresqlDatabase:
        _driver()
        url = pg_url.read(target)
        options = f"-c lock_timeout={int(busy_timeout * 1000)} {SESSION}"
        self.url = url
        keywords: dict[str, Any] = dict(url.keywords(options))  # libpq's, whatever they are
        database = PostgresqlDatabase(
            url.parts.get("dbname", ""), prefer_psycopg3=True, **keywords
        )
        db.initialize(database)
        try:
            database.connect(reuse_if_open=True)
            self._check_ours(database, target, create)
            migrate(database, MIGRATIONS_DIR)
        except DRIVER_ERRORS as error:
            database.close()
            raise _unreachable(error, target) from None
        except HushdeskError:
            database.close()
            raise
        if self.pending():
            self.scrub(wait=0)
        return database

    def describe(self, target: str) -> str:
        return shown(target)

    def secrets(self, target: str) -> tuple[str, ...]:
        try:
            return pg_url.read(target).secrets
        except HushdeskError:
            return ()

    def _check_ours(self, database: PostgresqlDatabase, target: str, create: bool) -> None:
        tables = set(database.get_tables())
        if tables and "schema_migration" not in tables:
            listed = ", ".join(sorted(tables)[:3])
            raise Refused(
                f"{shown(target)} holds another program's tables ({listed}...); "
                "hushdesk leaves it alone"
            )
        if not tables and not create:
            raise DatabaseUnavailable(
                f"no hushdesk database at {shown(target)} (hushdesk demo or hushdesk import "
                "creates one)"
            )
        if not tables:
            _trigram(database, target)

    # the search index -------------------------------------------------------------------
    def unindex(self, conversation_ids: Sequence[int], purge_later: bool = True) -> None:
        for batch in chunked(conversation_ids):
            _run("DELETE FROM search_document WHERE conversation_id = ANY(?)", (list(batch),))
        if purge_later and conversation_ids:
            self.owe_cleanup()

    def reindex(self, conversation_ids: Sequence[int], purge_later: bool = False) -> None:
        self.unindex(conversation_ids, purge_later)
        for batch in chunked(conversation_ids):
            self._index(f"{_DOCUMENT_SELECT} WHERE c.id = ANY(?)", (list(batch),))

    def index_from(self, first: int, last: int) -> None:
        for start in range(first, last + 1, 20_000):
            sql = f"{_DOCUMENT_SELECT} WHERE c.id >= ? AND c.id < ?"
            self._index(sql, (start, min(start + 20_000, last + 1)))

    def reindex_all(self) -> None:
        """Every conversation's search document made anew, in one transaction (a migration):
        the table emptied, filled in id order and its word index built once at the end,
        which is several times faster than keeping the index up to date row by row."""
        _run("TRUNCATE search_document")
        _run("DROP INDEX IF EXISTS search_document_words")
        (last,) = _run("SELECT coalesce(max(id), 0) FROM conversation").fetchone()
        self.index_from(1, int(last))
        _run("CREATE INDEX search_document_words ON search_document USING gin (document)")
        _run("ANALYZE search_document")

    def reserve_ids(self, table: str, count: int) -> int:
        """A block of ids taken from the table's sequence, on a connection of its own that
        commits at once: the table is locked against inserts only for that moment, so an
        agent's insert during a long import waits a millisecond and takes an id past it."""
        import psycopg

        if count <= 0:
            return 1
        with psycopg.connect(self.url.conninfo(), autocommit=True) as side:
            with side.transaction():
                side.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                found = side.execute(f"SELECT nextval({sequence})").fetchone()
                first = int(found[0]) if found else 1
                side.execute(f"SELECT setval({sequence}, %s)", (int(first) + count - 1,))
        return int(first)

    def _index(self, select: str, params: Sequence[object]) -> None:
        found = _run(select, params).fetchall()
        with db.connection().cursor() as cursor:
            with cursor.copy(
                "COPY search_document (conversation_id, document) FROM STDIN"
            ) as copy:
                for cid, *fields in found:
                    copy.write_row((cid, document(fields)))

    # deleting without a trace ------------------------------------------------------------
    def owe_cleanup(self, shards: Iterable[int] = ()) -> None:
        _run("INSERT INTO purge_pending (shard) VALUES (?) ON CONFLICT DO NOTHING", (VACUUM_OWED,))
        pg_vacuum.owe(_run)

    def pending(self) -> list[int]:
        return [int(s) for (s,) in _run("SELECT shard FROM purge_pending")]

    def scrub(self, wait: float) -> Cleanup:
        """After a deletion commits: its old row versions go once no snapshot sees them
        (`pg_vacuum`); a holder that outlives the wait is named."""
        return pg_vacuum.safely(_run, CLEANED, wait)

    def partitions(self) -> list[int | None]:
        return [None]

    def purge_partition(self, part: int | None) -> None:
        """Nothing per chunk: the sweep's clean-up VACUUMs once at its end."""

    # bulk loads and statistics ------------------------------------------------------------------
    def insert_rows(
        self, table: str, columns: Sequence[str], data: Iterable[Sequence[object]]
    ) -> None:
        with db.connection().cursor() as cursor:
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)

    def after_bulk_load(self) -> None:
        """Refresh the planner's statistics and the visibility map (for index-only scans)."""
        _run("VACUUM (ANALYZE)")

    # several writers --------------------------------------------------------------------------
    def lock_rows(self, query: ModelSelect[Any]) -> ModelSelect[Any]:
        return query.for_update()

    def one_at_a_time(self, name: str) -> None:
        """A transaction-level advisory lock (SQLite's writers are one at a time already)."""
        _run("SELECT pg_advisory_xact_lock(hashtext(?))", (name,))

    @contextmanager
    def exclusive(self, name: str) -> Iterator[bool]:
        """An advisory lock for the session: one process at a time does this job."""
        (alone,) = _run("SELECT pg_try_advisory_lock(hashtext(?))", (name,)).fetchone()
        try:
            yield bool(alone)
        finally:
            if alone:
                _run("SELECT pg_advisory_unlock(hashtext(?))", (name,))

    def watcher(self) -> Watcher:
        return Listener(self.url)

    def traces(self, texts: Sequence[str]) -> list[tuple[str, str]]:
        """Every live row and search-index entry (freed space and the WAL are not read)."""
        return list(live_traces(texts))


class Listener(Watcher):
    """LISTEN on its own connection: a change is heard the moment its transaction commits."""

    def __init__(self, url: pg_url.PgUrl) -> None:
        import psycopg

        self.connection = psycopg.connect(url.conninfo(), autocommit=True)
        self.connection.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> bool:
        import psycopg

        heard = False
        try:
            for _ in self.connection.notifies(timeout=timeout, stop_after=1):
                heard = True
            if heard:  # one refresh answers a burst: take what else is queued at once
                for _ in self.connection.notifies(timeout=0.05):
                    pass
        except psycopg.Error as error:
            raise DatabaseUnavailable(f"stopped following other agents: {error}") from None
        return heard

    def close(self) -> None:
        self.connection.close()


def _run(text: str, params: Sequence[object] = ()) -> Any:
    """A statement written with `?` for its parameters, as every statement of hushdesk's is."""
    return db.execute_sql(PostgresDialect().mark(text), params)


def _driver() -> None:
    try:
        attach_psycopg()
    except ImportError:
        raise InvalidInput(
            "PostgreSQL needs the postgres extra: pip install 'hushdesk[postgres]'"
        ) from None


def _trigram(database: PostgresqlDatabase, target: str) -> None:
    """pg_trgm, for the contact filters: created if this role may, else the one line to run."""
    try:
        _run("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DRIVER_ERRORS:
        raise InvalidInput(
            f"{shown(target)} needs the pg_trgm extension: a superuser runs "
            "CREATE EXTENSION pg_trgm; in that database"
        ) from None


def _unreachable(error: BaseException, target: str) -> HushdeskError:
    translated = translate(error)
    said = current().scrubbed(str(error)).strip()
    text = said.splitlines()[0] if said else type(error).__name__
    if isinstance(translated, DatabaseUnavailable) and "failed:" in str(translated):
        return DatabaseUnavailable(f"cannot use {shown(target)}: {text}")
    return translated


SEARCHED = {
    "contact": ("name", "email", "phone", "phone_digits"),
    "attribute": ("key", "value"),
    "conversation": ("subject",),
    "message": ("author", "body"),
    "channel": ("name",),
    "deletion_log": ("actor", "reason"),
    "privacy_request": ("reference", "identifiers"),
    "privacy_request_step": ("note",),
    "outbox": ("recipient", "subject", "body", "reason"),
    "mail_reference": ("message_id",),
}


def live_traces(texts: Sequence[str]) -> Iterator[tuple[str, str]]:
    """Every live row and search entry holding one of `texts` (any case), as (text, place)."""
    for text in texts:
        pattern = escape_like(text)
        for table, columns in SEARCHED.items():
            for column in columns:
                sql = f"SELECT id FROM {table} WHERE {column} ILIKE ? LIMIT 5"
                for (row,) in _run(sql, (pattern,)).fetchall():
                    yield text, f"table {table}, row {row}, column {column}"
        node = phrase(text)
        if node is not None:
            found = PostgresDialect().text_ids(node)
            for (row,) in _run(found.text + " LIMIT 5", found.params).fetchall():
                yield text, f"the search index, conversation {row}"
