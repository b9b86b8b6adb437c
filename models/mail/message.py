"""Reading one e-mail message the way real mailboxes write them, and trusting none of it.

Real mail breaks the rules (unquoted commas and brackets in display names,
8-bit headers, unknown charsets, dates in the year 9999, attachments nested
thousands deep), and hostile mail is written to exploit a reader. So:

- The sender is who the From: header says, or nobody: the header is read as
  RFC 5322 defines it (`addresses`), before any encoded word is decoded, so a
  display name, a comment or a quoted string never supplies an address. A
  header naming more than one mailbox (a list, a group), one the grammar does
  not allow, or a second From: header, leaves the sender unclear: no address
  is chosen. To: and Cc: give every mailbox they name, groups' included.
- Header text is decoded as mail clients decode it (`mail_headers`); body
  text with the declared charset when it is a real text encoding, else as
  UTF-8 with replacement characters; decoding never fails.
- A date outside 1970 to a day after now is no date at all. A message without
  a usable Date: is dated by its newest Received: line.
- Bodies are found by an iterative walk with a limit, never inside an attached
  message; attachments are listed by name and size.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import Message
from email.utils import parsedate_to_datetime

from ..store import clock
from . import addresses
from .fast import FastMessage, read_simple
from .headers import DECODING_ERRORS, decode, first, printable, undeclared, unfolded, values
from .headers import text as header_text

MAX_PARTS = 1_000
MAX_NAME = 200
MAX_RECEIVED = 50  # Received: lines looked at for a date
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
ADDRESS_RE = re.compile(r"^[^@\s<>()\[\],;:\"]+@[A-Za-z0-9.\-\[\]:]+$")
SURROGATE_RE = re.compile("[\ud800-\udfff]")
MESSAGE_ID_RE = re.compile(r"<([^<>\s]{1,500})>")
MAX_REFERENCES = 100  # a References: header longer than this keeps its newest ids
PREFIX_RE = re.compile(r"^\s*(?:(?:re|fwd?|aw|wg|sv|antw|vs|tr|r)\s*(?:\[\d+\])?\s*:\s*)+", re.I)
TAG_PREFIX_RE = re.compile(r"^\s*\[[^\[\]]{1,40}\]\s*")
NO_SENDER = "it has no sender address in From:"


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


@dataclass(frozen=True)
class Sender:
    name: str  # as a person reads it
    address: str  # lower case; "" when unclear
    unclear: bool = False  # the header names several mailboxes, or none the grammar allows


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


def raw_header(message: Mail, name: str) -> str:
    """A header as it was written (encoded words still encoded), unfolded to one line."""
    found = values(message, name)
    return undeclared(unfolded(found[0])) if found else ""


def header(message: Mail, name: str) -> str:
    """A header as a person reads it: unfolded, encoded words decoded, control codes removed."""
    found = values(message, name)
    return header_text(found[0]) if found else ""


def decode_words(raw: str) -> str:
    """Encoded words (=?utf-8?q?...?=) in text decoded, as one printable line."""
    return header_text(raw.encode("utf-8", "surrogateescape"))


def sender(message: Mail) -> Sender:
    """Who the From: header says sent the message; unclear when it names no one mailbox.

    Raises NotAMessage when From: holds no address at all.
    """
    found = values(message, "From")
    raw = [undeclared(value) for value in found]
    shown = printable(" ".join(decode_words(r) for r in raw))[:MAX_NAME]
    if not any("@" in r for r in raw):
        raise NotAMessage(NO_SENDER)
    elements = addresses.parse(raw[0]) if len(raw) == 1 else None
    if elements is None or any(isinstance(e, addresses.Group) for e in elements):
        return Sender(shown, "", unclear=True)
    boxes = addresses.mailboxes(elements)
    if len(boxes) != 1 or not _storable(boxes[0].address):
        return Sender(shown, "", unclear=True)
    words = elements[: elements.index(boxes[0])]
    before = [e.text for e in words if isinstance(e, addresses.Words) and e.text]
    name = ", ".join([*before, boxes[0].name]) if before and boxes[0].name else boxes[0].name
    return Sender(_display_name(name), boxes[0].address)


def _storable(address: str) -> bool:
    return bool(ADDRESS_RE.match(address)) and address.isascii() and len(address) <= MAX_NAME


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
    """Every address in To: and Cc: (groups' members too), lower case, each once.

    A header the grammar does not allow gives none: no address is guessed.
    """
    found: list[str] = []
    for name in ("To", "Cc"):
        for value in values(message, name):
            elements = addresses.parse(undeclared(value))
            if elements is not None:
                found += [box.address for box in addresses.mailboxes(elements)]
    return [a for a in dict.fromkeys(found) if _storable(a)]


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


def received_at(message: Mail) -> datetime | None:
    """The newest sane date of the Received: lines (each ends `; <date>`), or None."""
    dates = []
    for value in values(message, "Received")[:MAX_RECEIVED]:
        line = undeclared(unfolded(value))
        if ";" in line:
            dates.append(sane_date(_parse_date(line.rsplit(";", 1)[1].strip())))
    return max((d for d in dates if d is not None), default=None)


def _parse_date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
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
    name = _filename(part)
    name = decode_words(str(name))[:MAX_NAME] or f"({part.get_content_type()})"
    payload = part.get_payload(decode=True)
    if isinstance(payload, bytes):
        size = len(payload)
    else:  # an attached message: its text as written
        size = len(str(part.get_payload()).encode("utf-8", "replace"))
    return Attachment(name, size)


def _filename(part: Message) -> str:
    """The attachment's file name (RFC 2231 and RFC 2047 decoded, 8-bit bytes kept)."""
    try:
        name = part.get_filename() or ""
        if "\ufffd" not in name:
            return name
        repaired = Message()  # the email package has replaced 8-bit bytes: read them again
        for field in ("Content-Disposition", "Content-Type"):
            raw = first(part, field)
            if raw:
                repaired[field] = undeclared(unfolded(raw))
        return repaired.get_filename() or name
    except DECODING_ERRORS:
        return ""


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
