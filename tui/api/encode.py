"""The API's JSON shapes of what `models` returns: one function per resource."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import models
from models.api.pages import ContactBrief
from models.log import LogEntry


def when(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


SHARED = ("id", "contact_id", "contact", "channel", "kind", "social", "status", "held", "subject")


def _shared(conversation: models.ConversationRow | models.ConversationDetail) -> dict[str, Any]:
    """What a row of a list and a whole conversation both say, in the same words."""
    return {name: getattr(conversation, name) for name in SHARED}


def conversation_row(row: models.ConversationRow) -> dict[str, Any]:
    return {**_shared(row), "last_activity": when(row.last_activity)}


def conversation(detail: models.ConversationDetail) -> dict[str, Any]:
    return {
        **_shared(detail),
        "created_at": when(detail.created_at),
        "last_activity": when(detail.last_activity),
        "archived_at": when(detail.archived_at),
        "messages": [
            {
                "author": m.author,
                "body": m.body,
                "sent_at": when(m.sent_at),
                "contact_id": m.contact_id,
            }
            for m in detail.messages
        ],
    }


def contact_brief(row: ContactBrief) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "email": row.email, "phone": row.phone}


def attribute(row: models.AttributeRow) -> dict[str, Any]:
    return {"key": row.key, "value": row.value, "source": row.source, "set_at": when(row.set_at)}


def contact(info: models.ContactInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "email": info.email,
        "phone": info.phone,
        "phone_e164": info.number,
        "conversations": info.conversations,
        "attributes": [attribute(a) for a in info.attributes],
    }


def log_entry(entry: LogEntry) -> dict[str, Any]:
    return {
        "id": entry.id,
        "at": when(entry.at),
        "actor": entry.actor,
        "action": entry.action,
        "count": entry.count,
        "reason": entry.reason,
        "hash": entry.hash,
    }


def cleanup(done: models.Cleanup) -> dict[str, Any]:
    """Whether the deleted text is gone from every byte, or what is still pending."""
    pending = []
    if done.shards:
        pending.append(f"the search index still holds the words in {done.shards} shard(s)")
    if done.wal:
        pending.append("old pages wait for another reader of the database to finish")
    if done.reason:
        pending.append(done.reason)
    return {"gone": done.done, "pending": "; ".join(pending) if not done.done else None}


def assistant(row: models.AssistantRow) -> dict[str, Any]:
    return {
        "channel": row.channel,
        "kind": row.kind,
        "social": row.social,
        "enabled": row.enabled,
        "days": row.days,
        "conversations": row.conversations,
        "due": row.due,
        "last_run_at": when(row.last_run_at),
        "last_run_count": row.last_run_count,
    }


def privacy_request(info: models.RequestInfo) -> dict[str, Any]:
    """A request's record. Its identifiers are never sent: only how many it names (while
    it is open they are personal data; once it ends they are sealed)."""
    return {
        "reference": info.reference,
        "kind": info.kind,
        "state": info.state,
        "received": info.received_on.isoformat(),
        "due": info.due_on.isoformat(),
        "extended_months": info.extended_months,
        "days_left": info.days_left,
        "standing": info.standing,
        "identifiers": len(info.identifiers),
        "sealed": info.sealed,
        "conversation": info.conversation,
    }


def trail_step(step: models.TrailStep) -> dict[str, Any]:
    return {"at": when(step.at), "what": step.what, "note": step.note, "actor": step.actor}
