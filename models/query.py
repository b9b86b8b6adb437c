"""The search language: free words and phrases plus `key:value` filters.

    refund "credit card"        words and phrases in name, email, phone, subject, bodies
    name:ada  email:example.org  phone:555 0142
    channel:sms  is:open  is:archived  is:held
    before:2026-01-31  after:march  older:30d  newer:2w   (d, w, m, y)

Free text goes through Peewee's FTS5 web-query translator, so quotes, OR,
-exclusion and parentheses behave like a web search box and any text at all
becomes a valid FTS5 query.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from dateutil import parser as date_parser
from dateutil.relativedelta import relativedelta

from .errors import BadQuery

MAX_QUERY = 500
FILTER_KEYS = ("name", "email", "phone", "channel", "is", "before", "after", "older", "newer")
FILTER_RE = re.compile(r"(?i)(?<!\S)(" + "|".join(FILTER_KEYS) + r'):("[^"]*"?|\S*)')
PHONE_PART_RE = re.compile(r"\s+([0-9()+\-.]+)(?=\s|$)")
AGE_RE = re.compile(r"^([0-9]{1,6})([dwmy])$")
STATUSES = {"open": "open", "archived": "archived"}


@dataclass
class ParsedQuery:
    text: str = ""
    names: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    channels: list[str] = field(default_factory=list)
    statuses: set[str] = field(default_factory=set)
    held: bool = False
    before: datetime | None = None
    after: datetime | None = None


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch in "0123456789")


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
        key, value = match.group(1).lower(), match.group(2).strip('"').strip()
        pos = match.end()
        if key == "phone":
            while more := PHONE_PART_RE.match(text, pos):
                value, pos = f"{value} {more.group(1)}", more.end()
        _apply(parsed, key, value, now)
    rest.append(text[pos:])
    parsed.text = " ".join("".join(rest).split())
    return parsed


def _apply(parsed: ParsedQuery, key: str, value: str, now: datetime) -> None:
    if not value:
        raise BadQuery(f"{key}: needs a value, e.g. {_EXAMPLES[key]}")
    if key == "name":
        parsed.names.append(value)
    elif key == "email":
        parsed.emails.append(value)
    elif key == "phone":
        if not digits(value):
            raise BadQuery(f"phone: needs digits, e.g. {_EXAMPLES['phone']}")
        parsed.phones.append(digits(value))
    elif key == "channel":
        parsed.channels.append(value.lower())
    elif key == "is":
        _apply_is(parsed, value.lower())
    elif key in ("before", "after"):
        setattr(parsed, key, _date(key, value, now))
    else:
        cutoff = now - _age(key, value)
        if key == "older":
            parsed.before = min(cutoff, parsed.before or cutoff)
        else:
            parsed.after = max(cutoff, parsed.after or cutoff)


def _apply_is(parsed: ParsedQuery, value: str) -> None:
    if value in STATUSES:
        parsed.statuses.add(STATUSES[value])
    elif value == "held":
        parsed.held = True
    else:
        raise BadQuery(f"is:{value} is not known; use is:open, is:archived or is:held")


def _date(key: str, value: str, now: datetime) -> datetime:
    default = datetime(now.year, 1, 1)
    try:
        when = date_parser.parse(value, default=default)
    except (ValueError, OverflowError, TypeError):
        raise BadQuery(f"{key}:{value} is not a date; try {_EXAMPLES[key]}") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _age(key: str, value: str) -> relativedelta:
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
    "before": "before:2026-01-31",
    "after": "after:2026-01-31",
    "older": "older:30d",
    "newer": "newer:2w",
}
