"""The words of a search, as a tree for both engines: SQLite's FTS5 and PostgreSQL's tsquery.

    query  := or
    or     := and ("OR" and)*
    and    := unary+               juxtaposition (or AND) means and
    unary  := ["-"] atom           "-" excludes what matches
    atom   := phrase | "(" query ")"
    phrase := '"' text '"' ["*"] | word ["*"]

Anything that does not fit is read as literal text, so every input is a valid
search: unbalanced parentheses and quotes are repaired, operators with nothing
to act on are dropped, nesting is capped. An exclusion applies to the terms it
is and-ed with ("a OR -b" is "a"); exclusions alone ("-b -c") match everything
that matches none of them (`split`). A phrase's words are the runs of letters and
digits of its text, accents removed and case folded, the way both indexes store
them; a phrase with no such word is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import NamedTuple

MAX_DEPTH = 32
TERM_RE = re.compile(r'(?:"(?P<phrase>[^"]*)"?|(?P<word>[^\s"()]+?))(?P<star>\*)?(?=[\s"()]|$)')
WORD_RE = re.compile(r"[^\W_]+")


# The tree's nodes are named tuples (no dataclasses to import: `hushdesk search` starts
# faster); only their class tells them apart, so compare nodes by type as well.
class Phrase(NamedTuple):
    words: tuple[str, ...]
    prefix: bool = False  # the last word is a prefix


class All(NamedTuple):
    parts: tuple[Node, ...]


class Any(NamedTuple):
    parts: tuple[Node, ...]


class Without(NamedTuple):
    """What matches `keep` and none of `drop`."""

    keep: Node
    drop: tuple[Node, ...]


Node = Phrase | All | Any | Without


def words(text: str) -> tuple[str, ...]:
    """Index words: letters and digits, accents removed, lower case (as FTS5's unicode61)."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return tuple(WORD_RE.findall(bare.lower()))


def phrase(text: str, prefix: bool = False) -> Phrase | None:
    found = words(text)
    return Phrase(found, prefix) if found else None


def any_of(nodes: Sequence[Node | None]) -> Node | None:
    kept = tuple(n for n in nodes if n is not None)
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else Any(kept)


def parse(text: str) -> Node | None:
    """The search words as a tree; None when nothing in them can match."""
    return split(text)[0]


def split(text: str) -> tuple[Node | None, Node | None]:
    """(what must match, what must not): a tree, or only exclusions ("-refund"), or neither."""
    parser = _Parser(_balance(_scan(text)))
    node = parser.query()
    if node is None and parser.orphans:
        return None, any_of(parser.orphans)
    return node, None


Token = tuple[str, object]


def _scan(text: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char.isspace():
            pos += 1
        elif char in "()":
            tokens.append((char, None))
            pos += 1
        elif char == "-" and text[pos + 1 : pos + 2].strip():
            tokens.append(("neg", None))
            pos += 1
        else:
            match = TERM_RE.match(text, pos)
            if match is None:
                pos += 1
                continue
            pos = match.end()
            tokens.append(_term(match))
    return [t for t in tokens if t[0] != "skip"]


def _term(match: re.Match[str]) -> Token:
    quoted, word, star = match.group("phrase", "word", "star")
    if quoted is None and not star and word in ("AND", "OR", "NOT"):
        return ("op", word)
    node = phrase(word if quoted is None else quoted, bool(star))
    return ("term", node) if node else ("skip", None)


def _balance(tokens: list[Token]) -> list[Token]:
    """Drop unmatched ")" and close unmatched "(", capping the depth."""
    depth = dropped = 0
    kept: list[Token] = []
    for token in tokens:
        if token[0] == "(":
            if depth == MAX_DEPTH:
                dropped += 1
                continue
            depth += 1
        elif token[0] == ")":
            if dropped:
                dropped -= 1
                continue
            if not depth:
                continue
            depth -= 1
        kept.append(token)
    return kept + [(")", None)] * depth


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens, self.pos = tokens, 0
        self.orphans: list[Node] = []  # exclusions with nothing beside them to exclude from

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def query(self) -> Node | None:
        nodes: list[Node] = []
        while self.pos < len(self.tokens):
            start = self.pos
            node = self.any()
            if node is not None:
                nodes.append(node)
            if self.pos == start:
                self.pos += 1
        return nodes[0] if len(nodes) == 1 else (All(tuple(nodes)) if nodes else None)

    def any(self) -> Node | None:
        nodes = [self.all()]
        while self.peek() == ("op", "OR"):
            self.pos += 1
            nodes.append(self.all())
        return any_of(list(nodes))

    def all(self) -> Node | None:
        keep: list[Node] = []
        drop: list[Node] = []
        while (token := self.peek()) is not None and token[0] != ")":
            if token[0] == "op":
                if token[1] == "OR":
                    break
                self.pos += 1
                if token[1] == "NOT" and (node := self.atom()[0]) is not None:
                    drop.append(node)
                continue
            node, negated = self.atom()
            if node is not None:
                (drop if negated else keep).append(node)
        if not keep:
            self.orphans.extend(drop)
            return None
        kept = keep[0] if len(keep) == 1 else All(tuple(keep))
        return Without(kept, tuple(drop)) if drop else kept

    def atom(self) -> tuple[Node | None, bool]:
        negated = self.peek() == ("neg", None)
        if negated:
            self.pos += 1
        token = self.peek()
        if token is None:
            return None, False
        if token[0] == "term":
            self.pos += 1
            return token[1], negated  # type: ignore[return-value]
        if token[0] == "(":
            self.pos += 1
            node = self.any()
            if self.peek() == (")", None):
                self.pos += 1
            return node, negated
        return None, False


def fts5(node: Node) -> str:
    """The tree as an FTS5 query (each phrase quoted; NOT needs something to subtract from)."""
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"' + ("*" if node.prefix else "")
    if isinstance(node, All):
        return "(" + " AND ".join(fts5(n) for n in node.parts) + ")"
    if isinstance(node, Any):
        return "(" + " OR ".join(fts5(n) for n in node.parts) + ")"
    return "(" + fts5(node.keep) + "".join(f" NOT {fts5(n)}" for n in node.drop) + ")"


def pair(first: str, second: str) -> str:
    """Two neighbouring words as one entry of PostgreSQL's index (see `tsquery`)."""
    return f"{first} {second}"


PAIRS_CUT = "~"  # a document whose pairs were not all kept (never a word, nor a pair)


def pairs(node: Phrase) -> list[str]:
    """The pairs of a phrase's neighbouring words, as `tsquery` asks for them."""
    found = [pair(a, b) for a, b in zip(node.words, node.words[1:], strict=False)]
    if found and node.prefix:
        found[-1] += ":*"
    return found


def tsquery(node: Node) -> str:
    """The tree as a PostgreSQL tsquery (words are letters and digits: no quoting needed).

    A phrase also asks for its pairs of neighbouring words, which the index holds as
    entries of their own (`postgres.document`): PostgreSQL's index keeps no positions,
    so "number tracking", two common words next to each other in no document, is
    otherwise checked row by row in every document holding both. A document whose
    pairs were cut short (a very long one) is marked, and is checked as before.
    """
    if isinstance(node, Phrase):
        parts = [f"'{w}'" for w in node.words]
        if node.prefix:
            parts[-1] += ":*"
        phrase = "(" + " <-> ".join(parts) + ")"
        found = pairs(node)
        if not found:
            return phrase
        neighbours = " & ".join(f"'{p}'" for p in found)
        return f"({phrase} & ({neighbours} | '{PAIRS_CUT}'))"
    if isinstance(node, All):
        return "(" + " & ".join(tsquery(n) for n in node.parts) + ")"
    if isinstance(node, Any):
        return "(" + " | ".join(tsquery(n) for n in node.parts) + ")"
    return "(" + tsquery(node.keep) + "".join(f" & !{tsquery(n)}" for n in node.drop) + ")"
