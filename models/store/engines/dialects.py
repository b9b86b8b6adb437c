"""What the search writes differently on each engine, as plain SQL (no Peewee).

The search index (FTS5 in shards on SQLite, a tsvector table on PostgreSQL),
case-insensitive matching, a list of ids passed as one value, and the mark for
a parameter. `models.search.planner` writes every query through one of these, and the
engines (`sqlite`, `postgres`) use the same pieces for what else they search.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..sql import Sql, is_in, joined, sql
from ..textquery import All, Any, Node, Phrase, Without, fts5, pairs, tsquery

SHARDS = 64  # SQLite: the search index is split by conversation id (see engines.sqlite)
SAMPLE_SHARD = 0


def shard_table(shard: int) -> str:
    return f"search_{shard:02d}"


def _shard_probe(shard: int) -> str:
    table = shard_table(shard)
    lookup = f"SELECT 1 FROM {table} WHERE {table} MATCH ? AND rowid = probe.id"
    return f"WHEN {shard} THEN EXISTS({lookup})"


_PROBE_CASE = f"CASE probe.id % {SHARDS} {' '.join(map(_shard_probe, range(SHARDS)))} END"
_EACH_SHARD_MATCHING = " UNION ALL ".join(
    f"SELECT rowid FROM {shard_table(s)} WHERE {shard_table(s)} MATCH ?" for s in range(SHARDS)
)


def escape_like(text: str) -> str:
    """`%text%` for LIKE with `\\` as its escape: the text's own % and _ match themselves."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


class Dialect:
    name: str
    bodies: str  # every message body of conversation `c`, in id order, joined by spaces
    like = "LIKE"
    skip_locked = ""  # locking the rows read, skipping those another transaction holds
    no_limit: int | None = None  # LIMIT's "all rows"
    sample_share = 1  # how many times larger the whole index is than its sample
    probe_weight = 1.0  # what testing one row costs here, against SQLite's (planner.PROBE_COST)
    bounded_walk = False  # a walk testing rows is bounded, then the index read (planner.page)

    def mark(self, text: str) -> str:
        """A fragment's text with the driver's parameter marks."""
        return text

    def document_select(self) -> str:
        """Each conversation's search document, the same on every engine: the contact's
        name, email and phone, the subject, and the messages in the order they came."""
        return (
            "SELECT c.id, coalesce(ct.name, ''), coalesce(ct.email, ''), "
            "coalesce(ct.phone, '') || ' ' || coalesce(ct.phone_digits, ''), c.subject, "
            f"coalesce({self.bodies}, '') "
            "FROM conversation c LEFT JOIN contact ct ON ct.id = c.contact_id"
        )

    def window(self, limit: int, offset: int) -> Sql:
        """LIMIT and OFFSET, where a limit of 0 is no limit."""
        return sql("LIMIT ? OFFSET ?", limit or self.no_limit, offset)

    def contains(self, column: str, text: str) -> Sql:
        return sql(f"{column} {self.like} ? ESCAPE ?", escape_like(text), "\\")

    def text_ids(self, node: Node) -> Sql:
        """A SELECT of the ids of conversations whose text matches."""
        raise NotImplementedError

    def text_probe(self, node: Node, conversation_id: str) -> Sql:
        """True when this one conversation's text matches (tested row by row)."""
        raise NotImplementedError

    def text_among(self, node: Node, ids: Sequence[int]) -> Sql:
        """A SELECT of those of these conversations (never none) whose text matches."""
        raise NotImplementedError

    def sample(self, node: Node) -> tuple[Sql, Sql] | None:
        """Two counts, of matches and of rows in a sample (None: the planner judges alone;
        a count of None: no estimate this time)."""
        return None

    def guess_rows(self, query: Sql) -> Sql | None:
        """What asks the engine for its own guess of the rows `query` gives (None: none)."""
        return None

    def guessed(self, answer: object) -> int | None:
        """The guess, read from the answer to `guess_rows`."""
        return None

    def lead(self, column: str, ids: Sql) -> Sql:
        """`column IN (ids)`, the ids read first (they are few) and the rows then looked up."""
        return is_in(column, ids)

    def one_of(self, ids: Sequence[int]) -> Sql:
        """A SELECT of these ids, passed as one value: thousands stay cheap to send."""
        raise NotImplementedError

    def chunk(self, rule: Sql, after: int, part: int | None, limit: int) -> Sql:
        """The ids of the next `limit` conversations by `rule`, past `after`, in one part
        (see `Backend.partitions`), locked for the transaction where the engine locks."""
        parts: list[Sql | str] = [
            "SELECT conversation.id FROM conversation WHERE",
            rule,
            sql("AND conversation.id > ?", after),
        ]
        if part is not None:
            parts.append(sql(f"AND conversation.id % {SHARDS} = ?", part))
        parts += [sql("ORDER BY conversation.id LIMIT ?", limit), self.skip_locked]
        return joined(parts)


