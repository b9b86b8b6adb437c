"""How a person is named in a request: a contact id, an email or a phone number.

A contact id is its number (`1042`, or `#1042` for any length). An email is
compared whole, in lower case. A phone number is read into its E.164 form
(`phones`): `+44 20 7946 0018`, `0044 20 7946 0018` and, in the help desk's
region GB, `020 7946 0018` are one number; `+1 (207) 946-0018` is another.
A number that cannot be placed (no country code and no region set, too short,
not a number) names no one: it is kept aside as `Unplaced`, so the caller can
say so, and a request named by nothing else is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..store.errors import InvalidInput
from ..text import phones
from .needles import EMAIL_RE

MAX_IDENTIFIER = 200
MAX_ID_DIGITS = 6  # a contact id is written with at most this many digits


@dataclass(frozen=True)
class Identifier:
    """One identifier from a request: `kind` is "id", "email" or "phone"."""

    kind: str
    value: str  # the id as text, the email in lower case, or the phone's E.164 form
    given: str


@dataclass(frozen=True)
class Unplaced:
    """A phone number given that cannot be told apart from others': it matches no one."""

    given: str
    why: str


def parse(text: str, region: str | None) -> Identifier | Unplaced:
    """One identifier as typed; refuses what cannot be one."""
    given = (text or "").strip()
    if not given or len(given) > MAX_IDENTIFIER or not given.isprintable():
        raise InvalidInput(f"{given[:40]!r} is not an id, an email or a phone number")
    if "@" in given:
        if not EMAIL_RE.fullmatch(given):
            raise InvalidInput(f"{given[:60]!r} is not an email address")
        return Identifier("email", given.lower(), given)
    if given.isascii() and given.isdigit() and len(given) <= MAX_ID_DIGITS:
        return Identifier("id", str(int(given)), given)
    number = given.removeprefix("#")
    if given.startswith("#") and number.isascii() and number.isdigit() and len(number) < 19:
        return Identifier("id", str(int(number)), given)
    if any(ch.isalpha() for ch in given) or not any(ch.isdigit() for ch in given):
        raise InvalidInput(f"{given[:60]!r} is not an id, an email or a phone number")
    reading = phones.read(given, region)
    if not reading.placed:
        return Unplaced(given, reading.why)
    return Identifier("phone", reading.e164, given)


def parse_all(texts: list[str], region: str | None) -> tuple[list[Identifier], list[Unplaced]]:
    """The identifiers (without repeats), and the numbers that name no one, with why."""
    if not texts:
        raise InvalidInput("name the person: a contact id, an email or a phone number")
    found: dict[tuple[str, str], Identifier] = {}
    unplaced: list[Unplaced] = []
    for text in texts:
        parsed = parse(text, region)
        if isinstance(parsed, Unplaced):
            unplaced.append(parsed)
        else:
            found.setdefault((parsed.kind, parsed.value), parsed)
    if not found:
        first = unplaced[0]
        raise InvalidInput(
            f"cannot tell whose number {first.given[:60]!r} is: {first.why}; nothing was looked up"
        )
    return list(found.values()), unplaced
