"""Finding a text in any case, on the original: what a redaction replaces is what matched.

Both sides are folded the same way, one character at a time: case folded (`ß`
is `ss`, `İ` is `i` with its dot), compatibility forms and ligatures taken apart
(`ﬁ` is `fi`, `＠` is `@`), accents and other combining marks dropped, and every
run of white space one space. Each folded character remembers the character of
the original it came from, so a match in the folded copy is a span of the
original text. A span always holds whole characters, and the combining marks
after its last one: positions found in a changed copy are never applied to the
original (a lower-cased `İ` is two characters long).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_RUN_OF_SPACES = re.compile(r"\s\s")
_SPACES = str.maketrans({c: " " for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85"})


@lru_cache(maxsize=4096)
def fold_char(ch: str) -> str:
    """One character folded: case, compatibility forms and marks (may be "" or several)."""
    if ch.isascii():
        return ch.lower()
    decomposed = unicodedata.normalize("NFKD", ch.casefold())
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return kept.casefold()


def fold(text: str) -> str:
    """The folded form of a whole text (what a needle is compared as)."""
    return Folded(text).text


class Folded:
    """A text's folded copy, and for each of its characters the original one's index."""

    def __init__(self, text: str) -> None:
        self.source = text
        self.origin: list[int] | None = None  # None: the copy lines up with the text
        if text.isascii() and not _RUN_OF_SPACES.search(text):
            self.text = text.translate(_SPACES).lower()
            return
        chars: list[str] = []
        origin: list[int] = []
        spaced = False
        for index, ch in enumerate(text):
            if ch.isspace():
                if not spaced:
                    chars.append(" ")
                    origin.append(index)
                spaced = True
                continue
            spaced = False
            for folded in fold_char(ch):
                chars.append(folded)
                origin.append(index)
        self.text, self.origin = "".join(chars), origin

    def _source_span(self, start: int, end: int) -> tuple[int, int]:
        if self.origin is None:
            return start, end
        first, last = self.origin[start], self.origin[end - 1] + 1
        while last < len(self.source) and unicodedata.combining(self.source[last]):
            last += 1
        return first, last

    def spans(self, needle: str, whole_words: bool = False) -> list[tuple[int, int]]:
        """Where the folded `needle` stands in the original, left to right, not overlapping.

        With `whole_words`, a match must not start or end inside a word.
        """
        found: list[tuple[int, int]] = []
        if not needle.strip():
            return found
        at = self.text.find(needle)
        while at >= 0:
            start, end = self._source_span(at, at + len(needle))
            if not whole_words or self._alone(start, end):
                found.append((start, end))
                at = self.text.find(needle, at + len(needle))
            else:
                at = self.text.find(needle, at + 1)
        return found

    def _alone(self, start: int, end: int) -> bool:
        before = self.source[start - 1] if start > 0 else " "
        after = self.source[end] if end < len(self.source) else " "
        return not before.isalnum() and not after.isalnum()


def replace_spans(text: str, spans: list[tuple[int, int]], by: str) -> tuple[str, int]:
    """`text` with every span (overlapping ones merged) replaced by `by`; and how many."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    pieces, position = [], 0
    for start, end in merged:
        pieces += [text[position:start], by]
        position = end
    pieces.append(text[position:])
    return "".join(pieces), len(merged)
