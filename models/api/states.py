"""Archive, unarchive, hold or release one conversation, answering with its state after."""

from __future__ import annotations

from dataclasses import dataclass

from ..conversations import archive, hold, release, unarchive
from ..store.errors import NotFound
from ..store.guard import guarded
from ..store.schema import Conversation

CHANGES = ("archive", "unarchive", "hold", "release")
_OPERATIONS = {"archive": archive, "unarchive": unarchive, "hold": hold, "release": release}


@dataclass(frozen=True)
class State:
    id: int
    status: str
    held: bool


@guarded
def change(conversation_id: int, what: str) -> State:
    """Apply the change (the same operation as the command line's), then read the state."""
    _OPERATIONS[what]([conversation_id])
    row = Conversation.get_or_none(Conversation.id == conversation_id)
    if row is None:  # deleted by another agent just after
        raise NotFound(f"no conversation #{conversation_id}")
    return State(row.id, row.status, bool(row.held))
