"""A message's header fields as their bytes, and as text the way mail programs show them.

The email package hands a header with 8-bit bytes back as a replacement
character for each byte; here the raw bytes are kept (`Message.raw_items`),
so text can be decoded as mail clients decode it:

- bytes no charset was declared for are UTF-8 when they are valid UTF-8, else
  windows-1252 (what "Latin-1" means in mail practice);
- an encoded word (`=?iso-8859-1?q?caf=E9?=`) is decoded in its charset, and
  so are raw 8-bit bytes written inside one;
- whitespace between adjacent encoded words is dropped (RFC 2047).
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
from email.message import Message
from typing import Protocol

NOT_CHARSETS = frozenset({"idna", "punycode", "raw_unicode_escape", "unicode_escape"})
DECODING_ERRORS = (UnicodeError, LookupError, ValueError, TypeError, AssertionError)
FOLD_RE = re.compile(rb"\r?\n[ \t]*|\r[ \t]*")
WORD_RE = re.compile(rb"=\?([^?\s]{1,60})\?([qQbB])\?([^?\s]*)\?=")
BETWEEN_WORDS_RE = re.compile(rb"[ \t]+")


class Headers(Protocol):
    """What both message kinds (the email package's and fastmail's) offer."""

    def raw_values(self, name: str) -> list[bytes]: ...


def values(message: Message | Headers, name: str) -> list[bytes]:
    """Every value of the field `name` (any case), as its bytes, folded as written."""
    if not isinstance(message, Message):
        return message.raw_values(name)
    wanted = name.lower()
    found: list[bytes] = []
    for key, value in message.raw_items():
        if key.lower() == wanted and isinstance(value, str):
            found.append(value.encode("utf-8", "surrogateescape"))
    return found


def first(message: Message | Headers, name: str) -> bytes:
    found = values(message, name)
    return found[0] if found else b""


def unfolded(raw: bytes) -> bytes:
    return FOLD_RE.sub(b" ", raw).strip()


def undeclared(raw: bytes) -> str:
    """Bytes with no declared charset: UTF-8 when they are that, else windows-1252."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _cp1252_only(raw):
        return raw.decode("cp1252")
    return raw.decode("latin-1")  # the five bytes windows-1252 leaves undefined: as Latin-1


def _cp1252_only(raw: bytes) -> bool:
    """Whether every byte has a windows-1252 character (0x81, 0x8D, 0x8F, 0x90, 0x9D do not)."""
    return not any(b in raw for b in (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d"))


def decode(payload: bytes, charset: str | None) -> str:
    """Bytes as text in their declared charset, else UTF-8; bad bytes become '\ufffd'."""
    name = (charset or "").strip().lower()
    try:
        name = codecs.lookup(name).name if name else "utf-8"
    except LookupError:
        name = "utf-8"
    if name not in NOT_CHARSETS:
        try:  # bytes.decode refuses codecs that are not text encodings (base64, zlib, ...)
            return payload.decode(name, errors="strict")
        except UnicodeDecodeError:
            if name == "utf-8":
                return undeclared(payload)  # declared UTF-8, written in Latin-1
            return payload.decode(name, errors="replace")
        except DECODING_ERRORS:
            pass
    return payload.decode("utf-8", errors="replace")


def text(raw: bytes) -> str:
    """A header value as a person reads it: unfolded, encoded words decoded, one line."""
    line = unfolded(raw)
    pieces: list[str] = []
    at, after_word = 0, False
    for word in WORD_RE.finditer(line):
        between = line[at : word.start()]
        if not (after_word and BETWEEN_WORDS_RE.fullmatch(between)):
            pieces.append(undeclared(between))
        pieces.append(_decoded_word(word))
        at, after_word = word.end(), True
    pieces.append(undeclared(line[at:]))
    return printable("".join(pieces))


def _decoded_word(word: re.Match[bytes]) -> str:
    charset = word.group(1).split(b"*", 1)[0].decode("ascii", "replace")  # RFC 2231 language
    payload = word.group(3)
    if word.group(2) in b"bB":
        try:
            data = base64.b64decode(payload + b"=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            return undeclared(word.group(0))
    else:
        data = _q_decoded(payload)
    return decode(data, charset)


def _q_decoded(payload: bytes) -> bytes:
    data = payload.replace(b"_", b" ")
    return re.sub(rb"=([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), data)


def printable(value: str) -> str:
    """One line of plain text: control characters and lone surrogates become spaces."""
    if value.isprintable():  # surrogates are not printable: this is the common case, fast
        return " ".join(value.split())
    cleaned = "".join(ch if ch.isprintable() and not _surrogate(ch) else " " for ch in value)
    return " ".join(cleaned.split())


def _surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"
