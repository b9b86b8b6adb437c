"""Cursor pages of contacts, conversations and the deletion log, for the HTTP API.

A cursor names the last row of the page before (a conversation's last activity
and id; a contact's or log entry's id) and the next page starts after it, so a
page never repeats or skips a row when others are inserted or deleted
meanwhile. A cursor is opaque to clients: base64 of that position.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Generic, TypeVar

from ..log import LogEntry
from ..search.planner import ConversationSearch, _contact_parts
from ..search.query import parse
from ..store import clock, reading
from ..store.errors import InvalidInput
from ..store.guard import guarded
from ..store.schema import DeletionLog
from ..store.sql import all_of, any_of, joined, sql
from ..store.values import ConversationRow, stored_text, stored_time

MAX_LIMIT = 100
T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: list[T]
    next: str | None  # the cursor of the next page; None on the last


@dataclass(frozen=True)
class ContactBrief:
    id: int
    name: str
    email: str
    phone: str


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(f"limit is 1 to {MAX_LIMIT}")
    return limit


def _cursor(position: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(position).encode()).decode().rstrip("=")


def _id_after(cursor: str | None) -> int:
    """The id a page of ids starts after (0: the first page)."""
    if not cursor:
        return 0
    (found,) = _position(cursor, (int,))
    assert isinstance(found, int)
    return found


def _position(cursor: str, kinds: tuple[type, ...]) -> list[object]:
    bad = InvalidInput("the cursor is not one this API gave")
    if len(cursor) > 200:
        raise bad
    try:
        found = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise bad from None
    if not isinstance(found, list) or len(found) != len(kinds):
        raise bad
    if not all(type(v) is k for v, k in zip(found, kinds, strict=True)):
        raise bad
    if any(type(v) is int and not 0 <= v < 2**63 for v in found):
        raise bad
    return found


@guarded
def conversations(q: str, cursor: str | None, limit: int) -> Page[ConversationRow]:
    """Conversations matching the search language, newest activity first."""
    limit = check_limit(limit)
    rule = None
    if cursor:
        at, last = _position(cursor, (str, int))
        try:
            when = stored_text(stored_time(str(at)))
        except ValueError:
            raise InvalidInput("the cursor is not one this API gave") from None
        rule = sql(
            "(conversation.last_activity < ? OR "
            "(conversation.last_activity = ? AND conversation.id < ?))",
            when,
            when,
            last,
        )
    rows = ConversationSearch(q, rule=rule).page(0, limit + 1)
    more = rows[limit - 1] if len(rows) > limit else None
    after = _cursor([stored_text(more.last_activity), more.id]) if more else None
    return Page(rows[:limit], after)


CONTACT_ONLY = "contacts take only name:, email: and phone: filters (and -name: ...)"


@guarded
def contacts(q: str, cursor: str | None, limit: int) -> Page[ContactBrief]:
    """Contacts matching the search language's contact filters, by id."""
    limit = check_limit(limit)
    parsed = parse(q, clock.now())
    others = (
        parsed.text.strip()
        or parsed.channels
        or parsed.not_channels
        or parsed.statuses
        or parsed.not_statuses
        or parsed.held is not None
        or parsed.ids
        or parsed.not_ids
        or parsed.before
        or parsed.after
    )
    if others:
        raise InvalidInput(CONTACT_ONLY)
    dialect = reading.reader().dialect
    where = [sql("contact.id > ?", _id_after(cursor))]
    where += _contact_parts(parsed.names, parsed.emails, parsed.phones, dialect)
    excluded = _contact_parts(parsed.not_names, parsed.not_emails, parsed.not_phones, dialect)
    if excluded:
        where.append(joined(["NOT", any_of(excluded)]))
    query = joined(
        [
            "SELECT contact.id, contact.name, contact.email, contact.phone FROM contact WHERE",
            all_of(where),
            sql("ORDER BY contact.id LIMIT ?", limit + 1),
        ]
    )
    rows = [ContactBrief(int(i), n, e, p) for i, n, e, p in reading.reader().execute(query)]
    after = _cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return Page(rows[:limit], after)


@guarded
def log_entries(cursor: str | None, limit: int) -> Page[LogEntry]:
    """The deletion log, newest first."""
    limit = check_limit(limit)
    query = DeletionLog.select().order_by(DeletionLog.id.desc()).limit(limit + 1)
    if cursor:
        query = query.where(DeletionLog.id < _id_after(cursor))
    rows = [LogEntry(e.id, e.at, e.actor, e.action, e.count, e.reason, e.hash) for e in query]
    after = _cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return Page(rows[:limit], after)
