"""Finding a person everywhere: contacts, conversations, messages, and where others name them.

A person is named by one or more identifiers (`identifiers`): every contact
holding one of them is theirs (the same email, or the same phone number by its
E.164 form), with its attributes and conversations, and every message they
wrote in someone else's conversation (a second customer in a mail thread). A
mention is another person's conversation whose subject or message holds one of
the person's emails, phone numbers or full names (`needles`). The search index
finds candidates; the needles then decide, so a mention is never a guess. A
name another contact shares, or one made of common words, is found for the
agent to judge (`Mention.sure` is False): an erasure leaves it.

What cannot be told apart is said, not guessed: a number given that cannot be
placed names no one (`Person.unplaced`), and a contact whose stored number
cannot be placed but might be the person's is listed as `uncertain`, never
erased or exported.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from .. import settings
from ..contacts import ContactInfo, get_contact
from ..store import engine
from ..store.errors import NotFound
from ..store.guard import guarded
from ..store.schema import Contact, Conversation, Message
from ..store.sql import is_in, joined
from ..store.textquery import Node, any_of, phrase
from ..store.values import NEWEST_FIRST
from ..text import phones
from ..text.folding import fold
from . import identifiers
from .common_words import is_common_phrase
from .identifiers import Identifier, Unplaced
from .needles import EmailNeedle, Hit, Needle, Needles, PhoneNeedle, text_needle

LINE_WINDOW = 120  # characters of a mention's line kept on each side of it
MIN_NAME = 5  # characters of a full name (of two words or more) that is looked for
SHARED = "another contact has the same name"
COMMON = "the name is made of common words"


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
class Written:
    """A message the person wrote in someone else's conversation."""

    conversation: int
    message: int
    contact_id: int
    held: bool  # that conversation is on legal hold: the message stays


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
    sure: bool = True  # False: a shared or common name, left to the agent
    why: str = ""  # why it is not sure


@dataclass(frozen=True)
class NameCheck:
    """One of the person's full names, and whether it is theirs alone."""

    name: str
    sure: bool
    why: str


@dataclass(frozen=True)
class Person:
    identifiers: list[Identifier]
    unplaced: list[Unplaced]  # numbers given that cannot be placed: they name no one
    contacts: list[ContactInfo]
    conversations: list[ConversationBrief]
    written: list[Written]
    mentions: list[Mention]
    uncertain: list[ContactInfo]  # stored numbers that cannot be placed but might be theirs
    needles: Needles
    names: list[NameCheck]

    @property
    def contact_ids(self) -> list[int]:
        return [c.id for c in self.contacts]

    @property
    def warnings(self) -> list[str]:
        """What an agent should check before acting (no personal data in the words)."""
        said = []
        names = {fold(c.name) for c in self.contacts if c.name}
        if len(names) > 1:
            said.append(
                f"the {len(self.contacts)} contacts found have {len(names)} different names: "
                "check that they are one person"
            )
        said += [f"{u.given!r} names no one: {u.why}" for u in self.unplaced]
        if self.uncertain:
            said.append(
                f"{len(self.uncertain)} other contacts have a number that cannot be placed but "
                "ends like theirs: cannot tell whether they are the same person"
            )
        return said


@guarded
def find_person(texts: Sequence[str]) -> Person:
    """Everything held about the person these identifiers name; refuses one held nowhere."""
    region = settings.region()
    given, unplaced = identifiers.parse_all(list(texts), region)
    contacts = [get_contact(cid) for cid in _contact_ids(given)]
    ids = [c.id for c in contacts]
    own = _conversations(ids)
    written = _written(ids, {c.id for c in own})
    names = _names(contacts)
    needles = _needles(given, contacts, names, region)
    skip = {w.message for w in written}
    mentions = list(_mentions(needles, {c.id for c in own}, skip))
    uncertain = _uncertain(_numbers(given, contacts), set(ids))
    if not contacts and not mentions:
        shown = ", ".join(repr(i.given[:60]) for i in given)
        raise NotFound(f"nothing is held about {shown}: no contact, no mention")
    return Person(given, unplaced, contacts, own, written, mentions, uncertain, needles, names)


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
    column = Contact.email if identifier.kind == "email" else Contact.phone_e164
    query = Contact.select(Contact.id).where(column == identifier.value).order_by(Contact.id)
    return [int(cid) for (cid,) in engine.rows(query)]


def _conversations(contact_ids: list[int]) -> list[ConversationBrief]:
    if not contact_ids:
        return []
    backend = engine.backend()
    query = joined(
        [
            "SELECT conversation.id, conversation.contact_id, channel.name, conversation.status,"
            " conversation.held, conversation.subject FROM conversation"
            " JOIN channel ON channel.id = conversation.channel_id WHERE",
            is_in("conversation.contact_id", backend.dialect.one_of(contact_ids)),
            f"ORDER BY {NEWEST_FIRST}",
        ]
    )
    rows = list(backend.execute(query))
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


