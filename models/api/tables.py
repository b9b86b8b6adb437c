"""The API's tables as Peewee models (made by migration 0009; PostgreSQL's 0004)."""

from __future__ import annotations

from peewee import AutoField, ForeignKeyField, IntegerField, TextField

from ..store.schema import BaseModel, Contact, UTCDateTimeField


class ApiToken(BaseModel):
    """A token's name and scopes, and a SHA-256 of its secret: the secret is never stored."""

    id = AutoField()
    name = TextField(unique=True)
    lookup = TextField(unique=True)  # the token's public prefix, to find its row
    hash = TextField()
    scopes = TextField()  # space-separated
    created_at = UTCDateTimeField()
    last_used_at = UTCDateTimeField(null=True)
    revoked_at = UTCDateTimeField(null=True)


class ApiIdempotency(BaseModel):
    """The first answer to a request sent with an Idempotency-Key, kept for 24 hours."""

    id = AutoField()
    token = ForeignKeyField(ApiToken, on_delete="CASCADE", index=False)
    key_hash = TextField()
    fingerprint = TextField()
    status = IntegerField()  # 0 while the first request is still running
    body = TextField(null=True)  # None: the answer is not kept (it holds personal data)
    contact = ForeignKeyField(Contact, null=True, on_delete="CASCADE", index=False)
    created_at = UTCDateTimeField()


class Webhook(BaseModel):
    id = AutoField()
    url = TextField()
    events = TextField()  # space-separated
    secret = TextField()
    created_at = UTCDateTimeField()


class WebhookEvent(BaseModel):
    """The outbox: one row per event, written in the transaction that caused it."""

    id = TextField(primary_key=True)
    kind = TextField()
    payload = TextField()  # JSON: ids, counts, a request's reference; never personal data
    created_at = UTCDateTimeField()


class WebhookDelivery(BaseModel):
    id = AutoField()
    event = ForeignKeyField(WebhookEvent, on_delete="CASCADE", index=False)
    webhook = ForeignKeyField(Webhook, on_delete="CASCADE", index=False)
    attempts = IntegerField(default=0)
    next_at = UTCDateTimeField()
    delivered_at = UTCDateTimeField(null=True)
    failed_at = UTCDateTimeField(null=True)  # given up on
    last_error = TextField(default="")
