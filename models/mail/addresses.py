"""Reading an address header (From:, To:, Cc:) as RFC 5322 defines it, or refusing to.

A header is tokenised once (comments and quoted strings are taken whole, so
an address written inside either is text, never an address), then parsed as
an address list: mailboxes (`Name <a@b>` or `a@b`), groups (`Team: a@b, c@d;`)
and bare words (`Smith` in `Smith, John <j@example.com>`, which name nobody).
Anything the grammar does not allow (a second `<` inside angle brackets, a
backslash outside quotes, an unclosed comment, text after an address, a route
or a quoted local part) makes the whole header unreadable: `parse` returns
None rather than guess which address was meant. Python's `email.headerregistry`
is the reference: where this parser answers, it answers as that one does
(tests/test_mail_addresses.py checks it on generated headers).

Addresses are never decoded: an encoded word is only ever a display name.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_HEADER = 16_384  # characters; a longer address header is not read
MAX_DEPTH = 20  # nested comments
SPECIALS = "<>,:;@."
ATEXT_PUNCTUATION = frozenset("!#$%&'*+-/=?^_`{|}~")
PHRASE = ("atom", "quoted", ".", "comment")  # a display name shows its comments too


@dataclass(frozen=True)
class Mailbox:
    name: str  # the display name as written: quotes removed, encoded words not yet decoded
    address: str  # local@domain, lower case


@dataclass(frozen=True)
class Words:
    """Words that name no mailbox (`Smith` in `Smith, John <j@example.com>`)."""

    text: str


@dataclass(frozen=True)
class Group:
    name: str
    members: tuple[Mailbox, ...]


Element = Mailbox | Words | Group


@dataclass(frozen=True)
class _Token:
    kind: str  # "atom", "quoted", "literal", "comment", or the special character itself
    text: str
    spaced: bool  # whitespace or a comment came before it


class _Unreadable(Exception):
    pass


def parse(raw: str) -> list[Element] | None:
    """A header's elements in order, or None when it is not an RFC 5322 address list."""
    if len(raw) > MAX_HEADER:
        return None
    try:
        return _Parser(_tokens(_unfold(raw))).address_list()
    except _Unreadable:
        return None


def mailboxes(elements: list[Element]) -> list[Mailbox]:
    """Every mailbox of the elements, a group's members in its place."""
    found: list[Mailbox] = []
    for element in elements:
        if isinstance(element, Mailbox):
            found.append(element)
        elif isinstance(element, Group):
            found.extend(element.members)
    return found


def _unfold(raw: str) -> str:
    """A folded header as one line (a line break must be followed by a blank)."""
    parts = raw.replace("\r\n", "\n").split("\n")
    if any(part[:1] not in (" ", "\t") for part in parts[1:]):
        raise _Unreadable
    return "".join(parts)


def _is_atext(ch: str) -> bool:
    return ch.isalnum() and ch.isascii() or ch in ATEXT_PUNCTUATION or ord(ch) > 127


