"""Finding conversations: a compiled search that counts, pages and lists ids.

A `ConversationSearch` never loads all matches: `count()` and `page()` are
single queries in a stable order (newest activity first, then newest id).
The search writes its SQL as plain text and parameters (`sql`) and runs it
through `reading`, on the open engine or on a file opened read-only: the
command line's `hushdesk search` then never loads Peewee. The engines'
differences (the search index, LIKE, lists of ids) are their dialects'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from ..store import clock, reading, textquery
from ..store.engines.dialects import Dialect
from ..store.guard import guarded
from ..store.sql import Sql, all_of, any_of, is_in, joined, sql
from ..store.values import (
    ARCHIVED,
    NEWEST_FIRST,
    OLDEST_FIRST,
    OPEN,
    ROW_SELECT,
    ConversationRow,
    conversation_row,
    stored_text,
)
from .query import ParsedQuery, parse

# How a search with free text or contact filters is run. Matches of either are a
# set of ids; the page is the newest rows of the set. A small set is looked up
# and sorted outright. A large one is applied while the newest rows are walked
# in order: near the top, each row is tested on its own (the walk stops after a
# few hundred rows), deeper down the whole set is listed once and checked.
SMALL = 5_000  # index matches (estimated): fewer are looked up outright
FEW_CONTACTS = 5_000  # matching contacts: fewer are listed once and looked up...
FEW_SHARE = 0.02  # ...when they are also under this share of all contacts
PROBE_COST = 40  # testing one row against the index costs about as much as listing 40 matches
PROBE_DEPTH = 2_000  # contact filters test rows one by one while a page ends this near the top
WALK_BOUND = 80  # a walk testing rows one by one stops after 80 rows per row of the page
GUESSED_MANY = 2  # the engine's guess of the contacts can be a few times too high
AMONG = 2_000  # the few contacts' conversations: fewer are listed, and tested in their shards

ID, CONTACT = "conversation.id", "conversation.contact_id"


class _Estimate(NamedTuple):
    """What a search learned about the data before its first query, to pick a plan."""

    matches: int  # index matches, estimated from one shard
    share: float  # ...as a share of all conversations
    contacts: list[int] | None  # every matching contact's id, when there are few
    per_contact: float = 1.0  # conversations per contact, on average
    among: list[int] | None = None  # the few contacts' conversations, when they are fewer still


class ConversationSearch:
    """The conversations matching a search text, optionally within one status or channel."""

    @guarded
    def __init__(
        self,
        text: str = "",
        status: str | None = None,
        rule: Sql | None = None,
        now: datetime | None = None,
    ) -> None:
        self.text = text
        self.parsed = parse(text, now or clock.now())
        self.status = status
        self.rule = rule  # a policy's own condition, such as an assistant's retention rule
        self.dialect = reading.reader().dialect
        self._text, self._without = textquery.split(self.parsed.text or "")
        self._where = self._build()
        self._contacts = _contact_filter(self.parsed, self.dialect)
        self._estimate: _Estimate | None = None
        self._version = 0

    def refresh(self) -> None:
        """Forget what was learned about the data (after it changed): look again next time."""
        self._version += 1
        self._estimate = None

    def _build(self) -> Sql:
        p = self.parsed
        # words with nothing searchable in them ("!!!") match nothing, as a search box would
        where = [sql(f"{ID} > 0" if self._text or not p.text else f"{ID} < 0")]
        if self._without is not None:
            where[0] = is_in(ID, self.dialect.text_ids(self._without), negated=True)
        if self.status:
            where.append(sql("conversation.status = ?", self.status))
        if p.statuses and p.statuses != {OPEN, ARCHIVED}:
            where.append(is_in("conversation.status", sorted(p.statuses)))
        if p.not_statuses:
            where.append(is_in("conversation.status", sorted(p.not_statuses), negated=True))
        if p.held is not None:
            where.append(sql("conversation.held" if p.held else "NOT conversation.held"))
        if p.ids:
            where.append(is_in(ID, p.ids))
        if p.not_ids:
            where.append(is_in(ID, p.not_ids, negated=True))
        if self.rule is not None:
            where.append(self.rule)
        if p.before:
            where.append(sql("conversation.last_activity < ?", stored_text(p.before)))
        if p.after:
            where.append(sql("conversation.last_activity >= ?", stored_text(p.after)))
        where.extend(_channel_filter(p))
        where.extend(_excluded_contacts(p, self.dialect))
        return all_of(where)

    def _estimated(self) -> _Estimate:
        """The estimate, made once per version of the data (a count may ask from a thread)."""
        estimate, version = self._estimate, self._version
        if estimate is None:
            matches, share = _text_size(self._text, self.dialect)
            contacts, per_contact, among = None, 1.0, None
            if self._contacts is not None:
                people = _max_id("contact")
                few = min(FEW_CONTACTS, max(1, int(FEW_SHARE * people)))
                contacts = _few_contacts(self._contacts, few, self.dialect)
                per_contact = max(1.0, _max_id("conversation") / max(people, 1))
                if self._text is not None and contacts is not None:
                    among = _conversations_of(contacts, self.dialect)
            estimate = _Estimate(matches, share, contacts, per_contact, among)
            if version == self._version:
                self._estimate = estimate
        return estimate

    def _filters(self, page_end: int | None = None) -> Sql:
        """The whole WHERE; `page_end` (for pages) allows testing rows one by one."""
        return all_of([self._where, *self._tests(page_end)])

    def _tests(self, page_end: int | None) -> list[Sql]:
        """The conditions on the text and the contact, as the estimate says to apply them."""
        if self._text is None and self._contacts is None:
            return []
        estimate = self._estimated()
        narrow_text = self._text is not None and estimate.matches < SMALL
        narrow_contacts = estimate.contacts is not None
        top = None if narrow_text or narrow_contacts else page_end
        where = []
        if self._text is not None:
            where.append(self._text_filter(estimate, top, narrow_text or not narrow_contacts))
        if self._contacts is not None:
            lead = narrow_contacts or (top is None and not narrow_text)
            where.append(self._contact_filter(estimate, top, lead))
        return where

    def _text_filter(self, estimate: _Estimate, top: int | None, lead: bool) -> Sql:
        """Index matches: looked up (`lead`), tested row by row near the top, or applied."""
        assert self._text is not None
        ids = self.dialect.text_ids(self._text)
        if top is None and not lead and estimate.contacts is not None:
            tested = len(estimate.contacts) * estimate.per_contact  # the few contacts' rows
            if self._probing_pays(tested, estimate.matches):  # "refund" from one customer
                if estimate.among is None:
                    return self.dialect.text_probe(self._text, ID)
                if not estimate.among:
                    return sql("1 = 0")
                return is_in(ID, self.dialect.text_among(self._text, estimate.among))
        if top is None:
            if lead:
                return self.dialect.lead(ID, ids)
            return is_in(f"({ID} + 0)", ids)  # "+ 0": applied only
        tested = top / max(estimate.share, 1e-9)  # rows walked to fill the page
        if self._probing_pays(tested, estimate.matches):
            return self.dialect.text_probe(self._text, ID)
        return is_in(f"({ID} + 0)", ids)

    def _probing_pays(self, tested: float, matches: int) -> bool:
        """Testing these rows one by one costs less than listing every match."""
        return tested * PROBE_COST * self.dialect.probe_weight < matches

    def _contact_filter(self, estimate: _Estimate, top: int | None, lead: bool) -> Sql:
        """Matching contacts: looked up (`lead`), tested row by row near the top, or applied."""
        assert self._contacts is not None
        contacts = self._contacts
        if estimate.contacts is not None:
            contacts = self.dialect.one_of(estimate.contacts)
        if top is not None and top <= PROBE_DEPTH:
            return joined(["EXISTS(", _contact_probe(self.parsed, self.dialect), ")"], "")
        return is_in(CONTACT if lead else f"({CONTACT} + 0)", contacts)

    def _count_query(self) -> Sql:
        return joined([f"SELECT count({ID}) FROM conversation WHERE", self._filters()])

    def _page_query(self, offset: int, limit: int, newest_first: bool = True) -> Sql:
        """Pick the page's ids on the index first, then join only those rows."""
        end = max(0, offset) + limit if limit and newest_first else None
        return self._page_of(self._filters(end), offset, limit, newest_first)

    def _page_of(
        self, where: Sql, offset: int, limit: int, newest: bool = True, rows: Sql | None = None
    ) -> Sql:
        """The page's rows: their ids picked from `rows` (by default every conversation)."""
        order = NEWEST_FIRST if newest else OLDEST_FIRST
        ids = joined(
            [
                f"SELECT {ID} FROM",
                rows or "conversation",
                "WHERE",
                where,
                f"ORDER BY {order}",
                self.dialect.window(limit, max(0, offset)),
            ]
        )
        return joined([ROW_SELECT, "WHERE", is_in(ID, ids), f"ORDER BY {order}"])

    def _bounded_walk(self, offset: int, limit: int) -> Sql | None:
        """The page's rows tested one by one among the newest WALK_BOUND per row of the
        page at most, when its plan tests rows one by one (None otherwise): where the
        estimate was wrong, the walk ends there and `page` reads from the index instead."""
        if not self.dialect.bounded_walk or not limit:
            return None
        end = max(0, offset) + limit
        tests = self._tests(end)
        if not tests or self._filters(end) == self._filters():
            return None
        newest = joined(
            [
                f"(SELECT {ID}, conversation.last_activity, {CONTACT} FROM conversation WHERE",
                self._where,
                sql(f"ORDER BY {NEWEST_FIRST} LIMIT ?) AS conversation", end * WALK_BOUND),
            ]
        )
        return self._page_of(all_of(tests), offset, limit, rows=newest)

    @guarded
    def count(self) -> int:
        return int(_scalar(self._count_query()))

    @guarded
    def page(self, offset: int = 0, limit: int = 100) -> list[ConversationRow]:
        """Rows offset..offset+limit in newest-first order (limit 0: all from offset)."""
        walk = self._bounded_walk(offset, limit)
        if walk is not None:
            found = _rows(walk)
            if len(found) == limit:
                return found
            return _rows(self._page_of(self._filters(), offset, limit))  # fewer: from the index
        return _rows(self._page_query(offset, limit))

    @guarded
    def page_from_end(self, offset: int, limit: int, total: int) -> list[ConversationRow]:
        """The same rows as `page`, read backwards from the oldest: cheaper near the end."""
        start = max(0, total - offset - limit)
        if total - offset - start <= 0:
            return []
        query = self._page_query(start, total - offset - start, newest_first=False)
        return _rows(query)[::-1]

    @guarded
    def rows(self, offset: int, limit: int, total: int | None = None) -> list[ConversationRow]:
        """Rows offset..offset+limit, newest first, read from whichever end is nearer: with
        the exact `total` known, a page in the older half is read from the oldest end,
        which skips fewer rows."""
        if total is not None and offset > total // 2:
            return self.page_from_end(offset, limit, total)
        return self.page(offset, limit)

    @guarded
    def ids(self) -> list[int]:
        query = joined([f"SELECT {ID} FROM conversation WHERE", self._filters()])
        return [cid for (cid,) in reading.reader().execute(query)]  # row by row: see engine.rows


