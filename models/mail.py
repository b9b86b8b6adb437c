"""Reading one e-mail message the way real mailboxes write them, and trusting none of it.

Real mail breaks the rules (unquoted commas and brackets in display names,
8-bit headers, unknown charsets, dates in the year 9999, attachments nested
thousands deep), and hostile mail is written to exploit a reader. So:

- The sender's address comes from the raw `From:` header, before any encoded
  word is decoded: a display name such as `=?utf-8?q?x_<victim@example.com>?=`
  never supplies an address. An address in angle brackets wins.
- Text is decoded with the declared charset when it is a real text encoding,
  else as UTF-8 with replacement characters; decoding never fails.
- A date outside 1970 to a day after now is no date at all.
- Bodies are found by an iterative walk with a limit, never inside an attached
  message; attachments are listed by name and size.
"""

from __future__ import annotations

import codecs
import email
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.header import decode_header
from email.message import Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from .fastmail import FastMessage, read_simple
from .store import clock

MAX_PARTS = 1_000
MAX_NAME = 200
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
NOT_CHARSETS = frozenset({"idna", "punycode", "raw_unicode_escape", "unicode_escape"})
ANGLE_RE = re.compile(r"<\s*([^<>\s@]+@[^<>\s@]+)\s*>")
FOLD_RE = re.compile(r"\r?\n[ \t]*")
ADDRESS_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9.\-\[\]:]+$")
DECODING_ERRORS = (UnicodeError, LookupError, ValueError, TypeError, AssertionError)
SURROGATE_RE = re.compile("[\ud800-\udfff]")
MESSAGE_ID_RE = re.compile(r"<([^<>\s]{1,500})>")
MAX_REFERENCES = 100  # a References: header longer than this keeps its newest ids
PREFIX_RE = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|antw|vs|tr|r)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
TAG_PREFIX_RE = re.compile(r"^\s*\[[^\[\]]{1,40}\]\s*")


class NotAMessage(ValueError):
    """What was read cannot be a message (no sender, nested too deep); it is skipped."""


@dataclass(frozen=True)
class Attachment:
    name: str
    size: int


@dataclass(frozen=True)
class MailBody:
    text: str
    attachments: list[Attachment]


Mail = Message | FastMessage


def parse(data: bytes) -> Mail:
    """A message from its bytes; raises NotAMessage for one nested too deeply to read."""
    simple = read_simple(data)
    if simple is not None:
        return simple
    try:
        return email.message_from_bytes(data)
    except RecursionError:
        raise NotAMessage("its MIME parts are nested too deeply") from None


def decode(payload: bytes, charset: str | None) -> str:
    """Bytes as text in their declared charset, else UTF-8; bad bytes become '\ufffd'."""
    name = (charset or "").strip().lower()
    try:
        name = codecs.lookup(name).name if name else "utf-8"
    except LookupError:
        name = "utf-8"
    if name not in NOT_CHARSETS:
        try:  # bytes.decode refuses codecs that are not text encodings (base64, zlib, ...)
            return payload.decode(name, errors="replace")
        except DECODING_ERRORS:
            pass
    return payload.decode("utf-8", errors="replace")


def raw_header(message: Mail, name: str) -> str:
    """A header as it was written (encoded words still encoded), unfolded to one line."""
    try:
        value = message.get(name)
    except DECODING_ERRORS:
        return ""
    if value is None:
        return ""
    return FOLD_RE.sub(" ", str(value)).strip()


def header(message: Mail, name: str) -> str:
    """A header as a person reads it: unfolded, encoded words decoded, control codes removed."""
    return decode_words(raw_header(message, name))


def decode_words(raw: str) -> str:
    """Encoded words (=?utf-8?q?...?=) decoded, as one printable line."""
    try:
        chunks = decode_header(raw)
    except DECODING_ERRORS:
        return printable(raw)
    text = "".join(
        chunk if isinstance(chunk, str) else decode(chunk, charset) for chunk, charset in chunks
    )
    return printable(text)


def printable(text: str) -> str:
    """One line of plain text: control characters and lone surrogates become spaces."""
    if text.isprintable():  # surrogates are not printable: this is the common case, fast
        return " ".join(text.split())
    cleaned = "".join(ch if ch.isprintable() and not _surrogate(ch) else " " for ch in text)
    return " ".join(cleaned.split())


def _surrogate(ch: str) -> bool:
    return "\ud800" <= ch <= "\udfff"


def sender(message: Mail) -> tuple[str, str]:
    """The sender's display name and address; the address only ever from the raw header."""
    raw = raw_header(message, "From")
    found = ANGLE_RE.findall(raw)
    if found:
        address = found[-1]
        name_part = raw[: raw.rfind("<")]
    else:
        name_part, address = parseaddr(raw)
    address = address.strip().lower()
    if not ADDRESS_RE.match(address) or not address.isascii() or len(address) > MAX_NAME:
        raise NotAMessage("it has no sender address in From:")
    return _display_name(name_part), address


def _display_name(raw: str) -> str:
    return decode_words(raw).strip().strip('"').strip()[:MAX_NAME]


def message_id(message: Mail) -> str:
    """The Message-ID without its angle brackets ("" when there is none)."""
    raw = raw_header(message, "Message-ID")
    found = MESSAGE_ID_RE.search(raw)
    if found:
        return found.group(1)
    return raw if raw and " " not in raw and len(raw) <= 500 else ""


