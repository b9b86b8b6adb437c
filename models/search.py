"""Finding conversations: a compiled search that counts, pages and lists ids.

A `ConversationSearch` never loads all matches: `count()` and `page()` are
single queries in a stable order (newest activity first, then newest id).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN, OperationalError, fn

from . import clock, engine
from .errors import BadQuery
from .query import ParsedQuery, parse
from .schema import ARCHIVED, OPEN, SOMEONE, Channel, Contact, Conversation


@dataclass(frozen=True)
class ConversationRow:
    id: int
    contact_id: int | None
    contact: str
    email: str
    phone: str
    channel: str
    kind: str
    social: bool
    status: str
    held: bool
    subject: str
    last_activity: datetime


def _contains(column: object, text: str) -> object:
    return column.contains(text)  # LIKE with wildcards escaped; ASCII case-insensitive


class ConversationSearch:
    """The conversations matching a search text, optionally within one status or channel."""

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
        self._where = self._build()

    def _build(self) -> object:
        p, c = self.parsed, Conversation
        where = [c.id > 0]
        if self.status:
            where.append(c.status == self.status)
        if p.statuses and p.statuses != {OPEN, ARCHIVED}:
            where.append(c.status.in_(sorted(p.statuses)))
        if p.held:
            where.append(c.held)
        if self.channel_id is not None:
            where.append(c.channel == self.channel_id)
        if self.older_than is not None:
            where.append(c.due(self.older_than))
        if p.before:
            where.append(c.last_activity < p.before)
        if p.after:
            where.append(c.last_activity >= p.after)
        where.extend(_channel_filter(p))
        where.extend(_contact_filters(p))
        if p.text:
            fts = engine.web_query(p.text)
            if fts.strip():
                where.append(c.id.in_(engine.match_ids(fts)))
        expr = where[0]
        for part in where[1:]:
            expr = expr & part
        return expr

    def _count_query(self) -> object:
        return Conversation.select(fn.COUNT(Conversation.id)).where(self._where)

    def _page_query(self, offset: int, limit: int, newest_first: bool = True) -> object:
        """Pick the page's ids on the index first, then join only those rows."""
        c = Conversation
        if newest_first:
            order = (c.last_activity.desc(), c.id.desc())
        else:
            order = (c.last_activity.asc(), c.id.asc())
        ids = c.select(c.id).where(self._where).order_by(*order).offset(max(0, offset))
        if limit:
            ids = ids.limit(limit)
        return (
            c.select(c, Channel, Contact)
            .join(Channel)
            .switch(c)
            .join(Contact, JOIN.LEFT_OUTER)
            .where(c.id.in_(ids))
            .order_by(*order)
        )

    def count(self) -> int:
        return _run(lambda: self._count_query().scalar())

    def page(self, offset: int = 0, limit: int = 100) -> list[ConversationRow]:
        """Rows offset..offset+limit in newest-first order (limit 0: all from offset)."""
        return _run(lambda: [_row(c) for c in self._page_query(offset, limit)])

    def page_from_end(self, offset: int, limit: int, total: int) -> list[ConversationRow]:
        """The same rows as `page`, read backwards from the oldest: cheaper near the end."""
        start = max(0, total - offset - limit)
        rows = _run(
            lambda: [
                _row(c)
                for c in self._page_query(start, total - offset - start, newest_first=False)
            ]
        )
        return rows[::-1]

    def ids(self) -> list[int]:
        query = Conversation.select(Conversation.id).where(self._where)
        return _run(lambda: [cid for (cid,) in query.tuples()])


def _channel_filter(p: ParsedQuery) -> list[object]:
    if not p.channels:
        return []
    names = Channel.select(Channel.id).where(
        fn.lower(Channel.name).in_(p.channels) | Channel.kind.in_(p.channels)
    )
    return [Conversation.channel.in_(names)]


def _contact_filters(p: ParsedQuery) -> list[object]:
    parts = []
    for name in p.names:
        parts.append(_contains(Contact.name, name))
    for email in p.emails:
        parts.append(_contains(Contact.email, email))
    for phone in p.phones:
        parts.append(Contact.phone_digits.contains(phone))
    if not parts:
        return []
    expr = parts[0]
    for part in parts[1:]:
        expr = expr & part
    return [Conversation.contact.in_(Contact.select(Contact.id).where(expr))]


def _run(action):  # type: ignore[no-untyped-def]
    try:
        return action()
    except OperationalError as error:
        if "fts5" in str(error) or "MATCH" in str(error):
            raise BadQuery(f"cannot search for that: {error}") from None
        raise


def _row(c: Conversation) -> ConversationRow:
    contact = c.contact if c.contact_id is not None else None
    return ConversationRow(
        id=c.id,
        contact_id=c.contact_id,
        contact=(contact.name or contact.email or contact.phone) if contact else SOMEONE,
        email=contact.email if contact else "",
        phone=contact.phone if contact else "",
        channel=c.channel.name,
        kind=c.channel.kind,
        social=c.channel.social,
        status=c.status,
        held=c.held,
        subject=c.subject,
        last_activity=c.last_activity,
    )
