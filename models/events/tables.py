"""Webhook subscriptions, the event outbox and its deliveries as Peewee models (made by
migration 0009; PostgreSQL's 0004)."""

from __future__ import annotations

from peewee import AutoField, ForeignKeyField, IntegerField, TextField

from ..store.schema import BaseModel, UTCDateTimeField


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
