"""hushdesk's tables as Peewee models.

The schema itself is created and changed by the numbered files in
`store/migrations/` (PostgreSQL's: `store/engines/postgres_migrations/`);
these classes must describe the result of applying all of them (the request
records' tables are described beside their operations, in
`privacy/tracking/tables.py`). Times are
stored as fixed-width UTC text so that SQLite's text comparison orders them
correctly.
"""

from __future__ import annotations

from datetime import UTC, datetime

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    CompositeKey,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)

from .engine import db
from .values import OPEN, TIME_FORMAT, stored_text, stored_time


def stamp(when: datetime) -> str:
    """A UTC time as stored, for rows written in bulk (demo, imports)."""
    return when.strftime(TIME_FORMAT)


# the columns rows written in bulk (demo, imports) give, in their order
CONTACT_COLUMNS = ("id", "name", "email", "phone", "phone_digits", "phone_e164", "created_at")
ATTRIBUTE_COLUMNS = ("contact_id", "key", "value", "source", "set_at")
CONVERSATION_COLUMNS = (
    "id",
    "channel_id",
    "contact_id",
    "subject",
    "status",
    "archived_at",
    "created_at",
    "last_activity",
    "held",
)
MESSAGE_COLUMNS = ("conversation_id", "author", "body", "sent_at")
WRITTEN_COLUMNS = (*MESSAGE_COLUMNS, "contact_id")  # a message with the contact who wrote it


SOCIAL_KINDS = frozenset({"facebook", "instagram", "twitter", "whatsapp", "telegram", "linkedin"})
KNOWN_KINDS = frozenset({"email", "chat", "sms", "phone"}) | SOCIAL_KINDS


class UTCDateTimeField(DateTimeField):
    """Stores aware datetimes as 'YYYY-MM-DD HH:MM:SS' in UTC; reads them back aware."""

    def db_value(self, value: datetime | None) -> str | None:
        return None if value is None else stored_text(value)

    def python_value(self, value: str | datetime | None) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return stored_time(value)


class BaseModel(Model):
    class Meta:
        database = db
        legacy_table_names = False


class Channel(BaseModel):
    id = AutoField()
    name = CharField(unique=True)
    kind = CharField()
    social = BooleanField(default=False)


class Contact(BaseModel):
    id = AutoField()
    name = TextField(default="", index=True)
    email = TextField(default="", index=True)
    phone = TextField(default="")
    phone_digits = TextField(default="", index=True)
    phone_e164 = TextField(default="", index=True)  # "" when it cannot be placed (`phones`)
    created_at = UTCDateTimeField()


class Attribute(BaseModel):
    id = AutoField()
    contact = ForeignKeyField(Contact, backref="attributes", on_delete="CASCADE")
    key = TextField()
    value = TextField()
    source = CharField()
    set_at = UTCDateTimeField()

    class Meta:
        indexes = ((("contact", "key"), True),)


class Conversation(BaseModel):
    id = AutoField()
    channel = ForeignKeyField(Channel, backref="conversations", on_delete="RESTRICT")
    contact = ForeignKeyField(  # indexed with status, last_activity, id (migration 0006)
        Contact, null=True, backref="conversations", on_delete="SET NULL", index=False
    )
    subject = TextField(default="")
    status = CharField(default=OPEN)
    archived_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField()
    last_activity = UTCDateTimeField()
    held = BooleanField(default=False)


class Message(BaseModel):
    id = AutoField()
    conversation = ForeignKeyField(Conversation, backref="messages", on_delete="CASCADE")
    author = TextField()
    body = TextField(default="")
    sent_at = UTCDateTimeField()
    # who wrote it, when that is not the conversation's own contact (a second customer)
    contact = ForeignKeyField(
        Contact, null=True, backref="written", on_delete="SET NULL", index=False
    )
    automatic = TextField(default="")  # no person wrote it (`mail.automatic`): why


class MailKey(BaseModel):
    """A hash of an imported message's id (or bytes), or of a thread's subject and customer."""

    key = TextField(primary_key=True)
    conversation = ForeignKeyField(Conversation, on_delete="CASCADE")


class RequestDone(BaseModel):
    """A logged change's request id, written in its transaction: did it commit?"""

    id = TextField(primary_key=True)
    at = UTCDateTimeField()


class Setting(BaseModel):
    key = TextField(primary_key=True)
    value = TextField()


class Assistant(BaseModel):
    channel = ForeignKeyField(Channel, primary_key=True, on_delete="CASCADE")
    enabled = BooleanField(default=False)
    days = IntegerField(default=30)
    last_run_at = UTCDateTimeField(null=True)
    last_run_count = IntegerField(default=0)


class DeletionLog(BaseModel):
    """What was deleted, by whom and why: never a name, email, phone, value, subject or body."""

    id = AutoField()
    at = UTCDateTimeField()
    actor = TextField()
    action = CharField()
    count = IntegerField()
    reason = TextField(default="")
    prev_hash = TextField(default="")
    hash = TextField(default="")


class MailReference(BaseModel):
    """A Message-ID of an Email conversation's message: what a reply threads by."""

    id = AutoField()
    conversation = ForeignKeyField(Conversation, on_delete="CASCADE", index=False)
    message_id = TextField()
    sent_at = UTCDateTimeField()
    automatic = BooleanField(default=False)  # Auto-Submitted, bulk or a bounce
    ours = BooleanField(default=False)


class ReplyDraft(BaseModel):
    """An agent's unsent reply to a conversation, kept when the editor is left."""

    conversation = ForeignKeyField(Conversation, on_delete="CASCADE", index=False)
    agent = TextField()
    body = TextField()
    saved_at = UTCDateTimeField()

    class Meta:
        primary_key = CompositeKey("conversation", "agent")


class Outbox(BaseModel):
    """A reply from its sending until the server accepts it; its Message-ID fixed at once."""

    id = AutoField()
    conversation = ForeignKeyField(Conversation, on_delete="CASCADE", index=False)
    conversation_id: int  # the key itself, as Peewee names it
    agent = TextField()
    message_id = TextField(unique=True)
    sender = TextField()
    recipient = TextField()
    subject = TextField()
    in_reply_to = TextField(default="")
    refs = TextField(default="")  # References: the ids, space-separated
    body = TextField()
    written_at = UTCDateTimeField()  # its Date:
    state = TextField()  # see models/outbound/outbox.py
    claim = TextField(default="")
    attempts = IntegerField(default=0)
    since = UTCDateTimeField()  # tries are counted from here (written, or retried)
    next_try_at = UTCDateTimeField()
    claimed_at = UTCDateTimeField(null=True)
    reason = TextField(default="")


REPLY_TABLES = (MailReference, ReplyDraft, Outbox)  # deleted with their conversation
