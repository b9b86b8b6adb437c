"""A reply's bytes, every header written here: a customer's text can add none.

Customer text reaches the headers only through the subject. It is made one
line first (every control character, line and paragraph separator becomes a
space), then written as it is when it is plain ASCII with nothing a reader
would decode (`=?`), else as RFC 2047 encoded words (UTF-8, base64), which
hold no line break whatever the text. Python's email package is not used for
the headers: it decodes encoded words a subject merely contains
(`=??Q?=0D`) and writes the line break they stand for. The body is the
agent's text, line endings made alike, as quoted-printable UTF-8 (lines of at
most 76 characters, whatever was typed).
"""

from __future__ import annotations

import base64
import quopri
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]+")
BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
MAX_SUBJECT = 900
ENCODED_CHUNK = 45  # bytes of UTF-8 per encoded word: 60 characters of base64
FOLD_AT = 76
LINE_END = re.compile(rb"\r\n|\r|\n")


def one_line(text: str) -> str:
    """Text as one header line: controls and line breaks as spaces, spaces squeezed."""
    return " ".join(BREAKS.sub(" ", text).split())[:MAX_SUBJECT]


def body_text(text: str) -> str:
    """The agent's text with its line endings made \\n and no control codes but the tab."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return BODY_CONTROLS.sub("", text).rstrip("\n") + "\n"


def new_message_id(sender: str) -> str:
    """A Message-ID of our own domain (the From address's), random, never reused."""
    domain = sender.rsplit("@", 1)[1]
    return f"{secrets.token_hex(16)}@{domain}"


@dataclass(frozen=True)
class Envelope:
    message_id: str
    sender: str
    recipient: str
    subject: str
    in_reply_to: str
    references: tuple[str, ...]
    body: str
    written_at: datetime


def compose(reply: Envelope) -> bytes:
    """The message as sent: the same bytes at every try."""
    headers = [
        ("From", reply.sender),
        ("To", reply.recipient),
        ("Subject", subject_header(reply.subject)),
        ("Date", format_datetime(reply.written_at)),
        ("Message-ID", f"<{reply.message_id}>"),
    ]
    if reply.in_reply_to:
        headers.append(("In-Reply-To", f"<{reply.in_reply_to}>"))
    if reply.references:
        headers.append(("References", "\r\n ".join(f"<{ref}>" for ref in reply.references)))
    headers += [
        ("User-Agent", "hushdesk"),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ]
    head = "".join(f"{name}: {value}\r\n" for name, value in headers).encode("ascii")
    body = quopri.encodestring(body_text(reply.body).encode("utf-8"))
    return head + b"\r\n" + LINE_END.sub(b"\r\n", body)


def subject_header(subject: str) -> str:
    """The subject as header text: ASCII as it is, else encoded words; folded, never broken."""
    text = one_line(subject)
    if text.isascii() and "=?" not in text:
        return _folded(text)
    words, chunk = [], ""
    for char in text:
        if len((chunk + char).encode("utf-8")) > ENCODED_CHUNK:
            words.append(chunk)
            chunk = ""
        chunk += char
    words.append(chunk)
    encoded = (base64.b64encode(w.encode("utf-8")).decode("ascii") for w in words if w)
    return "\r\n ".join(f"=?utf-8?b?{e}?=" for e in encoded)


def _folded(text: str) -> str:
    """Plain text folded at spaces into lines of at most about 78 characters."""
    lines, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > FOLD_AT:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\r\n ".join(lines)
