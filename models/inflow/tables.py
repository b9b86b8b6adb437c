"""The tables of live intake (migration 0011; PostgreSQL's 0006), as Peewee models.

Kept beside the intake rather than in `store/schema.py`: nothing below the
intake reads them, except the tombstones (`MailGone`), which deleting a
conversation writes through `mail.gone`.
"""

from __future__ import annotations

from peewee import (
    AutoField,
    BooleanField,
    CompositeKey,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from ..store.schema import BaseModel, Conversation, UTCDateTimeField


class IntakeSource(BaseModel):
    """A mailbox hushdesk fetches from; `password_file` is a path, never the secret."""

    id = AutoField()
    name = TextField(unique=True)
    url = TextField()
    password_file = TextField(default="")
    ca_file = TextField(default="")
    after = TextField(default="move")  # keep, seen, move or delete
    folder = TextField(default="")  # where "move" puts a fetched message
    created_at = UTCDateTimeField()
    last_fetch = UTCDateTimeField(null=True)
    next_fetch = UTCDateTimeField(null=True)
    last_error = TextField(default="")
    failures = IntegerField(default=0)  # fetches failed in a row (the backoff)
    taken = IntegerField(default=0)  # messages taken, in all


class IntakeTaken(BaseModel):
    """One message taken: (UIDVALIDITY, UID) of a mailbox, or ("maildir", its unique name)."""

    source = ForeignKeyField(IntakeSource, on_delete="CASCADE")
    box = TextField()
    item = TextField()
    conversation = ForeignKeyField(Conversation, null=True, on_delete="SET NULL")
    place = TextField(default="")  # the server's copy: "" where taken, MOVED..., or GONE
    purge = BooleanField(default=False)  # its conversation was deleted: delete the copy

    class Meta:
        primary_key = CompositeKey("source", "box", "item")
