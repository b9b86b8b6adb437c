"""Finding a person everywhere: their contacts, their conversations, and where others mention them.

A person is named by one or more identifiers (see `identifiers`): every
contact holding any of them is theirs, with its attributes and
conversations. A mention is another person's conversation whose subject or
message holds one of the person's emails, phone numbers or full names. The
search index finds candidates (by phrase, and by number prefix for phones);
the patterns then decide, so a mention is never a guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from . import engine, identifiers
from .contacts import ContactInfo, get_contact
from .errors import NotFound
from .guard import guarded
from .identifiers import Identifier
from .query import digits
from .schema import Channel, Contact, Conversation, Message
from .textquery import Node, any_of, phrase

LINE_WINDOW = 120  # characters of a mention's line kept on each side of it


@dataclass(frozen=True)
class ConversationBrief:
    id: int
    contact_id: int
    channel: str
    status: str
    held: bool
    subject: str
    messages: int


@dataclass(frozen=True)
class Mention:
    """One place where another conversation names the person."""

    conversation: int
    message: int | None  # None: in the subject
    field: str  # "subject" or "body"
    identifier: str  # "email", "phone" or "name"
    line: str  # the line that holds it, as written
    start: int  # where it stands in `line`
    end: int
    held: bool  # that conversation is on legal hold: erasure leaves it alone


@dataclass(frozen=True)
class Needles:
    """What the person's identifiers look like in text, as patterns by kind."""

    patterns: list[tuple[str, re.Pattern[str]]]
    text: Node | None  # what the search index is asked for the candidates

    def find(self, text: str) -> Iterator[tuple[str, re.Match[str]]]:
        for kind, pattern in self.patterns:
            for match in pattern.finditer(text):
                yield kind, match

    def redact(self, text: str) -> tuple[str, int]:
        """`text` with every match replaced by [redacted], and how many were."""
        total = 0
        for _, pattern in self.patterns:
            text, count = pattern.subn(REDACTED, text)
            total += count
        return text, total


REDACTED = "[redacted]"


@dataclass(frozen=True)
class Person:
    identifiers: list[Identifier]
    contacts: list[ContactInfo]
    conversations: list[ConversationBrief]
    mentions: list[Mention]
    needles: Needles

    @property
    def contact_ids(self) -> list[int]:
        return [c.id for c in self.contacts]


@guarded
def find_person(texts: Sequence[str]) -> Person:
    """Everything held about the person these identifiers name; refuses one held nowhere."""
    given = identifiers.parse_all(list(texts))
    contacts = [get_contact(cid) for cid in _contact_ids(given)]
    own = _conversations([c.id for c in contacts])
    needles = _needles(given, contacts)
    mentions = list(_mentions(needles, {c.id for c in own}))
    if not contacts and not mentions:
        shown = ", ".join(repr(i.given[:60]) for i in given)
        raise NotFound(f"nothing is held about {shown}: no contact, no mention")
    return Person(given, contacts, own, mentions, needles)


def _contact_ids(given: list[Identifier]) -> list[int]:
    found: dict[int, None] = {}
    for identifier in given:
        for cid in _matching(identifier):
            found[cid] = None
    return list(found)


def _matching(identifier: Identifier) -> list[int]:
    if identifier.kind == "id":
        contact = Contact.get_or_none(Contact.id == int(identifier.value))
        if contact is None:
            raise NotFound(f"no contact #{identifier.value}")
        return [contact.id]
    if identifier.kind == "email":
        query = Contact.select(Contact.id).where(Contact.email == identifier.value)
        return [int(cid) for (cid,) in engine.rows(query)]
    tail = identifier.value[-identifiers.MIN_PHONE :]
    query = Contact.select(Contact.id, Contact.phone).where(Contact.phone_digits.endswith(tail))
    return [int(c.id) for c in query if identifiers.phone_core(c.phone) == identifier.value]


