"""What looks like personal data in a conversation: suggestions for a redaction, never a promise.

Emails, phone numbers (Google's phonenumbers library), payment card numbers
that pass the Luhn check, IBANs that pass their mod-97 check, and the
contact's own name. The agent picks from these and may type any other text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import settings
from ..conversations import get_conversation
from ..store.guard import guarded
from ..store.schema import Contact
from ..text import phones
from ..text.folding import Folded, fold
from ..text.phones import digits
from .needles import EMAIL_RE

CARD_RE = re.compile(r"(?<![\d-])(?:\d[ -]?){12,18}\d(?![\d-])")
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}\b")
KINDS = ("email", "phone", "card", "iban", "name")


@dataclass(frozen=True)
class Suggestion:
    kind: str  # one of KINDS
    text: str  # as written
    count: int  # how many times it appears in the conversation


def luhn(number: str) -> bool:
    total = 0
    for position, ch in enumerate(reversed(number)):
        value = int(ch) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def iban_valid(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(ch, 36)) for ch in moved)
    return 15 <= len(compact) <= 34 and int(number) % 97 == 1


def _phones(text: str, region: str | None) -> list[str]:
    return [text[f.start : f.end] for f in phones.find_in(text, region)]


def find_in(text: str, name: str = "", region: str | None = None) -> list[tuple[str, str]]:
    """(kind, text) for everything in `text` that looks like personal data, in order."""
    found = [("email", m.group()) for m in EMAIL_RE.finditer(text)]
    cards = [m.group() for m in CARD_RE.finditer(text) if luhn(digits(m.group()))]
    found += [("card", card) for card in cards]
    found += [
        ("phone", p)
        for p in _phones(text, region)
        if not any(digits(p) in digits(c) for c in cards)
    ]
    found += [("iban", m.group()) for m in IBAN_RE.finditer(text) if iban_valid(m.group())]
    if len(name.split()) >= 2:
        spans = Folded(text).spans(fold(name), whole_words=True)
        found += [("name", text[start:end]) for start, end in spans]
    return found


@guarded
def suggestions(conversation_id: int) -> list[Suggestion]:
    """What looks like personal data in one conversation's subject and messages."""
    detail = get_conversation(conversation_id)
    contact = Contact.get_or_none(Contact.id == detail.contact_id) if detail.contact_id else None
    name = contact.name if contact is not None else ""
    region = settings.region() or "US"  # a suggestion may guess; a request never does
    counts: dict[tuple[str, str], int] = {}
    for text in [detail.subject, *(m.body for m in detail.messages)]:
        for kind, found in find_in(text, name, region):
            counts[(kind, found)] = counts.get((kind, found), 0) + 1
    ordered = sorted(counts.items(), key=lambda item: (KINDS.index(item[0][0]), item[0][1]))
    return [Suggestion(kind, text, count) for (kind, text), count in ordered]
