"""The request records as Peewee models (migration 0012, PostgreSQL's 0007, make them).

`privacy_request` is one access or erasure request: its reference, kind,
state, the day it was received and the day it is due, the months it was
extended by, and its identifiers as a JSON list: as given while it is open,
keyed hashes once it has ended (`sealing`). `privacy_request_step` is its
trail: what happened, when, by whom, with a note that never holds personal data
(reasons are checked against the person; receipts are named by reference).
"""

from __future__ import annotations

from peewee import AutoField, BooleanField, ForeignKeyField, IntegerField, TextField

from ...store.schema import BaseModel, Conversation, UTCDateTimeField


class PrivacyRequest(BaseModel):
    id = AutoField()
    reference = TextField(unique=True)
    kind = TextField()  # "access" or "erasure"
    state = TextField()  # see records.STATES
    received_on = TextField()  # YYYY-MM-DD (UTC)
    due_on = TextField()  # YYYY-MM-DD (UTC): text order is date order
    extended_months = IntegerField(default=0)
    identifiers = TextField()  # JSON list: as given, or keyed hashes once sealed
    sealed = BooleanField(default=False)
    salt = TextField()  # the key of this request's hashes (random, its own)
    conversation = ForeignKeyField(Conversation, null=True, on_delete="SET NULL")
    opened_at = UTCDateTimeField()
    closed_at = UTCDateTimeField(null=True)


class RequestStep(BaseModel):
    id = AutoField()
    request = ForeignKeyField(PrivacyRequest, backref="steps", on_delete="CASCADE")
    at = UTCDateTimeField()
    what = TextField()  # received, identity, extended, exported, erased, proof, done, refused
    note = TextField(default="")
    actor = TextField(default="")

    class Meta:
        table_name = "privacy_request_step"
