"""A reply's bytes: headers hushdesk writes, the agent's text as the body and nothing else.

Customer text reaches the headers only through the subject, made one line
first (every control character, line and paragraph separator becomes a
space); the email package then folds and encodes it, and refuses a header
with a line break, so no text can add a header. The body is the agent's text,
line endings made alike, encoded as its content needs.
"""

from __future__ import annotations

import email.policy
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime

BREAKS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u0085]+")
BODY_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
POLICY = email.policy.SMTP.clone(max_line_length=78)
MAX_SUBJECT = 900


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
    message = EmailMessage(policy=POLICY)
    message["From"] = reply.sender
    message["To"] = reply.recipient
    message["Subject"] = one_line(reply.subject)
    message["Date"] = format_datetime(reply.written_at)
    message["Message-ID"] = f"<{reply.message_id}>"
    if reply.in_reply_to:
        message["In-Reply-To"] = f"<{reply.in_reply_to}>"
    if reply.references:
        message["References"] = " ".join(f"<{ref}>" for ref in reply.references)
    message["User-Agent"] = "hushdesk"
    message.set_content(body_text(reply.body), charset="utf-8")
    return message.as_bytes(policy=POLICY)