def _channels_named(names: list[str]) -> Sql:
    matching = is_in("lower(channel.name)", names) | is_in("channel.kind", names)
    return joined(["SELECT channel.id FROM channel WHERE", matching])


def _channel_filter(p: ParsedQuery) -> list[Sql]:
    where: list[Sql] = []
    if p.channels:
        where.append(is_in("conversation.channel_id", _channels_named(p.channels)))
    if p.not_channels:
        where.append(is_in("conversation.channel_id", _channels_named(p.not_channels), True))
    return where


def _contact_parts(
    names: list[str], emails: list[str], phones: list[str], dialect: Dialect
) -> list[Sql]:
    """One condition on the contact for each name:, email: and phone: (as LIKE, any case)."""
    parts = [dialect.contains("contact.name", name) for name in names]
    parts += [dialect.contains("contact.email", email) for email in emails]
    parts += [dialect.contains("contact.phone_digits", phone) for phone in phones]
    return parts


def _excluded_contacts(p: ParsedQuery, dialect: Dialect) -> list[Sql]:
    """-name:, -email:, -phone:: conversations whose contact matches none (or who is Someone)."""
    parts = _contact_parts(p.not_names, p.not_emails, p.not_phones, dialect)
    if not parts:
        return []
    matching = joined(["SELECT contact.id FROM contact WHERE", any_of(parts)])
    excluded = is_in(f"({CONTACT} + 0)", matching, negated=True)
    return [sql(f"{CONTACT} IS NULL") | excluded]


