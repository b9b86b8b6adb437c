"""Finding conversations: a compiled search that counts, pages and lists ids.

A `ConversationSearch` never loads all matches: `count()` and `page()` are
single queries in a stable order (newest activity first, then newest id).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from peewee import JOIN, SQL, ColumnBase, ModelSelect, fn

from . import clock, engine, textquery
from .guard import guarded
from .query import ParsedQuery, parse
from .schema import Channel, Contact, Conversation
from .values import ARCHIVED, OPEN, ROW_COLUMNS, ConversationRow, conversation_row


def _contains(column: ColumnBase, text: str) -> ColumnBase:
    return column.contains(text)  # LIKE with wildcards escaped; ASCII case-insensitive


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


@dataclass(frozen=True)
class _Estimate:
    """What a search learned about the data before its first query, to pick a plan."""

    matches: int  # index matches, estimated from one shard
    share: float  # ...as a share of all conversations
    contacts: list[int] | None  # every matching contact's id, when there are few
    per_contact: float = 1.0  # conversations per contact, on average


class ConversationSearch:
    """The conversations matching a search text, optionally within one status or channel."""

    @guarded
    def __init__(
        self,
        text: str = "",
        status: str | None = None,
        channel_id: int | None = None,
        older_than: datetime | None = None,
        now: datetime | None = None,
    ) -> None:
        self.text = text
        self.parsed = parse(text, now or clock.now())
        self.status = status
        self.channel_id = channel_id
        self.older_than = older_than
        self._text, self._without = textquery.split(self.parsed.text or "")
        self._where = self._build()
        self._contacts = _contact_filter(self.parsed)
        self._estimate: _Estimate | None = None
        self._version = 0

    def refresh(self) -> None:
        """Forget what was learned about the data (after it changed): look again next time."""
        self._version += 1
        self._estimate = None

    def _build(self) -> ColumnBase:
        p, c = self.parsed, Conversation
        # words with nothing searchable in them ("!!!") match nothing, as a search box would
        where: list[ColumnBase] = [c.id > 0 if self._text or not p.text else c.id < 0]
        if self._without is not None:
            where[0] = c.id.not_in(engine.text_ids(self._without))
        if self.status:
            where.append(c.status == self.status)
        if p.statuses and p.statuses != {OPEN, ARCHIVED}:
            where.append(c.status.in_(sorted(p.statuses)))
        if p.not_statuses:
            where.append(c.status.not_in(sorted(p.not_statuses)))
        if p.held is not None:
            where.append(c.held if p.held else ~c.held)
        if p.ids:
            where.append(c.id.in_(p.ids))
        if p.not_ids:
            where.append(c.id.not_in(p.not_ids))
        if self.channel_id is not None:
            where.append(c.channel == self.channel_id)
        if self.older_than is not None:
            where.append(c.due(self.older_than))
        if p.before:
            where.append(c.last_activity < p.before)
        if p.after:
            where.append(c.last_activity >= p.after)
        where.extend(_channel_filter(p))
        where.extend(_excluded_contacts(p))
        return _all(where)

    def _estimated(self) -> _Estimate:
        """The estimate, made once per version of the data (a count may ask from a thread)."""
        estimate, version = self._estimate, self._version
        if estimate is None:
            matches, share = _text_size(self._text)
            contacts, per_contact = None, 1.0
            if self._contacts is not None:
                people = engine.max_id("contact")
                few = min(FEW_CONTACTS, max(1, int(FEW_SHARE * people)))
                cursor = engine.db.execute(self._contacts.limit(few))  # plain rows: thousands
                found = [i for (i,) in cursor.fetchall()]
                contacts = found if len(found) < few else None
                per_contact = max(1.0, engine.max_id("conversation") / max(people, 1))
            estimate = _Estimate(matches, share, contacts, per_contact)
            if version == self._version:
                self._estimate = estimate
        return estimate

    def _filters(self, page_end: int | None = None) -> ColumnBase:
        """The whole WHERE; `page_end` (for pages) allows testing rows one by one."""
        if self._text is None and self._contacts is None:
            return self._where
        estimate = self._estimated()
        narrow_text = self._text is not None and estimate.matches < SMALL
        narrow_contacts = estimate.contacts is not None
        top = None if narrow_text or narrow_contacts else page_end
        where = [self._where]
        if self._text is not None:
            where.append(self._text_filter(estimate, top, narrow_text or not narrow_contacts))
        if self._contacts is not None:
            lead = narrow_contacts or (top is None and not narrow_text)
            where.append(self._contact_filter(estimate, top, lead))
        return _all(where)

    def _text_filter(self, estimate: _Estimate, top: int | None, lead: bool) -> ColumnBase:
        """Index matches: looked up (`lead`), tested row by row near the top, or applied."""
        assert self._text is not None
        c, ids = Conversation, engine.text_ids(self._text)
        if top is None and not lead and estimate.contacts is not None:
            tested = len(estimate.contacts) * estimate.per_contact  # the few contacts' rows
            if tested * PROBE_COST < estimate.matches:  # "refund" from one customer
                return engine.text_probe(self._text, c.id)
        if top is None:
            return c.id.in_(ids) if lead else (c.id + 0).in_(ids)  # "+ 0": applied only
        tested = top / max(estimate.share, 1e-9)  # rows walked to fill the page
        if tested * PROBE_COST < estimate.matches:
            return engine.text_probe(self._text, c.id)
        return (c.id + 0).in_(ids)

    def _contact_filter(self, estimate: _Estimate, top: int | None, lead: bool) -> ColumnBase:
        """Matching contacts: looked up (`lead`), tested row by row near the top, or applied."""
        c = Conversation
        contacts: ColumnBase | ModelSelect[Any] | None = self._contacts
        if estimate.contacts is not None:
            contacts = engine.one_of(estimate.contacts)
        if top is not None and top <= PROBE_DEPTH:
            return fn.EXISTS(_contact_probe(self.parsed, c.contact))
        return c.contact.in_(contacts) if lead else (c.contact + 0).in_(contacts)

    def _count_query(self) -> ModelSelect[Any]:
        return Conversation.select(fn.COUNT(Conversation.id)).where(self._filters())

    def _page_query(self, offset: int, limit: int, newest_first: bool = True) -> ModelSelect[Any]:
        """Pick the page's ids on the index first, then join only those rows."""
        c = Conversation
        if newest_first:
            order = (c.last_activity.desc(), c.id.desc())
        else:
            order = (c.last_activity.asc(), c.id.asc())
        end = max(0, offset) + limit if limit and newest_first else None
        ids = c.select(c.id).where(self._filters(end)).order_by(*order).offset(max(0, offset))
        if limit:
            ids = ids.limit(limit)
        return (
            c.select(*_ROW_COLUMNS)
            .join(Channel)
            .switch(c)
            .join(Contact, JOIN.LEFT_OUTER)
            .where(c.id.in_(ids))
            .order_by(*order)
        )

    @guarded
    def count(self) -> int:
        return int(self._count_query().scalar())

    @guarded
    def page(self, offset: int = 0, limit: int = 100) -> list[ConversationRow]:
        """Rows offset..offset+limit in newest-first order (limit 0: all from offset)."""
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
    def ids(self) -> list[int]:
        query = Conversation.select(Conversation.id).where(self._filters())
        return [cid for (cid,) in engine.db.execute(query)]  # row by row: see engine.rows


