"""Creating conversations and adding messages, one at a time (imports and tests)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from .channels import ensure_channel
from .store import clock, engine, outcome
from .store.clock import to_utc
from .store.errors import InvalidInput, NotFound
from .store.guard import guarded
from .store.schema import Contact, Conversation, Message
from .store.values import ARCHIVED, CUSTOMER, MAX_BODY, MAX_SUBJECT, OPEN


@dataclass(frozen=True)
class NewMessage:
    author: str
    body: str
    sent_at: datetime | None = None


def _check_text(label: str, text: str, limit: int) -> str:
    if not isinstance(text, str) or len(text) > limit:
        raise InvalidInput(f"a {label} must be text of at most {limit:,} characters")
    return text


@guarded
def create_conversation(
    channel: str,
    contact_id: int | None,
    subject: str,
    messages: Sequence[NewMessage] = (),
    status: str = OPEN,
    created_at: datetime | None = None,
    held: bool = False,
    kind: str = "email",
) -> int:
    """A new conversation on `channel` (created with `kind` if missing), indexed for search."""
    subject = _check_text("subject", subject, MAX_SUBJECT)
    if status not in (OPEN, ARCHIVED):
        raise InvalidInput(f"status is 'open' or 'archived', not {status!r}")
    created = to_utc(created_at) if created_at else clock.now()
    times = [to_utc(m.sent_at) if m.sent_at else created for m in messages]
    with outcome.transaction():
        if contact_id is not None and Contact.get_or_none(Contact.id == contact_id) is None:
            raise NotFound(f"no contact #{contact_id}")
        info = ensure_channel(channel, kind)
        conversation = Conversation.create(
            channel=info.id,
            contact=contact_id,
            subject=subject,
            status=status,
            archived_at=clock.now() if status == ARCHIVED else None,
            created_at=created,
            last_activity=max([created, *times]),
            held=held,
        )
        for message, sent in zip(messages, times, strict=True):
            _insert_message(conversation.id, message, sent)
        engine.reindex([conversation.id])
    return conversation.id


def _insert_message(conversation_id: int, message: NewMessage, sent: datetime) -> None:
    author = (message.author or CUSTOMER).strip()[:200] or CUSTOMER
    body = _check_text("message body", message.body, MAX_BODY)
    Message.create(conversation=conversation_id, author=author, body=body, sent_at=sent)


@guarded
def add_message(
    conversation_id: int, author: str, body: str, sent_at: datetime | None = None
) -> None:
    """Append a message; the conversation's last activity moves to it."""
    sent = to_utc(sent_at) if sent_at else clock.now()
    with outcome.transaction():
        conversation = Conversation.get_or_none(Conversation.id == conversation_id)
        if conversation is None:
            raise NotFound(f"no conversation #{conversation_id}")
        _insert_message(conversation_id, NewMessage(author, body), sent)
        if sent > conversation.last_activity:
            conversation.last_activity = sent
            conversation.save()
        engine.reindex([conversation_id])
