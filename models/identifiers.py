"""How a person is named in a request, and how their identifiers look in free text.

An identifier is a contact id, an email or a phone number in any punctuation:
`+1 415 555 0199`, `(415) 555-0199` and `415.555.0199` are one number. Phone
numbers are compared by their national significant number (the digits after
the country code or the trunk 0), so a number with or without its country
code is the same number.

In free text (subjects and messages) an email is found whole and in any case,
a phone number with any separators between its digits and with or without a
country code or trunk 0 before it, and a full name (two words or more) in any
case with any spacing, never inside a longer word or number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import InvalidInput
from .query import digits
from .textquery import Node, phrase

MIN_PHONE = 7
SEPARATORS = r"[\s().\-/]{0,2}"
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
MAX_IDENTIFIER = 200


@dataclass(frozen=True)
class Identifier:
    """One identifier from a request: `kind` is "id", "email" or "phone"."""

    kind: str
    value: str  # the id as text, the email in lower case, or the phone's national digits
    given: str


def phone_core(text: str) -> str:
    """A phone number's national significant digits ('' when it cannot be one).

    `+` or 11 digits and more: the country code comes first (1 to 3 digits,
    read with the phonenumbers library). Otherwise a leading trunk 0 goes.
    """
    number = digits(text)
    if len(number) < MIN_PHONE:
        return ""
    if text.strip().startswith("+") or len(number) >= 11:
        return _international(number)
    return number[1:] if number.startswith("0") else number


def _international(number: str) -> str:
    import phonenumbers

    try:
        parsed = phonenumbers.parse("+" + number, None)
    except phonenumbers.NumberParseException:
        return number
    national = str(parsed.national_number)
    return national if len(national) >= MIN_PHONE - 1 else number


def parse(text: str) -> Identifier:
    """One identifier as typed; refuses what cannot be one."""
    given = (text or "").strip()
    if not given or len(given) > MAX_IDENTIFIER or not given.isprintable():
        raise InvalidInput(f"{given[:40]!r} is not an id, an email or a phone number")
    if "@" in given:
        if not EMAIL_RE.fullmatch(given):
            raise InvalidInput(f"{given[:60]!r} is not an email address")
        return Identifier("email", given.lower(), given)
    if given.isascii() and given.isdigit() and len(given) < MIN_PHONE:
        return Identifier("id", str(int(given)), given)
    core = phone_core(given)
    if not core or any(ch.isalpha() for ch in given):
        raise InvalidInput(f"{given[:60]!r} is not an id, an email or a phone number")
    return Identifier("phone", core, given)


def parse_all(texts: list[str]) -> list[Identifier]:
    if not texts:
        raise InvalidInput("name the person: a contact id, an email or a phone number")
    found = {(i.kind, i.value): i for i in map(parse, texts)}
    return list(found.values())


def email_pattern(email: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.+\-]){re.escape(email)}(?![\w\-]|\.\w)", re.IGNORECASE)


def phone_pattern(core: str, countries: frozenset[str] = frozenset()) -> re.Pattern[str]:
    """The number with any separators between its digits, maybe after a country code or a 0.

    A country code written with `+` may be any; one without `+` must be one of
    `countries` (the person's own), so `24155550199` is not `+1 415 555 0199`.
    """
    known = "|".join(re.escape(c) for c in sorted(countries | {"0"}))
    prefix = rf"(?:(?:\+\d{{1,3}}|{known}){SEPARATORS})?"
    body = SEPARATORS.join(re.escape(d) for d in core)
    return re.compile(rf"(?<![\d+]){prefix}\(?{body}(?!\d)")


def name_pattern(name: str) -> re.Pattern[str] | None:
    """A full name (two words or more) in any case and spacing; None for a single word."""
    parts = name.split()
    if len(parts) < 2 or len(name) < 5:
        return None
    return re.compile(r"(?<!\w)" + r"\s+".join(map(re.escape, parts)) + r"(?!\w)", re.IGNORECASE)


def phone_prefixes(core: str, country: str) -> list[Node | None]:
    """FTS5 prefix terms that every way of writing the number matches.

    The search index splits a number at its separators. However it is
    written, one group starts with the national number (`415 555 0199`,
    `20 7946 0018`), with the trunk 0 and it (`020 7946 0018`, `06 12 34 56 78`)
    or with the country code and it (`14155550199`); two digits of it are
    enough to find every such group, and the pattern then checks each match.
    """
    terms = {core[:2], "0" + core[:1]}
    if country:
        terms.add(country + core[:2])
    return [phrase(term, prefix=True) for term in sorted(terms)]
