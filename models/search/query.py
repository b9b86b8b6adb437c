"""The search language: free words and phrases plus `key:value` filters.

    refund "credit card"        words and phrases in name, email, phone, subject, bodies
    name:ada  email:example.org  phone:555 0142
    channel:sms  is:open  is:archived  is:held  id:1042
    before:2026-01-31  after:march  older:30d  newer:2w   (d, w, m, y)
    -is:held  -channel:sms  -name:ada      a filter with "-" keeps what it does not match

Free text goes through Peewee's FTS5 web-query translator, so quotes, OR,
-exclusion and parentheses behave like a web search box and any text at all
becomes a valid FTS5 query. Filters always all apply: `OR` joins words, and
an `OR` next to a filter is refused rather than silently matching nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateutil.relativedelta import relativedelta

from ..store.errors import BadQuery
from ..text.phones import digits

MAX_QUERY = 500
FILTER_KEYS = (
    "name",
    "email",
    "phone",
    "channel",
    "is",
    "id",
    "before",
    "after",
    "older",
    "newer",
)
FILTER_RE = re.compile(r"(?i)(?<!\S)(-?)(" + "|".join(FILTER_KEYS) + r'):("[^"]*"?|\S*)')
PHONE_PART_RE = re.compile(r"\s+([0-9()+\-.]+)(?=\s|$)")
AGE_RE = re.compile(r"^([0-9]{1,6})([dwmy])$")
STATUSES = {"open": "open", "archived": "archived"}
OPPOSITE = {"before": "after", "after": "before", "older": "newer", "newer": "older"}
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class ParsedQuery:
    """The filters of a search and its free text, filled in by `parse`."""

    def __init__(self) -> None:
        self.text = ""
        self.names: list[str] = []
        self.emails: list[str] = []
        self.phones: list[str] = []
        self.channels: list[str] = []
        self.statuses: set[str] = set()
        self.held: bool | None = None  # None: held or not
        self.before: datetime | None = None
        self.after: datetime | None = None
        self.not_names: list[str] = []
        self.not_emails: list[str] = []
        self.not_phones: list[str] = []
        self.not_channels: list[str] = []
        self.not_statuses: set[str] = set()
        self.ids: list[int] = []
        self.not_ids: list[int] = []


def clean(text: str) -> str:
    if len(text) > MAX_QUERY:
        raise BadQuery(f"the search is too long ({len(text):,} characters; at most {MAX_QUERY})")
    return "".join(ch if ch.isprintable() else " " for ch in text)


def parse(text: str, now: datetime) -> ParsedQuery:
    """Split `text` into filters and free text; raise BadQuery for a filter it cannot read."""
    text = clean(text or "")
    parsed = ParsedQuery()
    rest: list[str] = []
    pos = 0
    for match in FILTER_RE.finditer(text):
        rest.append(text[pos : match.start()])
        negated, key = bool(match.group(1)), match.group(2).lower()
        value = match.group(3).strip('"').strip()
        pos = match.end()
        if key == "phone":
            while more := PHONE_PART_RE.match(text, pos):
                value, pos = f"{value} {more.group(1)}", more.end()
        _refuse_or_beside(rest[-1], text[pos:], match.group(0))
        _apply(parsed, key, value, now, negated)
    rest.append(text[pos:])
    parsed.text = " ".join("".join(rest).split())
    return parsed


def _refuse_or_beside(before: str, after: str, token: str) -> None:
    """`is:held OR refund` cannot mean what it says: filters always all apply."""
    words_before, words_after = before.split(), after.split()
    if (words_before and words_before[-1] == "OR") or (words_after and words_after[0] == "OR"):
        raise BadQuery(
            f"OR joins words, not filters: {token} always applies to every match; "
            "search the filter and the words together, or run two searches"
        )


def _apply(parsed: ParsedQuery, key: str, value: str, now: datetime, negated: bool) -> None:
    if not value:
        raise BadQuery(f"{key}: needs a value, e.g. {_EXAMPLES[key]}")
    if key in ("name", "email", "phone", "channel"):
        _apply_text(parsed, key, value, negated)
    elif key == "id":
        if not (value.isascii() and value.isdigit() and len(value) < 19):
            raise BadQuery(f"id:{value[:20]} is not a conversation id; try {_EXAMPLES['id']}")
        (parsed.not_ids if negated else parsed.ids).append(int(value))
    elif key == "is":
        _apply_is(parsed, value.lower(), negated)
    else:
        _apply_time(parsed, OPPOSITE[key] if negated else key, key, value, now)


def _apply_text(parsed: ParsedQuery, key: str, value: str, negated: bool) -> None:
    if key == "phone":
        if not digits(value):
            raise BadQuery(f"phone: needs digits, e.g. {_EXAMPLES['phone']}")
        value = digits(value)
    elif key == "channel":
        value = value.lower()
    lists = {
        "name": (parsed.names, parsed.not_names),
        "email": (parsed.emails, parsed.not_emails),
        "phone": (parsed.phones, parsed.not_phones),
        "channel": (parsed.channels, parsed.not_channels),
    }
    lists[key][negated].append(value)


def _apply_time(parsed: ParsedQuery, meaning: str, key: str, value: str, now: datetime) -> None:
    """`meaning` is what the filter does once a "-" is taken into account."""
    if key in ("before", "after"):
        when = _date(key, value, now)
    else:
        when = max(EARLIEST, now - _age(key, value))
    if meaning in ("before", "older"):
        parsed.before = min(when, parsed.before or when)
    else:
        parsed.after = max(when, parsed.after or when)


def _apply_is(parsed: ParsedQuery, value: str, negated: bool) -> None:
    if value in STATUSES:
        (parsed.not_statuses if negated else parsed.statuses).add(STATUSES[value])
    elif value == "held":
        if parsed.held is not None and parsed.held == negated:
            raise BadQuery("is:held and -is:held together match nothing")
        parsed.held = not negated
    else:
        raise BadQuery(f"is:{value} is not known; use is:open, is:archived or is:held")


def _date(key: str, value: str, now: datetime) -> datetime:
    """A day or moment in UTC, kept within 1970 to the year 9000 (beyond: nothing can match)."""
    from dateutil import parser as date_parser  # here: its import costs every command 20 ms

    default = datetime(now.year, 1, 1)
    try:
        when = date_parser.parse(value, default=default)
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except OverflowError:
        raise BadQuery(f"{key}:{value} is out of range; try {_EXAMPLES[key]}") from None
    except (ValueError, TypeError):
        raise BadQuery(f"{key}:{value} is not a date; try {_EXAMPLES[key]}") from None
    return min(LATEST, max(EARLIEST, when))


def _age(key: str, value: str) -> relativedelta:
    from dateutil.relativedelta import relativedelta

    match = AGE_RE.match(value.lower())
    if not match:
        raise BadQuery(f"{key}:{value} is not an age; try {_EXAMPLES[key]} (d, w, m or y)")
    amount, unit = int(match.group(1)), match.group(2)
    if amount > 36500 or (unit != "d" and amount > 1200):
        raise BadQuery(f"{key}:{value} is too far back")
    return {
        "d": relativedelta(days=amount),
        "w": relativedelta(weeks=amount),
        "m": relativedelta(months=amount),
        "y": relativedelta(years=amount),
    }[unit]


_EXAMPLES = {
    "name": "name:ada",
    "email": "email:example.org",
    "phone": "phone:555 0142",
    "channel": "channel:sms",
    "is": "is:archived",
    "id": "id:1042",
    "before": "before:2026-01-31",
    "after": "after:2026-01-31",
    "older": "older:30d",
    "newer": "newer:2w",
}
