"""The deletion log: who deleted how many of what, and why. Never personal data.

Entries are written by the deleting operations themselves, inside the same
transaction as the deletion, so the log always matches what is gone. Each
entry carries a SHA-256 hash over its own fields and the previous entry's
hash: changing, removing or inserting an entry breaks the chain from there
on, and `verify_log` names the first entry that no longer fits. (Rewriting
the whole chain is not detected; an agent who keeps the head hash printed by
`hushdesk log --verify` can tell that too.)
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from .store import clock, engine
from .store.engine import db
from .store.errors import InvalidInput
from .store.guard import guarded
from .store.schema import DeletionLog
from .store.values import TIME_FORMAT

MAX_ACTOR = 100
GENESIS = "0" * 64


@dataclass(frozen=True)
class LogEntry:
    id: int
    at: datetime
    actor: str
    action: str
    count: int
    reason: str
    hash: str


@dataclass(frozen=True)
class LogCheck:
    entries: int
    first_broken: int | None
    head: str

    @property
    def ok(self) -> bool:
        return self.first_broken is None


def check_actor(actor: str) -> str:
    actor = (actor or "").strip()
    if not actor or len(actor) > MAX_ACTOR or not actor.isprintable():
        raise InvalidInput(f"the agent name must be 1 to {MAX_ACTOR} printable characters")
    return actor


def digest(
    previous: str, entry_id: int, at: str, actor: str, action: str, count: int, reason: str
) -> str:
    fields = [previous, str(entry_id), at, actor, action, str(count), reason]
    return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()


def _seal(entry: DeletionLog) -> None:
    at = entry.at.strftime(TIME_FORMAT)
    entry.hash = digest(
        entry.prev_hash, entry.id, at, entry.actor, entry.action, entry.count, entry.reason
    )
    DeletionLog.update(hash=entry.hash, count=entry.count).where(
        DeletionLog.id == entry.id
    ).execute()


def _last() -> DeletionLog | None:
    entry: DeletionLog | None = DeletionLog.select().order_by(DeletionLog.id.desc()).first()
    return entry


def record(actor: str, action: str, count: int, reason: str) -> DeletionLog:
    """Write one entry, chained to the last; call inside the deleting transaction.

    Entries are written one transaction at a time, so two never chain to the same one.
    """
    engine.one_at_a_time("hushdesk log")
    last = _last()
    entry = DeletionLog.create(
        at=clock.now(),
        actor=check_actor(actor),
        action=action,
        count=count,
        reason=reason,
        prev_hash=last.hash if last else GENESIS,
        hash="",
    )
    _seal(entry)
    return entry


def add_to(entry: DeletionLog, count: int) -> DeletionLog:
    """Grow the entry by `count` while it is still the last one; else start a new entry.

    A sweep's later chunks add to its first entry this way; when another deletion
    was logged in between, the chain must not be rewritten, so a new entry follows.
    """
    engine.one_at_a_time("hushdesk log")
    last = _last()
    if last is None or last.id != entry.id:
        return record(entry.actor, entry.action, count, entry.reason)
    last.count += count
    _seal(last)
    return last


@guarded
def list_log(limit: int | None = 200, offset: int = 0) -> list[LogEntry]:
    """Newest first."""
    query = DeletionLog.select().order_by(DeletionLog.id.desc()).offset(offset)
    if limit:
        query = query.limit(limit)
    return [LogEntry(e.id, e.at, e.actor, e.action, e.count, e.reason, e.hash) for e in query]


@guarded
def verify_log() -> LogCheck:
    """Walk the chain from the first entry; name the first whose hash does not fit."""
    previous, count = GENESIS, 0
    rows = db.execute_sql(
        "SELECT id, at, actor, action, count, reason, prev_hash, hash "
        "FROM deletion_log ORDER BY id"
    )
    for entry_id, when, actor, action, number, reason, prev_hash, stored in rows:
        at = when.strftime(TIME_FORMAT) if isinstance(when, datetime) else str(when)
        expected = digest(previous, entry_id, at, actor, action, number, reason)
        if prev_hash != previous or stored != expected:
            return LogCheck(count, entry_id, previous)
        previous, count = stored, count + 1
    return LogCheck(count, None, previous)
