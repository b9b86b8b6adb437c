"""An agent's unsent reply, kept when the editor is left, until it is sent or emptied."""

from __future__ import annotations

from ..store import clock, outcome
from ..store.errors import InvalidInput, NotFound
from ..store.guard import guarded
from ..store.schema import Conversation, ReplyDraft
from ..store.values import MAX_BODY


def check_body(body: str) -> str:
    if not isinstance(body, str) or len(body) > MAX_BODY:
        raise InvalidInput(f"a reply is text of at most {MAX_BODY:,} characters")
    return body


@guarded
def draft(conversation_id: int, agent: str) -> str | None:
    """The agent's draft for this conversation, or None."""
    row = ReplyDraft.get_or_none(
        (ReplyDraft.conversation == conversation_id) & (ReplyDraft.agent == agent)
    )
    return str(row.body) if row else None


@guarded
def save_draft(conversation_id: int, agent: str, body: str) -> bool:
    """Keep the draft (an empty one is forgotten); False when there is nothing to keep."""
    body = check_body(body)
    with outcome.transaction():
        if Conversation.get_or_none(Conversation.id == conversation_id) is None:
            raise NotFound(f"no conversation #{conversation_id}")
        forget(conversation_id, agent)
        if not body.strip():
            return False
        ReplyDraft.create(
            conversation=conversation_id, agent=agent, body=body, saved_at=clock.now()
        )
    return True


def forget(conversation_id: int, agent: str) -> None:
    """Drop the agent's draft (caller's transaction)."""
    ReplyDraft.delete().where(
        (ReplyDraft.conversation == conversation_id) & (ReplyDraft.agent == agent)
    ).execute()
