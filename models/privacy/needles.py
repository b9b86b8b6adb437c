"""What a person's identifiers look like in free text, and replacing them with [redacted].

Each needle finds one kind of identifier in a text and gives its spans in the
original text:

- an email, whole and in any case: `ann@example.org` is never found inside
  `ann@example.org.uk` or `joann@example.org`;
- phone numbers, by their E.164 form, however they are written (`phones`);
- a text (a full name, or what an agent typed), folded as `folding` does, so
  case, accents, ligatures and spacing do not hide it; a name only as whole words.

A needle that is not `sure` (a name another contact shares, or one made of
common words) finds mentions for the agent to judge; a redaction leaves them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from ..store.textquery import Node
from ..text import phones
from ..text.folding import Folded, fold, replace_spans

REDACTED = "[redacted]"
EMAIL_RE = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")


@dataclass(frozen=True)
class Needle:
    """One identifier to find: `kind` is "email", "phone", "name" or "text"."""

    kind: str
    sure: bool = True  # False: found for the agent to judge, never redacted by an erasure
    why: str = ""  # why it is not sure

    def spans(self, text: str, folded: Folded) -> list[tuple[int, int]]:
        raise NotImplementedError


@dataclass(frozen=True)
class EmailNeedle(Needle):
    """The address whole, found folded (a fullwidth `＠` is an `@`): no address character
    may stand before it, and none may continue it after (`.uk`, `-x`)."""

    email: str = ""

    def spans(self, text: str, folded: Folded) -> list[tuple[int, int]]:
        return [span for span in folded.spans(fold(self.email)) if _whole_address(text, *span)]


def _whole_address(text: str, start: int, end: int) -> bool:
    before = fold(text[start - 1]) if start else " "
    after = fold(text[end : end + 2])
    if before and (before[-1].isalnum() or before[-1] in "_.%+-"):
        return False
    if after[:1].isalnum() or after[:1] in ("_", "-"):
        return False
    return not (after[:1] == "." and (after[1:2].isalnum() or after[1:2] == "_"))


@dataclass(frozen=True)
class PhoneNeedle(Needle):
    numbers: frozenset[str] = frozenset()  # E.164
    region: str | None = None

    def spans(self, text: str, folded: Folded) -> list[tuple[int, int]]:
        found = phones.find_in(text, self.region)
        return [(f.start, f.end) for f in found if f.e164 in self.numbers]


@dataclass(frozen=True)
class TextNeedle(Needle):
    folded: str = ""
    whole_words: bool = False

    def spans(self, text: str, folded: Folded) -> list[tuple[int, int]]:
        return folded.spans(self.folded, self.whole_words)


def text_needle(text: str, kind: str = "text", sure: bool = True, why: str = "") -> TextNeedle:
    return TextNeedle(kind, sure, why, fold(text), whole_words=kind == "name")


@dataclass(frozen=True)
class Hit:
    needle: Needle
    start: int
    end: int


@dataclass(frozen=True)
class Needles:
    """The needles of one request, and what the search index is asked for candidates."""

    needles: Sequence[Needle]
    text: Node | None = None

    def find(self, text: str) -> Iterator[Hit]:
        """Every hit in `text`, needle by needle."""
        if not text:
            return
        folded = Folded(text)
        for needle in self.needles:
            for start, end in needle.spans(text, folded):
                yield Hit(needle, start, end)

    def redact(self, text: str) -> tuple[str, int]:
        """`text` with every sure hit replaced by [redacted], and how many were."""
        spans = [(h.start, h.end) for h in self.find(text) if h.needle.sure]
        if not spans:
            return text, 0
        return replace_spans(text, spans, REDACTED)