def _written(contact_ids: list[int], own: set[int]) -> list[Written]:
    """The person's messages in conversations that are not theirs, oldest first."""
    if not contact_ids:
        return []
    query = (
        Message.select(Message.conversation, Message.id, Message.contact, Conversation.held)
        .join(Conversation)
        .where(Message.contact.in_(contact_ids))
        .order_by(Message.sent_at, Message.id)
    )
    return [
        Written(int(cid), int(mid), int(who), bool(held))
        for cid, mid, who, held in engine.rows(query)
        if int(cid) not in own
    ]


def _names(contacts: list[ContactInfo]) -> list[NameCheck]:
    """The person's full names, each sure only when no one else has it and it is no phrase."""
    mine = {c.id for c in contacts}
    checks: dict[str, NameCheck] = {}
    for contact in contacts:
        key = fold(contact.name)
        if len(key.split()) < 2 or len(key) < MIN_NAME or key in checks:
            continue
        if is_common_phrase(key.split()):
            checks[key] = NameCheck(contact.name, False, COMMON)
        elif _others_named(key, mine):
            checks[key] = NameCheck(contact.name, False, SHARED)
        else:
            checks[key] = NameCheck(contact.name, True, "")
    return list(checks.values())


def _others_named(key: str, mine: set[int]) -> bool:
    """Whether a contact not among `mine` has this name, folded as `folding` folds it.

    Every name is read and folded: a filter in SQL would miss names equal only once
    folded (`Zoë` and `Zoe`, `ß` and `ss`, fullwidth letters)."""
    query = Contact.select(Contact.id, Contact.name).where(Contact.name != "")
    return any(int(cid) not in mine and fold(str(n)) == key for cid, n in engine.rows(query))


def _numbers(given: list[Identifier], contacts: list[ContactInfo]) -> set[str]:
    numbers = {i.value for i in given if i.kind == "phone"}
    return numbers | {c.number for c in contacts if c.number}


def _needles(
    given: list[Identifier],
    contacts: list[ContactInfo],
    names: list[NameCheck],
    region: str | None,
) -> Needles:
    emails = {i.value for i in given if i.kind == "email"} | {c.email for c in contacts if c.email}
    numbers = _numbers(given, contacts)
    found: list[Needle] = [EmailNeedle("email", email=e) for e in sorted(emails)]
    if numbers:
        found.append(PhoneNeedle("phone", numbers=frozenset(numbers), region=region))
    found += [text_needle(n.name, "name", n.sure, n.why) for n in names]
    terms: list[Node | None] = [phrase(text) for text in sorted(emails)]
    terms += [phrase(n.name) for n in names]
    terms += [phrase(widened(n.name)) for n in names if n.name.isascii()]
    for number in sorted(numbers):
        terms += [phrase(start, prefix=True) for start in phones.index_starts(number)]
    return Needles(found, any_of(terms))


def widened(text: str) -> str:
    """ASCII letters and digits in their fullwidth forms: the search index keeps `Ｓｏｆｉａ`
    as written, so a name typed on a fullwidth keyboard is asked for so too."""
    return "".join(chr(ord(ch) + 0xFEE0) if ch.isascii() and ch.isalnum() else ch for ch in text)


def _uncertain(numbers: set[str], known: set[int]) -> list[ContactInfo]:
    """Contacts whose stored number cannot be placed, but whose digits end one of `numbers`."""
    found: dict[int, None] = {}
    for number in sorted(numbers):
        code, national, _ = phones.parts(number)
        whole = code + national
        query = Contact.select(Contact.id, Contact.phone_digits).where(
            (Contact.phone_e164 == "") & Contact.phone_digits.endswith(national[-7:])
        )
        for cid, stored in engine.rows(query):
            tail = str(stored).lstrip("0")
            if int(cid) not in known and len(tail) >= 7 and whole.endswith(tail):
                found[int(cid)] = None
    return [get_contact(cid) for cid in found]


def _mentions(needles: Needles, own: set[int], skip: set[int]) -> Iterator[Mention]:
    """Every mention in conversations other than `own` (and messages not in `skip`)."""
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
                if message_id not in skip:
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
    for hit in needles.find(text):
        yield _mention(hit, text, cid, mid, field, held)


def _mention(hit: Hit, text: str, cid: int, mid: int | None, field: str, held: bool) -> Mention:
    line, start, end = _line(text, hit.start, hit.end)
    needle = hit.needle
    return Mention(cid, mid, field, needle.kind, line, start, end, held, needle.sure, needle.why)


def _line(text: str, start: int, end: int) -> tuple[str, int, int]:
    """The line around a match (cut to a window), and the match's place in it."""
    first = max(text.rfind("\n", 0, start) + 1, start - LINE_WINDOW)
    last = text.find("\n", end)
    last = min(len(text) if last < 0 else last, end + LINE_WINDOW)
    return text[first:last], start - first, end - first
