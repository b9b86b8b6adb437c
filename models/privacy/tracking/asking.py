"""Words that suggest a message asks for access to its writer's data, or for its erasure.

A suggestion, never a promise: a few phrasings in English, French, German,
Spanish and Dutch, matched on the folded text (`text.folding`: case and accents
set aside). It marks a conversation for the agent, who decides; nothing is
opened or done because of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ...text.folding import fold

NEAR = r"[^.?!\n]{0,40}"  # within one sentence
ERASURE = (
    rf"\b(delete|erase|remove|wipe|destroy)\b{NEAR}\b(my|all)\b{NEAR}"
    r"\b(data|information|details|account|records?|hold|have|keep)\b",
    rf"\b(my|all)\b{NEAR}\b(data|information|details|account)\b{NEAR}"
    r"\b(deleted|erased|removed|wiped)\b",
    r"\bright to (be forgotten|erasure)\b",
    rf"\b(supprim|effac)\w*{NEAR}\b(mes|mon|toutes?)\b{NEAR}\b(donnees|compte|informations)\b",
    r"\bdroit a l.?oubli\b",
    rf"\b(losch|loesch|entfern)\w*{NEAR}\bmeine?\w*{NEAR}\b(daten|konto)\b",
    rf"\bmeine?\w* (daten|konto){NEAR}\b(losch|loesch|entfern)\w*",
    rf"\b(borr|elimin|suprim)\w*{NEAR}\bmis?\b{NEAR}\b(datos|cuenta|informacion)\b",
    r"\bderecho al olvido\b",
    rf"\b(verwijder)\w*{NEAR}\bmijn\b{NEAR}\b(gegevens|account)\b",
)
ACCESS = (
    rf"\bwhat\b{NEAR}\b(data|information|details)\b{NEAR}\b(hold|have|keep|store|process)\b",
    rf"\bwhat do you (hold|have|keep|store)\b{NEAR}\babout me\b",
    r"\b(a )?(copy|export) of (all )?(my|the) (personal )?(data|information)\b",
    r"\bsubject access request\b",
    r"\baccess to (all )?my (personal )?(data|information)\b",
    r"\bacces a (toutes )?mes (donnees|informations)\b",
    rf"\bquelles (donnees|informations){NEAR}\b(detenez|avez|conservez)\b",
    r"\bwelche (daten|informationen)\b",
    rf"\bauskunft\b{NEAR}\bdaten\b",
    r"\bacceso a mis datos\b",
    rf"\bque datos{NEAR}\b(tienen|guardan|conservan)\b",
    r"\bwelke gegevens\b",
)
_ERASURE = re.compile("|".join(f"(?:{p})" for p in ERASURE))
_ACCESS = re.compile("|".join(f"(?:{p})" for p in ACCESS))
MAX_READ = 20_000  # characters of a message looked at: the ask comes early


def asks(text: str) -> str | None:
    """ "erasure", "access", or None: what the text seems to ask for (erasure first)."""
    folded = fold(text[:MAX_READ])
    if _ERASURE.search(folded):
        return "erasure"
    if _ACCESS.search(folded):
        return "access"
    return None


def first_ask(texts: Iterable[str]) -> tuple[int, str] | None:
    """The first text that asks, by its place among `texts`, and what it asks for."""
    for number, text in enumerate(texts):
        kind = asks(text)
        if kind is not None:
            return number, kind
    return None
