"""Access requests (GDPR articles 15 and 20): everything held about a person, as one JSON file.

The document's shape (`"format": "hushdesk-access-export/1"`):

    exported_at      when, in UTC (ISO 8601)
    identifiers      the identifiers the request named, as given
    contacts         [{id, name, email, phone, attributes: [{key, value, source, set_at}]}]
    conversations    [{id, contact, channel, status, held, subject, created_at,
                       last_activity, messages: [{author, sent_at, body}], left_out}]:
                     their conversations; `left_out` counts the messages in them that
                     other people wrote (a colleague in Cc), which are theirs, not here
    written          [{conversation, sent_at, body}]: messages they wrote in other
                     people's conversations (a second customer in a thread)
    mentions         [{conversation, message, field, identifier}]: where other
                     people's conversations name them by an identifier that is
                     theirs alone; never those people's text
    not_matched      [{identifier, why}]: numbers given that name no one

It holds nothing of any other person: their conversations appear only as an
id in `written` and `mentions`, and a name another contact shares is no
mention. The file is written whole and new; an existing one is never replaced.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..conversations import get_conversation
from ..store import clock, engine
from ..store.files import write_new
from ..store.guard import guarded
from ..store.schema import Message
from ..store.values import stored_time
from .people import Person, find_person

FORMAT = "hushdesk-access-export/1"


@dataclass(frozen=True)
class ExportSummary:
    path: Path
    contacts: int
    conversations: int
    messages: int
    mentions: int


def _when(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


@guarded
def person_document(person: Person, for_agent: bool = False) -> dict[str, object]:
    """The person as JSON, one shape for the export and `hushdesk person --json`.

    `for_agent` adds what only the agent may see, never the requester: the possible
    mentions left to the agent, the other contacts that cannot be told apart, and
    what to check."""
    contacts = [
        {
            "id": c.id,
            "name": c.name,
            "email": c.email,
            "phone": c.phone,
            "attributes": [
                {"key": a.key, "value": a.value, "source": a.source, "set_at": _when(a.set_at)}
                for a in c.attributes
            ],
        }
        for c in person.contacts
    ]
    conversations = []
    mine = set(person.contact_ids)
    for brief in person.conversations:
        detail = get_conversation(brief.id)
        theirs = [m for m in detail.messages if m.contact_id is None or m.contact_id in mine]
        conversations.append(
            {
                "id": detail.id,
                "contact": detail.contact_id,
                "channel": detail.channel,
                "status": detail.status,
                "held": detail.held,
                "subject": detail.subject,
                "created_at": _when(detail.created_at),
                "last_activity": _when(detail.last_activity),
                "messages": [
                    {"author": m.author, "sent_at": _when(m.sent_at), "body": m.body}
                    for m in theirs
                ],
                "left_out": len(detail.messages) - len(theirs),  # other people's messages
            }
        )
    mentions = [
        {
            "conversation": m.conversation,
            "message": m.message,
            "field": m.field,
            "identifier": m.identifier,
        }
        for m in person.mentions
        if m.sure
    ]
    return {
        "format": FORMAT,
        "exported_at": _when(clock.now()),
        "identifiers": [i.given for i in person.identifiers],
        "contacts": contacts,
        "conversations": conversations,
        "written": _written(person),
        "mentions": mentions,
        "not_matched": [{"identifier": u.given, "why": u.why} for u in person.unplaced],
        **(_for_agent(person) if for_agent else {}),
    }


def _for_agent(person: Person) -> dict[str, object]:
    return {
        "possible_mentions": [
            {"conversation": m.conversation, "message": m.message, "why": m.why}
            for m in person.mentions
            if not m.sure
        ],
        "cannot_tell": [{"id": c.id, "phone": c.phone} for c in person.uncertain],
        "warnings": person.warnings,
    }


def _written(person: Person) -> list[dict[str, object]]:
    """The person's own messages in other people's conversations, and nothing around them."""
    ids = [w.message for w in person.written]
    query = Message.select(Message.conversation, Message.sent_at, Message.body)
    query = query.where(Message.id.in_(ids)).order_by(Message.sent_at, Message.id)
    return [
        {"conversation": int(cid), "sent_at": _when(stored_time(str(sent))), "body": body}
        for cid, sent, body in engine.rows(query)
    ]


@guarded
def export_person(texts: Sequence[str], out: str | Path) -> ExportSummary:
    """Write everything held about the person to a new JSON file."""
    person = find_person(texts)
    data = person_document(person)
    path = write_new(out, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    return ExportSummary(path, *export_counts(person))


def export_counts(person: Person) -> tuple[int, int, int, int]:
    """What an export holds: contacts, conversations, messages (their own elsewhere
    included) and sure mentions."""
    return (
        len(person.contacts),
        len(person.conversations),
        sum(c.messages for c in person.conversations) + len(person.written),
        sum(m.sure for m in person.mentions),
    )