def _contact_filter(p: ParsedQuery, dialect: Dialect) -> Sql | None:
    """The ids of contacts matching every name:, email: and phone: filter, if any."""
    parts = _contact_parts(p.names, p.emails, p.phones, dialect)
    return joined(["SELECT contact.id FROM contact WHERE", all_of(parts)]) if parts else None


def _contact_probe(p: ParsedQuery, dialect: Dialect) -> Sql:
    """Whether the row's contact matches the filters: one lookup by primary key."""
    parts = _contact_parts(p.names, p.emails, p.phones, dialect)
    same = sql(f"contact.id = {CONTACT}")
    return joined(["SELECT 1 FROM contact WHERE", all_of([same, *parts])])


def _text_size(node: textquery.Node | None, dialect: Dialect) -> tuple[int, float]:
    """Estimated index matches of the words and their share of all conversations."""
    sample = None if node is None else dialect.sample(node)
    if sample is None:
        return 0, 0.0
    matches, rows = (_scalar(query) for query in sample)
    if matches is None or rows is None:
        return 0, 0.0  # nothing known (no statistics yet): as few, the engine's planner judges
    return int(matches) * dialect.sample_share, int(matches) / max(int(rows), 1)


def _few_contacts(matching: Sql, few: int, dialect: Dialect) -> list[int] | None:
    """Every matching contact's id when there are fewer than `few`, else None. Listing
    them costs a row each: where the engine's own guess says clearly many, it is not done
    (`email:example.org`, 60,000 of 250,000 contacts: 52 ms listing 5,000)."""
    guess = dialect.guess_rows(matching)
    guessed = None if guess is None else dialect.guessed(_scalar(guess))
    if guessed is not None and guessed >= GUESSED_MANY * few:
        return None
    listed = joined([matching, sql("LIMIT ?", few)])  # plain rows: thousands
    found = [i for (i,) in reading.reader().execute(listed)]
    return found if len(found) < few else None


def _conversations_of(contacts: list[int], dialect: Dialect) -> list[int] | None:
    """The conversations of these contacts, if there are fewer than AMONG."""
    query = joined(
        [f"SELECT {ID} FROM conversation WHERE", is_in(CONTACT, dialect.one_of(contacts))]
    )
    found = [cid for (cid,) in reading.reader().execute(joined([query, sql("LIMIT ?", AMONG)]))]
    return found if len(found) < AMONG else None


def _max_id(table: str) -> int:
    return int(_scalar(sql(f"SELECT coalesce(max(id), 0) FROM {table}")))


def _scalar(query: Sql) -> Any:
    for (value,) in reading.reader().execute(query):
        return value
    return None


def _rows(query: Sql) -> list[ConversationRow]:
    """A page's rows, converted here from what the driver returns (a page is 100 rows)."""
    return [conversation_row(*values) for values in reading.reader().execute(query)]