def _tokens(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    at, spaced = 0, False
    while at < len(text):
        ch = text[at]
        if ch in " \t":
            at, spaced = at + 1, True
        elif ch == "(":
            end = _skip_comment(text, at)
            tokens.append(_Token("comment", text[at:end], spaced))
            at, spaced = end, True
        elif ch == '"':
            value, at = _delimited(text, at, '"')
            tokens.append(_Token("quoted", value, spaced))
            spaced = False
        elif ch == "[":
            value, at = _delimited(text, at, "]")
            tokens.append(_Token("literal", value, spaced))
            spaced = False
        elif ch in SPECIALS:
            tokens.append(_Token(ch, ch, spaced))
            at, spaced = at + 1, False
        elif _is_atext(ch):
            end = at
            while end < len(text) and _is_atext(text[end]):
                end += 1
            tokens.append(_Token("atom", text[at:end], spaced))
            at, spaced = end, False
        else:  # a backslash, a stray ) or ], a control character
            raise _Unreadable
    return tokens


def _control(ch: str) -> bool:
    return ord(ch) < 32 and ch != "\t" or ch == "\x7f"


def _skip_comment(text: str, at: int) -> int:
    """Where the comment opening at `at` ends (comments nest; a backslash quotes)."""
    depth = 0
    while at < len(text):
        ch = text[at]
        if ch == "\\":
            at += 2
            continue
        if ch == "(":
            depth += 1
            if depth > MAX_DEPTH:
                raise _Unreadable
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return at + 1
        elif _control(ch):
            raise _Unreadable
        at += 1
    raise _Unreadable


def _delimited(text: str, at: int, close: str) -> tuple[str, int]:
    """A quoted string or domain literal opening at `at`: its text (unquoted), where it ends."""
    chars: list[str] = []
    at += 1
    while at < len(text):
        ch = text[at]
        if ch == "\\" and close == '"' and at + 1 < len(text):
            chars.append(text[at + 1])
            at += 2
            continue
        if ch == close:
            return "".join(chars), at + 1
        if close == "]" and ch in "[\\" or _control(ch):
            raise _Unreadable
        chars.append(ch)
        at += 1
    raise _Unreadable


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def _peek(self) -> str:
        """The next token's kind, past comments ("" at the end)."""
        while self.at < len(self.tokens) and self.tokens[self.at].kind == "comment":
            self.at += 1
        return self.tokens[self.at].kind if self.at < len(self.tokens) else ""

    def _take(self, kind: str) -> _Token:
        if self._peek() != kind:
            raise _Unreadable
        self.at += 1
        return self.tokens[self.at - 1]

    def address_list(self) -> list[Element]:
        elements: list[Element] = []
        while self._peek():
            if self._peek() == ",":  # an empty element (obs-addr-list)
                self.at += 1
                continue
            elements.append(self._address(in_group=False))
            if self._peek():
                self._take(",")
        return elements

    def _address(self, in_group: bool) -> Element:
        words = self._phrase()
        following = self._peek()
        if following == "<":
            return self._angle(self._display_name(words))
        if following == "@":
            return Mailbox("", f"{_local_part(words)}@{self._domain()}".lower())
        if following == ":" and words and not in_group:
            self.at += 1
            return Group(self._display_name(words), self._members())
        if words and following in ("", ",", ";" if in_group else ","):
            return Words(self._display_name(words))
        raise _Unreadable

    def _phrase(self) -> list[_Token]:
        words: list[_Token] = []
        while self.at < len(self.tokens) and self.tokens[self.at].kind in PHRASE:
            words.append(self.tokens[self.at])
            self.at += 1
        return words

    def _display_name(self, words: list[_Token]) -> str:
        """A phrase as a display name; one ending in a dot is refused (the reference fails)."""
        kinds = [w.kind for w in words if w.kind != "comment"]
        if kinds and kinds[-1] == ".":
            raise _Unreadable
        return _joined(words)

    def _angle(self, name: str) -> Mailbox | Words:
        self._take("<")
        if self._peek() == ">":  # the null address <> names no one
            self.at += 1
            return Words(name)
        local = _local_part(self._phrase())
        domain = self._domain()
        self._take(">")
        return Mailbox(name, f"{local}@{domain}".lower())

    def _domain(self) -> str:
        self._take("@")
        parts = [self._take("atom").text]
        while self._peek() == ".":
            self.at += 1
            parts.append(self._take("atom").text)
        return ".".join(parts)

    def _members(self) -> tuple[Mailbox, ...]:
        members: list[Mailbox] = []
        while self._peek() != ";":
            if self._peek() == ",":
                self.at += 1
                continue
            element = self._address(in_group=True)
            if isinstance(element, Mailbox):
                members.append(element)
            if self._peek() != ";":
                self._take(",")
        self._take(";")
        return tuple(members)


def _local_part(words: list[_Token]) -> str:
    """A dot-atom (`john.q.public`); anything else (quotes, stray dots) is refused."""
    words = [w for w in words if w.kind != "comment"]
    kinds = [w.kind for w in words]
    if not words or "quoted" in kinds or kinds[0] == "." or kinds[-1] == ".":
        raise _Unreadable
    if any(a == b for a, b in zip(kinds, kinds[1:], strict=False)):
        raise _Unreadable  # two atoms, or two dots, in a row
    return "".join(w.text for w in words)


def _joined(words: list[_Token]) -> str:
    """A phrase as written: its words with a space where the header had one."""
    text = ""
    for word in words:
        text += (" " if word.spaced and text else "") + word.text
    return text
