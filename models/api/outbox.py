"""The durable outbox of webhook events: written in the deleting transaction, sent later.

`emit` is called by every deleting operation inside its own transaction, so an
event exists exactly when its deletion committed, whichever face made it. It
writes the event once and one delivery row per subscription to its kind. The
API server (or `hushdesk webhook deliver`) sends what is due, at least once: a
failed attempt is tried again after BACKOFF, and given up after the last wait
(about 28 hours in all); receivers deduplicate by the event id.

Payloads hold ids, counts, times and a request's reference, never personal
data: not a name, an email, a phone, an attribute's key or value, a subject.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..store import clock, engine
from ..store.guard import guarded
from .tables import Webhook, WebhookDelivery, WebhookEvent

EVENTS = ("contact.deleted", "conversation.deleted", "attribute.deleted", "erasure.completed")
# waits after each failed attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h (then given up)
BACKOFF = tuple(timedelta(seconds=s) for s in (5, 300, 1800, 7200, 18000, 36000, 36000))
IDS_PER_EVENT = 1000  # a bulk deletion is told in events of at most this many ids
MAX_ERROR = 200


@dataclass(frozen=True)
class Due:
    """One delivery to attempt: where, with what secret, and the event as sent."""

    delivery: int
    url: str
    secret: str
    event_id: str
    kind: str
    body: str  # the JSON body, exactly as signed
    created_at: datetime
    attempts: int


def _body(event_id: str, kind: str, at: datetime, data: dict[str, object]) -> str:
    document = {"id": event_id, "type": kind, "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ")}
    return json.dumps({**document, "data": data}, separators=(",", ":"), sort_keys=True)


def emit(kind: str, data: dict[str, object]) -> None:
    """Queue one event for every subscription to `kind`; call inside the deleting transaction."""
    assert kind in EVENTS and engine.db.in_transaction(), kind
    hooks = [h.id for h in Webhook.select(Webhook.id, Webhook.events) if kind in h.events.split()]
    if not hooks:
        return
    now, event_id = clock.now(), f"evt_{secrets.token_hex(12)}"
    WebhookEvent.create(
        id=event_id, kind=kind, payload=_body(event_id, kind, now, data), created_at=now
    )
    WebhookDelivery.insert_many(
        [{"event": event_id, "webhook": hook, "next_at": now} for hook in hooks]
    ).execute()


def emit_ids(kind: str, key: str, ids: Sequence[int], extra: dict[str, object]) -> None:
    """Events naming `ids` under `key`, IDS_PER_EVENT at a time (inside the transaction)."""
    for start in range(0, len(ids), IDS_PER_EVENT):
        part = list(ids[start : start + IDS_PER_EVENT])
        emit(kind, {key: part, "count": len(part), **extra})


@guarded
def due(limit: int = 50) -> list[Due]:
    """Deliveries whose time has come, oldest first."""
    now = clock.now()
    query = (
        WebhookDelivery.select(WebhookDelivery, Webhook, WebhookEvent)
        .join(Webhook)
        .switch(WebhookDelivery)
        .join(WebhookEvent)
        .where(
            WebhookDelivery.delivered_at.is_null()
            & WebhookDelivery.failed_at.is_null()
            & (WebhookDelivery.next_at <= now)
        )
        .order_by(WebhookDelivery.next_at, WebhookDelivery.id)
        .limit(limit)
    )
    return [
        Due(
            d.id,
            d.webhook.url,
            d.webhook.secret,
            d.event.id,
            d.event.kind,
            d.event.payload,
            d.event.created_at,
            d.attempts,
        )
        for d in query
    ]


@guarded
def delivered(delivery: int) -> None:
    with engine.db.atomic():
        WebhookDelivery.update(
            delivered_at=clock.now(), attempts=WebhookDelivery.attempts + 1, last_error=""
        ).where(WebhookDelivery.id == delivery).execute()


@guarded
def failed(delivery: int, attempts_before: int, why: str) -> datetime | None:
    """Record a failed attempt; when the next one is due (None: given up)."""
    now, tried = clock.now(), attempts_before + 1
    later = now + BACKOFF[tried - 1] if tried <= len(BACKOFF) else None
    with engine.db.atomic():
        WebhookDelivery.update(
            attempts=tried,
            last_error=why[:MAX_ERROR],
            next_at=later or now,
            failed_at=None if later else now,
        ).where(WebhookDelivery.id == delivery).execute()
    return later


@guarded
def forget_delivered(older_than: timedelta = timedelta(days=7)) -> int:
    """Drop events every subscription has received (or given up on) a week ago."""
    cutoff = clock.now() - older_than
    open_events = WebhookDelivery.select(WebhookDelivery.event).where(
        WebhookDelivery.delivered_at.is_null() & WebhookDelivery.failed_at.is_null()
    )
    with engine.db.atomic():
        return int(
            WebhookEvent.delete()
            .where((WebhookEvent.created_at < cutoff) & WebhookEvent.id.not_in(open_events))
            .execute()
        )


def emit_erasure(
    reference: str,
    entry: int,
    counts: dict[str, int],
    contacts: Sequence[int],
    conversations: Sequence[int],
    retained: Sequence[int],
) -> None:
    """An erasure's events, inside its transaction: each contact and the conversations
    deleted, then `erasure.completed` with the reference, the log entry and the counts."""
    for contact in contacts:
        emit("contact.deleted", {"contact": contact, "cause": "erasure", "reference": reference})
    emit_ids(
        "conversation.deleted",
        "conversations",
        conversations,
        {"cause": "erasure", "reference": reference},
    )
    emit(
        "erasure.completed",
        {
            "reference": reference,
            "log_entry": entry,
            "counts": counts,
            "contacts": list(contacts),
            "retained": list(retained),
        },
    )
