"""A message as it arrives, before it is read: its place, its bytes and what else is known.

The mail import takes any source of these (an mbox file, a Maildir folder, and
later an IMAP server), so nothing past the edge that opens the source knows
where the bytes came from. A source may hand over the bytes at once
(`MailItem`) or a promise of them that a worker process keeps (`load()`), so a
large Maildir is read in parallel without its bytes crossing a pipe twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

LINE_END_RE = re.compile(rb"\r\n?")
QUOTED_FROM_RE = re.compile(rb"(?m)^>+From ")


@dataclass(frozen=True)
class MailItem:
    """One message's bytes, labelled the way a person finds it again ("message 7")."""

    label: str  # "message 7" in an mbox, "cur/<file name>" in a Maildir
    data: bytes
    fallback_date: datetime | None = None  # the mbox From line's date, or the file's time
    problem: str = ""  # why this cannot be a message (then data is empty)
    dated_by: str = ""  # where fallback_date comes from: "from line" or "file"

    def load(self) -> MailItem:
        return self


class RawMail(Protocol):
    """What the mail import takes: a label, and the bytes when asked for them."""

    @property
    def label(self) -> str: ...

    def load(self) -> MailItem: ...


def normalised(data: bytes) -> bytes:
    """The bytes two copies of one message share, whichever mailbox they were kept in.

    An mbox and a Maildir keep the same mail with different line endings, a
    different number of newlines at the end and (in an mbox) `>From ` quoting;
    a message's digest is taken over these bytes, so it is found again in either.
    """
    text = LINE_END_RE.sub(b"\n", data)
    text = QUOTED_FROM_RE.sub(b"From ", text)
    return text.rstrip(b"\n") + b"\n"