def references(message: Mail) -> list[str]:
    """The ids this message answers: References (oldest first), then In-Reply-To."""
    refs = MESSAGE_ID_RE.findall(raw_header(message, "References"))[-MAX_REFERENCES:]
    parent = MESSAGE_ID_RE.findall(raw_header(message, "In-Reply-To"))
    return list(dict.fromkeys([*refs, *parent[:1]]))


def recipients(message: Mail) -> list[str]:
    """The addresses in To: and Cc:, lower case, as far as they can be read."""
    found: list[str] = []
    for name in ("To", "Cc"):
        raw = raw_header(message, name)
        angled = ANGLE_RE.findall(raw)
        plain = [a for _, a in getaddresses([raw])] if not angled else []
        found += [a.strip().lower() for a in [*angled, *plain]]
    return [a for a in dict.fromkeys(found) if ADDRESS_RE.match(a) and a.isascii()]


def thread_subject(subject: str) -> str:
    """A subject as threads compare it: no Re:/Fwd:/AW:/SV: and no list tags, one case."""
    text, before = " ".join(subject.split()), None
    while text != before:
        before = text
        text = PREFIX_RE.sub("", TAG_PREFIX_RE.sub("", text))
    return text.strip().casefold()


def is_reply(subject: str) -> bool:
    return bool(PREFIX_RE.match(TAG_PREFIX_RE.sub("", subject)))


def sent_at(message: Mail) -> datetime | None:
    """The Date: header in UTC, or None when missing, unreadable or not a sane date."""
    return sane_date(_parse_date(raw_header(message, "Date")))


def _parse_date(text: str) -> datetime | None:
    if not text:
        return None
    try:
        when = parsedate_to_datetime(text)
        return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def sane_date(when: datetime | None) -> datetime | None:
    """`when` if it lies between 1970 and a day after now (UTC), else None."""
    if when is None:
        return None
    try:
        when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    except OverflowError:
        return None
    latest = clock.now() + timedelta(days=1)
    return when.replace(microsecond=0) if EARLIEST <= when <= latest else None


def body(message: Mail) -> MailBody:
    """The readable text of a message and its attachments, walking at most MAX_PARTS parts."""
    if isinstance(message, FastMessage):
        text = decode(message.payload, message.charset)
        text = text if message.kind == "text/plain" else html_to_text(text)
        return MailBody(normalise(text), [])
    plain: str | None = None
    html: str | None = None
    attachments: list[Attachment] = []
    for part in _parts(message):
        kind = part.get_content_type()
        if _is_attachment(part, kind):
            attachments.append(_attachment(part))
        elif kind == "text/plain" and plain is None:
            plain = _text(part)
        elif kind == "text/html" and html is None:
            html = _text(part)
    text = plain if plain is not None else html_to_text(html or "")
    return MailBody(normalise(text), attachments)


def _parts(message: Message) -> list[Message]:
    """Every leaf part, depth first, never inside an attached message (message/rfc822)."""
    leaves: list[Message] = []
    stack = [message]
    seen = 0
    while stack and seen < MAX_PARTS:
        part = stack.pop()
        seen += 1
        payload = part.get_payload() if part.is_multipart() else None
        if isinstance(payload, list) and part.get_content_maintype() == "multipart":
            stack.extend(reversed([p for p in payload if isinstance(p, Message)]))
        else:
            leaves.append(part)
    return leaves


def _is_attachment(part: Message, kind: str) -> bool:
    disposition = str(part.get("Content-Disposition", "")).split(";")[0].strip().lower()
    if disposition == "attachment" or kind == "message/rfc822":
        return True
    return not kind.startswith("text/")


def _attachment(part: Message) -> Attachment:
    try:
        name = part.get_filename() or ""
    except DECODING_ERRORS:
        name = ""
    name = printable(str(name))[:MAX_NAME] or f"({part.get_content_type()})"
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        size = len(payload)
    else:  # an attached message: its text as written
        size = len(str(part.get_payload()).encode("utf-8", "replace"))
    return Attachment(name, size)


def _text(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    try:
        charset = part.get_content_charset()
    except DECODING_ERRORS:
        charset = None
    return decode(payload, charset)


def normalise(text: str) -> str:
    """Line endings made \\n, lone surrogates and NULs removed, trailing blank lines trimmed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = SURROGATE_RE.sub(" ", text)
    return text.rstrip() + ("\n" if text.strip() else "")


TAG_RE = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
LINK_RE = re.compile(
    r"""<a\b[^>]*?href\s*=\s*["']?([^"'\s>]+)["']?[^>]*>(.*?)</a\s*>""", re.S | re.I
)
BREAK_RE = re.compile(r"<\s*(br|/p|/div|/li|/tr|/h[1-6])\b[^>]*>", re.I)
ANY_TAG_RE = re.compile(r"<[^>]*>")


def html_to_text(html: str) -> str:
    """A readable rendering of HTML: tags removed, links kept as "text (address)"."""
    import html as entities

    text = TAG_RE.sub("", html)
    text = LINK_RE.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    text = BREAK_RE.sub("\n", text)
    text = entities.unescape(ANY_TAG_RE.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)