def _all(parts: Sequence[ColumnBase]) -> ColumnBase:
    expr = parts[0]
    for part in parts[1:]:
        expr = expr & part
    return expr


def _any(parts: Sequence[ColumnBase]) -> ColumnBase:
    expr = parts[0]
    for part in parts[1:]:
        expr = expr | part
    return expr


def _channels_named(names: list[str]) -> ModelSelect[Any]:
    return Channel.select(Channel.id).where(
        fn.lower(Channel.name).in_(names) | Channel.kind.in_(names)
    )


def _channel_filter(p: ParsedQuery) -> list[ColumnBase]:
    where: list[ColumnBase] = []
    if p.channels:
        where.append(Conversation.channel.in_(_channels_named(p.channels)))
    if p.not_channels:
        where.append(Conversation.channel.not_in(_channels_named(p.not_channels)))
    return where


def _excluded_contacts(p: ParsedQuery) -> list[ColumnBase]:
    """-name:, -email:, -phone:: conversations whose contact matches none (or who is Someone)."""
    parts = [_contains(Contact.name, name) for name in p.not_names]
    parts += [_contains(Contact.email, email) for email in p.not_emails]
    parts += [Contact.phone_digits.contains(phone) for phone in p.not_phones]
    if not parts:
        return []
    matching = Contact.select(Contact.id).where(_any(parts))
    c = Conversation
    return [c.contact.is_null() | (c.contact + 0).not_in(matching)]


def _contact_parts(p: ParsedQuery) -> list[ColumnBase]:
    """One condition on Contact for each name:, email: and phone: filter."""
    parts = [_contains(Contact.name, name) for name in p.names]
    parts += [_contains(Contact.email, email) for email in p.emails]
    parts += [Contact.phone_digits.contains(phone) for phone in p.phones]
    return parts


def _contact_filter(p: ParsedQuery) -> ModelSelect[Any] | None:
    """The ids of contacts matching every name:, email: and phone: filter, if any."""
    parts = _contact_parts(p)
    return Contact.select(Contact.id).where(_all(parts)) if parts else None


def _contact_probe(p: ParsedQuery, contact_id: ColumnBase) -> ModelSelect[Any]:
    """Whether the contact `contact_id` matches the filters: one lookup by primary key."""
    return Contact.select(SQL("1")).where(_all([Contact.id == contact_id, *_contact_parts(p)]))


def _text_size(node: textquery.Node | None) -> tuple[int, float]:
    """Estimated index matches of the words and their share of all conversations."""
    if node is None:
        return 0, 0.0
    matches, rows = engine.sample_matches(node)
    return matches * engine.sample_share(), matches / max(rows, 1)


_TABLES = {"conversation": Conversation, "contact": Contact, "channel": Channel}
_ROW_COLUMNS = tuple(  # ConversationRow's columns, as `glance` reads them too
    _TABLES[table]._meta.columns[column]
    for table, column in (name.split(".") for name in ROW_COLUMNS)
)


def _rows(query: ModelSelect[Any]) -> list[ConversationRow]:
    """The rows of a page query, read as the driver returns them (a page is 100 rows:
    converting them here is a third of the cost of Peewee converting every column)."""
    return [conversation_row(*values) for values in engine.db.execute(query).fetchall()]