class SqliteDialect(Dialect):
    name = "sqlite"
    bodies = (  # SQLite 3.40 takes no ORDER BY in an aggregate: the inner query orders
        "(SELECT group_concat(body, ' ') FROM "
        "(SELECT m.body FROM message m WHERE m.conversation_id = c.id ORDER BY m.id))"
    )
    no_limit = -1
    sample_share = SHARDS

    def text_ids(self, node: Node) -> Sql:
        return Sql(_EACH_SHARD_MATCHING, (fts5(node),) * SHARDS)

    def text_probe(self, node: Node, conversation_id: str) -> Sql:
        """Listing every match costs as much as there are matches; when most rows match
        and only the newest are wanted, testing rows one by one stops much sooner.
        The id is named once (as `probe.id`), so the 64-way CASE is one fixed text."""
        head = Sql(f"(SELECT {_PROBE_CASE} FROM (SELECT", (fts5(node),) * SHARDS)
        return joined([head, conversation_id, "AS id) AS probe)"])

    def text_among(self, node: Node, ids: Sequence[int]) -> Sql:
        """Only the shards these ids are in are read: the first touch of a shard in a
        connection costs more than a lookup in it, and a probe names all 64."""
        shards: dict[int, list[int]] = {}
        for cid in ids:
            shards.setdefault(cid % SHARDS, []).append(cid)
        parts = []
        for shard, members in sorted(shards.items()):
            table = shard_table(shard)
            lookup = sql(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid IN (", fts5(node)
            )
            parts.append(joined([lookup, self.one_of(members), ")"], ""))
        return joined(parts, " UNION ALL ")

    def sample(self, node: Node) -> tuple[Sql, Sql]:
        """Matches of the text, and rows, in one shard: a sample of 1/SHARDS by id."""
        table = shard_table(SAMPLE_SHARD)
        matches = sql(f"SELECT count(*) FROM {table} WHERE {table} MATCH ?", fts5(node))
        return matches, sql(f"SELECT count(*) FROM {table}_docsize")

    def one_of(self, ids: Sequence[int]) -> Sql:
        return sql("SELECT value FROM json_each(?)", json.dumps(list(ids)))


class PostgresDialect(Dialect):
    name = "postgresql"
    skip_locked = "FOR UPDATE SKIP LOCKED"
    bodies = (
        "(SELECT string_agg(m.body, ' ' ORDER BY m.id) FROM message m "
        "WHERE m.conversation_id = c.id)"
    )
    like = "ILIKE"
    probe_weight = 0.05  # a row tested costs two matches listed from the index (40 on SQLite)
    bounded_walk = True  # the estimate is a bound from statistics: it can say many for few

    def mark(self, text: str) -> str:
        return text.replace("%", "%%").replace("?", "%s")

    def text_ids(self, node: Node) -> Sql:
        text = "SELECT conversation_id FROM search_document WHERE document @@ ?::tsquery"
        return sql(text, tsquery(node))

    def text_probe(self, node: Node, conversation_id: str) -> Sql:
        """A subquery per row, which PostgreSQL never turns into a join: the rows are then
        walked newest first and the walk stops with the page (a join would let the planner
        read every match first, or walk every row when its guess of the matches is high)."""
        probe = sql(
            "coalesce((SELECT sd.document @@ ?::tsquery FROM search_document sd "
            "WHERE sd.conversation_id = ",
            tsquery(node),
        )
        return joined([probe, conversation_id, "), false)"], "")

    def lead(self, column: str, ids: Sql) -> Sql:
        """ARRAY(...) is read once, before the rows: the planner cannot walk the rows
        instead, testing each, however many matches it guesses."""
        return joined([f"{column} = ANY(ARRAY(", ids, "))"], "")

    def guess_rows(self, query: Sql) -> Sql:
        """The planner's row estimate (the wiki's "count estimate"): nothing is read but its
        statistics. It can be far off either way, so it only spares a listing."""
        return Sql("EXPLAIN (FORMAT JSON) " + query.text, query.params)

    def guessed(self, answer: object) -> int | None:
        try:
            return int(answer[0]["Plan"]["Plan Rows"])  # type: ignore[index]
        except (KeyError, IndexError, TypeError, ValueError):
            return None

    def sample(self, node: Node) -> tuple[Sql, Sql]:
        """At most how many documents match, from the index's statistics (the share of
        documents holding each word or pair, which ANALYZE keeps for the most common
        ones; any other holds fewer than the least common of those): no index is read.
        A phrase matches at most as many as its rarest word or pair, words joined by AND
        as their rarest, OR at most their sum; a prefix alone says nothing (None)."""
        bound = _bound(node)
        matches = joined(
            [f"WITH s AS ({_ELEMENT_STATS}) SELECT round(", bound, f" * {_DOCUMENTS})"], ""
        )
        return matches, sql(f"SELECT {_DOCUMENTS}")

    def text_among(self, node: Node, ids: Sequence[int]) -> Sql:
        among = sql(" AND conversation_id = ANY(?::bigint[])", list(ids))
        return joined([self.text_ids(node), among], "")

    def one_of(self, ids: Sequence[int]) -> Sql:
        return sql("SELECT unnest(?::bigint[])", list(ids))  # ids typed in may be large


_ELEMENT_STATS = (
    "SELECT most_common_elems::text::text[] AS e, most_common_elem_freqs AS f FROM pg_stats "
    "WHERE schemaname = current_schema() AND tablename = 'search_document' "
    "AND attname = 'document'"
)
_DOCUMENTS = (
    "(SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = 'search_document'::regclass)"
)


def _share(entry: str) -> Sql:
    """The share of documents holding this word or pair, at most (None without statistics)."""
    return sql("(SELECT coalesce(f[array_position(e, ?)], f[cardinality(e) + 1]) FROM s)", entry)


def _bound(node: Node) -> Sql:
    """An SQL expression: the share of documents that can match `node`, at most, or NULL."""
    if isinstance(node, Phrase):
        words = node.words[:-1] if node.prefix else node.words
        entries = [*words, *(p for p in pairs(node) if not p.endswith(":*"))]
        if not entries:
            return sql("NULL::real")
        return joined(["least(", joined([_share(e) for e in entries], ", "), ")"], "")
    if isinstance(node, All):
        return joined(["least(", joined([_bound(n) for n in node.parts], ", "), ")"], "")
    if isinstance(node, Any):
        return joined(["least(1.0, ", joined([_bound(n) for n in node.parts], " + "), ")"], "")
    assert isinstance(node, Without)
    return _bound(node.keep)
