"""The deletion log: who deleted how many of what, and why. Never personal data.

Entries are written by the deleting operations themselves, inside the same
transaction as the deletion, so the log always matches what is gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import clock
from .errors import InvalidInput
from .schema import DeletionLog

MAX_ACTOR = 100


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: datetime
    actor: str
    action: str
    count: int
    reason: str


def check_actor(actor: str) -> str:
    actor = (actor or "").strip()
    if not actor or len(actor) > MAX_ACTOR or not actor.isprintable():
        raise InvalidInput(f"the agent name must be 1 to {MAX_ACTOR} printable characters")
    return actor


def record(actor: str, action: str, count: int, reason: str) -> DeletionLog:
    """Write one entry; call inside the deleting transaction."""
    return DeletionLog.create(
        at=clock.now(), actor=check_actor(actor), action=action, count=count, reason=reason
    )


def add_to(entry: DeletionLog, count: int) -> None:
    """Grow an entry by `count` (a sweep's later chunks add to its first entry)."""
    DeletionLog.update(count=DeletionLog.count + count).where(DeletionLog.id == entry.id).execute()


def list_log(limit: int | None = 200, offset: int = 0) -> list[LogEntry]:
    """Newest first."""
    query = DeletionLog.select().order_by(DeletionLog.id.desc()).offset(offset)
    if limit:
        query = query.limit(limit)
    return [LogEntry(e.id, e.at, e.actor, e.action, e.count, e.reason) for e in query]


def log_size() -> int:
    return DeletionLog.select().count()