def _conversations(contact_ids: list[int]) -> list[ConversationBrief]:
    if not contact_ids:
        return []
    c = Conversation
    query = (
        c.select(c.id, c.contact, Channel.name, c.status, c.held, c.subject)
        .join(Channel)
        .where(c.contact.in_(contact_ids))
        .order_by(c.last_activity.desc(), c.id.desc())
    )
    rows = engine.rows(query)
    counts = _message_counts([int(r[0]) for r in rows])
    return [
        ConversationBrief(int(i), int(ct), ch, st, bool(h), sj, counts.get(int(i), 0))
        for i, ct, ch, st, h, sj in rows
    ]


def _message_counts(ids: list[int]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for batch in engine.chunked(ids):
        query = Message.select(Message.conversation, Message.id).where(
            Message.conversation.in_(batch)
        )
        for cid, _ in engine.rows(query):
            counts[int(cid)] = counts.get(int(cid), 0) + 1
    return counts


def _needles(given: list[Identifier], contacts: list[ContactInfo]) -> Needles:
    emails = {i.value for i in given if i.kind == "email"} | {c.email for c in contacts if c.email}
    phones = {i.value for i in given if i.kind == "phone"}
    phones |= {core for c in contacts if (core := identifiers.phone_core(c.phone))}
    names = {c.name for c in contacts if identifiers.name_pattern(c.name)}
    patterns = [("email", identifiers.email_pattern(e)) for e in sorted(emails)]
    countries = frozenset(c for core in phones if (c := _country(core, contacts)))
    patterns += [("phone", identifiers.phone_pattern(p, countries)) for p in sorted(phones)]
    patterns += [("name", p) for n in sorted(names) if (p := identifiers.name_pattern(n))]
    terms: list[Node | None] = [phrase(text) for text in sorted(emails | names)]
    for core in sorted(phones):
        terms += identifiers.phone_prefixes(core, _country(core, contacts))
    return Needles(patterns, any_of(terms))


def _country(core: str, contacts: list[ContactInfo]) -> str:
    """The country code written before this number in a contact's phone, if one is."""
    for contact in contacts:
        number = digits(contact.phone)
        if identifiers.phone_core(contact.phone) == core and number.endswith(core):
            return number[: len(number) - len(core)].lstrip("0")
    return ""


def _mentions(needles: Needles, own: set[int]) -> Iterator[Mention]:
    """Every mention in conversations other than `own`, in conversation order."""
    if needles.text is None:
        return
    c = Conversation
    query = c.select(c.id, c.subject, c.held).where(c.id.in_(engine.text_ids(needles.text)))
    candidates = [row for row in engine.rows(query.order_by(c.id)) if int(row[0]) not in own]
    for batch in engine.chunked(candidates):
        bodies = _bodies([int(row[0]) for row in batch])
        for cid, subject, held in batch:
            yield from _found(needles, int(cid), None, "subject", subject, bool(held))
            for message_id, body in bodies.get(int(cid), []):
                yield from _found(needles, int(cid), message_id, "body", body, bool(held))


def _bodies(ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    query = (
        Message.select(Message.conversation, Message.id, Message.body)
        .where(Message.conversation.in_(ids))
        .order_by(Message.sent_at, Message.id)
    )
    found: dict[int, list[tuple[int, str]]] = {}
    for cid, mid, body in engine.rows(query):
        found.setdefault(int(cid), []).append((int(mid), str(body)))
    return found


def _found(
    needles: Needles, cid: int, mid: int | None, field: str, text: str, held: bool
) -> Iterable[Mention]:
    for kind, match in needles.find(text):
        line, start, end = _line(text, match.start(), match.end())
        yield Mention(cid, mid, field, kind, line, start, end, held)


def _line(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The line around a match (cut to a window), and the match's place in it."""
    first = max(text.rfind("\n", 0, start) + 1, start - LINE_WINDOW)
    last = text.find("\n", end)
    last = min(len(text) if last < 0 else last, end + LINE_WINDOW)
    return text[first:last], start - first, end - first
