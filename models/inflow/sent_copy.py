"""A copy of each sent reply in the Sent folder of an intake mailbox (IMAP APPEND), and
the mail side asked about a reply a kill left "may have been sent".

The copy is appended after the SMTP server accepted the reply and before that is
recorded, only when the folder holds no message with the reply's Message-ID yet: a
kill before the record leaves the reply "may have been sent" and never sent again by
itself, and a retry of it finds its copy there and appends none. A reply is settled as
sent when the Sent folder or the intake's mailbox holds its Message-ID.
"""

from __future__ import annotations

import logging
import ssl
from dataclasses import dataclass

from ..outbound import outbox, sending
from ..settings import _get, _put  # the settings table's one reader and writer
from ..store import outcome
from ..store.errors import InvalidInput
from ..store.guard import guarded
from . import where as places
from .box import FetchFailed
from .imap_box import ImapBox
from .sources import Source, check_name, get_source

logger = logging.getLogger("hushdesk")
SENT_COPY = "sent-copy"
SENT = "Sent"


@guarded
def set_sent_copy(name: str | None) -> str:
    """Name the IMAP source whose Sent folder keeps a copy of each reply (None: no copy)."""
    if name is not None:
        source = get_source(check_name(name))
        if source.where.kind not in (places.IMAP, places.IMAPS):
            raise InvalidInput(f"{name} is not an IMAP source: it has no Sent folder")
    with outcome.transaction():
        _put(SENT_COPY, name)
    return name or ""


@guarded
def sent_copy() -> str:
    """The source whose Sent folder keeps the copies, "" when none."""
    return _get(SENT_COPY) or ""


def _source() -> Source | None:
    name = sent_copy()
    return get_source(name) if name else None


def append_copy(message: bytes, message_id: str) -> str:
    """The message into the Sent folder, once; "" or what went wrong, in one line."""
    try:
        source = _source()
        if source is None:
            return ""
        box = ImapBox(source)
    except (FetchFailed, InvalidInput) as error:
        return str(error)
    try:
        if not (box.folders([SENT]) and box.holds(SENT, message_id)):
            box.append(SENT, message)
        return ""
    except FetchFailed as error:
        return str(error)
    finally:
        box.close()


def send_due(context: ssl.SSLContext | None = None) -> sending.SendReport:
    """Send what is due, each accepted reply copied to the Sent folder when one is named."""
    return sending.send_due(context, append_copy if sent_copy() else None)


@dataclass
class Settled:
    sent: list[int]  # outbox rows found on the mail side, now sent replies
    unknown: list[int]  # found nowhere: still "may have been sent"
    said: str = ""  # why the mail side could not be asked


def settle_uncertain() -> Settled:
    """Look each reply that may have been sent up in the Sent folder and the intake's
    mailbox by its Message-ID: found is sent (stored as such), else it stays failed."""
    rows = outbox.uncertain_replies()
    settled = Settled([], [])
    if not rows:
        return settled
    try:
        source = _source()
        if source is None:
            settled.said = "no source keeps the Sent copies (hushdesk settings sent-copy NAME)"
            settled.unknown = [r for r, _ in rows]
            return settled
        box = ImapBox(source)
    except (FetchFailed, InvalidInput) as error:
        settled.said = str(error)
        settled.unknown = [r for r, _ in rows]
        return settled
    try:
        folders = box.folders([SENT, source.where.mailbox])
        for reply, message_id in rows:
            if any(box.holds(f, message_id) for f in folders) and outbox.found_sent(reply):
                settled.sent.append(reply)
            else:
                settled.unknown.append(reply)
    except FetchFailed as error:
        settled.said = str(error)
    finally:
        box.close()
    return settled
