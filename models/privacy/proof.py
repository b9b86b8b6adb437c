"""The proof of an erasure: every identifier of every contact erased, in every written form
stored, looked for where the engine can look (`verify-gone`), and what was not checked, and why.

A text found again is a failure unless the live data explains it without the
person: another customer's longer address holds it (`ann@example.org` inside
`ann@example.org.uk`), or a conversation kept by a legal hold does. Either
way that identifier is reported as not checked, with the reason; an
occurrence that is the whole identifier, anywhere else, fails the proof. The
proof's words name kinds of identifier and reasons, never the identifiers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .. import settings
from ..store import engine
from ..store.forensics import MIN_TEXT
from ..store.sql import joined, sql
from ..store.textquery import phrase
from ..text import phones
from ..text.folding import Folded, fold
from ..text.phones import digits
from .needles import EmailNeedle
from .people import Person

ROWS = 1000  # live rows read to explain a text found again; more: it is not explained
LONGER = "another contact's or conversation's text holds it inside a longer one"
HELD = "a conversation kept by legal hold holds it"
SHORT = "it is too short to look for"
WHERE = {  # the live text a trace may be explained by: table, columns, its conversation
    "contact": (("name", "email", "phone", "phone_digits", "phone_e164"), "NULL"),
    "attribute": (("key", "value"), "NULL"),
    "conversation": (("subject",), "id"),
    "message": (("author", "body"), "conversation_id"),
}


@dataclass(frozen=True)
class Proof:
    made: bool  # False: the look could not be made yet (a clean-up is pending)
    passed: bool
    note: str
    checked: dict[str, int] = field(default_factory=dict)  # kind: texts looked for
    not_checked: list[tuple[str, str]] = field(default_factory=list)  # (kind, why)

    def as_dict(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "note": self.note,
            "checked": self.checked,
            "not_checked": [{"identifier": k, "why": w} for k, w in self.not_checked],
        }


def unproven(note: str) -> Proof:
    return Proof(False, False, note)


@dataclass(frozen=True)
class Sought:
    text: str
    kind: str  # "email", "phone" or "name"


def sought(person: Person) -> tuple[list[Sought], list[tuple[str, str]]]:
    """What to look for, and what cannot be looked for (kind, why)."""
    wanted: dict[str, str] = {}
    skipped: list[tuple[str, str]] = []
    for contact in person.contacts:
        wanted.update({contact.email: "email"} if contact.email else {})
        forms = (contact.phone, digits(contact.phone), contact.number, contact.number[1:])
        wanted.update({form: "phone" for form in forms if form})
    for check in person.names:
        if check.sure:
            wanted[check.name] = "name"
        else:
            skipped.append(("name", check.why))
    wanted.update({i.given: i.kind for i in person.identifiers if i.kind != "id"})
    for mention in person.mentions:
        if mention.sure and mention.identifier != "name":
            wanted[mention.line[mention.start : mention.end]] = mention.identifier
    found = []
    for text, kind in wanted.items():
        if len(text.strip()) < MIN_TEXT:
            skipped.append((kind, SHORT))
        else:
            found.append(Sought(text.strip(), kind))
    return found, skipped


def prove(person: Person, cleanup: engine.Cleanup) -> Proof:
    """Look for every identifier erased; pass only when none is found that the live data
    does not explain."""
    wanted, skipped = sought(person)
    if not cleanup.done:
        return unproven(f"the clean-up is pending ({cleanup.reason}); it finishes later")
    checked: dict[str, int] = {}
    for item in wanted:
        checked[item.kind] = checked.get(item.kind, 0) + 1
    traces = engine.backend().traces([s.text for s in wanted]) if wanted else []
    found = {text for text, _ in traces}
    first = {text: place for text, place in reversed(traces)}
    real: list[Sought] = []
    for item in wanted:
        why = explained(item) if item.text in found else ""
        if why:
            skipped.append((item.kind, why))
        elif item.text in found:
            real.append(item)
    where = "live row or search-index entry" if engine.is_postgres() else "byte"
    if real:
        shown = first[real[0].text]
        note = f"{len(real)} of {len(wanted)} identifiers are still found (first: {shown})"
        return Proof(True, False, note, checked, skipped)
    note = f"{len(wanted) - len(skipped)} identifiers are in no {where} of the database"
    return Proof(True, True, note, checked, skipped)


def explained(item: Sought) -> str:
    """Why live data holds `item` without it being the person's ("" when it does not).

    Live values that hold its text, and conversations whose indexed words hold it
    (PostgreSQL's index is of words), are read: each must hold it only inside a
    longer text, or be on legal hold.
    """
    held = longer = False
    region = settings.region()
    rows = _live(item.text) + _indexed(item.text)
    if len(rows) >= ROWS:
        return ""  # too many to read them all: it may be whole in one not read
    for value, conversation in rows:
        if not _whole(item, value, region):
            longer = True
        elif conversation is not None and _held(conversation):
            held = True
        else:
            return ""
    return HELD if held else LONGER if longer else ""


def _indexed(text: str) -> list[tuple[str, int | None]]:
    """The text of each conversation whose indexed words hold `text` as a phrase."""
    node = phrase(text)
    if node is None:
        return []
    ids = engine.backend().dialect.text_ids(node)
    found: list[tuple[str, int | None]] = []
    for (cid,) in list(engine.backend().execute(joined([ids, sql("LIMIT ?", ROWS)])))[:ROWS]:
        texts = engine.backend().execute(
            sql(
                "SELECT subject FROM conversation WHERE id = ? UNION ALL "
                "SELECT body FROM message WHERE conversation_id = ?",
                int(cid),
                int(cid),
            )
        )
        found.append(("\n".join(str(t) for (t,) in texts), int(cid)))
    return found


def _live(text: str) -> list[tuple[str, int | None]]:
    """Live values holding `text` (any case), each with its conversation if it has one."""
    dialect = engine.backend().dialect
    found: list[tuple[str, int | None]] = []
    for table, (columns, conversation) in WHERE.items():
        for column in columns:
            query = joined(
                [
                    f"SELECT {column}, {conversation} FROM {table} WHERE",
                    dialect.contains(column, text),
                    sql("LIMIT ?", ROWS),
                ]
            )
            rows = engine.backend().execute(query)
            found += [(str(v), None if c is None else int(c)) for v, c in rows]
    return found


def _whole(item: Sought, value: str, region: str | None) -> bool:
    """Whether `value` holds the identifier whole, not as part of a longer one."""
    if item.kind == "email":
        return bool(EmailNeedle("email", email=item.text).spans(value, Folded(value)))
    if item.kind == "phone":
        number = phones.e164(item.text, region)
        if number and any(f.e164 == number for f in phones.find_in(value, region)):
            return True
        return bool(re.search(rf"(?<![\d+]){re.escape(item.text)}(?!\d)", value))
    return bool(Folded(value).spans(fold(item.text), whole_words=True))


def _held(conversation: int) -> bool:
    query = sql("SELECT held FROM conversation WHERE id = ?", conversation)
    rows = list(engine.backend().execute(query))
    return bool(rows and rows[0][0])
