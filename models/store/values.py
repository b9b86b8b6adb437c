"""Stored values and the inbox's row, with nothing but the standard library.

Shared by the Peewee models (`schema`, `search`) and by `glance`, which reads
the first screen's rows before Peewee has loaded. Times are stored as
fixed-width UTC text, so that text comparison orders them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import NamedTuple

TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
SQLITE_HEADER = b"SQLite format 3\x00"  # the first 16 bytes of every SQLite database file
MAX_SUBJECT = 1_000  # characters a subject may hold
MAX_BODY = 1_000_000  # characters a message may hold
CUSTOMER = "customer"  # the author of a message the conversation's own contact wrote
WRITER = "contact"  # the author of a message another contact wrote: shown by its contact
OPEN = "open"
ARCHIVED = "archived"
SOMEONE = "Someone"


def shown_name(name: str | None, email: str | None, phone: str | None) -> str:
    """How a contact is shown: the name, else the email, else the phone, else "Someone"."""
    return name or email or phone or SOMEONE


def stored_time(value: str) -> datetime:
    """A stored time, read back aware (strptime is 10x slower)."""
    return datetime.fromisoformat(value[:19]).replace(tzinfo=UTC)


def stored_text(value: datetime) -> str:
    """A time as it is stored and compared: UTC as fixed-width text (naive means UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(TIME_FORMAT)


class ConversationRow(NamedTuple):
    id: int
    contact_id: int | None
    contact: str
    email: str
    phone: str
    channel: str
    kind: str
    social: bool
    status: str
    held: bool
    subject: str
    last_activity: datetime


ROW_COLUMNS = (  # what `conversation_row` reads, in its order (the search and glance alike)
    "conversation.id",
    "conversation.contact_id",
    "contact.name",
    "contact.email",
    "contact.phone",
    "channel.name",
    "channel.kind",
    "channel.social",
    "conversation.status",
    "conversation.held",
    "conversation.subject",
    "conversation.last_activity",
)
NEWEST_FIRST = "conversation.last_activity DESC, conversation.id DESC"  # the inbox's order
OLDEST_FIRST = "conversation.last_activity ASC, conversation.id ASC"
ROW_SELECT = (  # the rows, before their WHERE
    f"SELECT {', '.join(ROW_COLUMNS)} FROM conversation"
    " JOIN channel ON channel.id = conversation.channel_id"
    " LEFT JOIN contact ON contact.id = conversation.contact_id"
)


def conversation_row(
    cid: int,
    contact_id: int | None,
    name: str | None,
    email: str | None,
    phone: str | None,
    channel: str,
    kind: str,
    social: int,
    status: str,
    held: int,
    subject: str,
    last_activity: str | datetime,
) -> ConversationRow:
    """A list row from the stored values in ROW_COLUMNS' order (the contact's may be NULL)."""
    shown = shown_name(name, email, phone) if contact_id is not None else SOMEONE
    if isinstance(last_activity, str):
        last_activity = stored_time(last_activity)
    elif last_activity.tzinfo is None:
        last_activity = last_activity.replace(tzinfo=UTC)
    return ConversationRow(
        cid,
        contact_id,
        shown,
        email or "",
        phone or "",
        channel,
        kind,
        bool(social),
        status,
        bool(held),
        subject,
        last_activity,
    )
