"""Per-channel assistants: delete a channel's conversations some days after their last activity.

The rule is about age, so it deletes open and archived conversations alike;
it never deletes one on legal hold, and never one of another channel. A
conversation whose last activity is exactly at the cutoff stays: only those
strictly older go. A sweep deletes in chunks, each its own short write
transaction, so agents working meanwhile never wait long; several sweepers
(the app's timer and a cron job) may run at once without deleting or logging
anything twice, because each chunk picks its rows inside its own lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from peewee import SQL, Case, fn

from . import log
from .api import outbox
from .channels import get_channel, list_channels
from .conversations import remove
from .search.planner import ConversationSearch
from .store import clock, engine, outcome, request
from .store.codes import lost_connection
from .store.engines.base import DRIVER_ERRORS
from .store.errors import HushdeskError, InvalidInput, Refused
from .store.guard import cause, guarded
from .store.schema import Assistant, Channel, Conversation, DeletionLog
from .store.sql import Sql, sql
from .store.values import stored_text

MIN_DAYS, MAX_DAYS = 1, 36_500
SWEEP_CHUNK = 150


@dataclass(frozen=True)
class AssistantRow:
    channel: str
    kind: str
    social: bool
    enabled: bool
    days: int
    conversations: int
    due: int
    last_run_at: datetime | None
    last_run_count: int


@dataclass(frozen=True)
class SweepResult:
    """One channel's sweep: how many went, whether it ran to the end, what clean-up is owed.

    `stopped` says why a sweep ended early (the chunks deleted before stay
    deleted and logged; the rest waits for the next run).
    """

    channel: str
    deleted: int
    days: int
    social: bool
    stopped: str = ""
    cleanup: engine.Cleanup = field(default_factory=engine.Cleanup)
    busy: bool = False  # another hushdesk was sweeping this channel: this one left it alone


def check_days(value: object) -> int:
    text = str(value).strip()
    whole = text.isascii() and text.isdigit() and len(text) < 7
    if not whole or not MIN_DAYS <= int(text) <= MAX_DAYS:
        raise InvalidInput(
            f"days must be a whole number from {MIN_DAYS} to {MAX_DAYS:,}, not {text[:20]!r}"
        )
    return int(text)


def cutoff(days: int, now: datetime | None = None) -> datetime:
    return (now or clock.now()) - timedelta(days=days)


def rule(days: int) -> str:
    return f"older than {days} day{'s' if days != 1 else ''}"


def _settings(channel_id: int) -> Assistant:
    assistant = Assistant.get_or_none(Assistant.channel == channel_id)
    if assistant is None:
        assistant = Assistant.create(channel=channel_id, enabled=False, days=30)
    return assistant


@guarded
def set_assistant(channel: str, days: object | None) -> AssistantRow:
    """Turn a channel's assistant on with `days`, or off with None (its days are kept)."""
    info = get_channel(channel)
    checked = None if days is None else check_days(days)
    with outcome.transaction():
        assistant = _settings(info.id)
        assistant.enabled = checked is not None
        if checked is not None:
            assistant.days = checked
        assistant.save()
    return assistant_row(info.name)


def due(channel_id: int, limit: datetime) -> Sql:
    """The retention rule, stated once: this channel's conversations whose last activity is
    strictly before `limit`, and not on legal hold. The sweep deletes by it; its preview
    (`due_search`) lists by it."""
    return sql(
        "(conversation.channel_id = ? AND conversation.last_activity < ? "
        "AND NOT conversation.held)",
        channel_id,
        stored_text(limit),
    )


@guarded
def due_search(
    channel: str, days: int | None = None, now: datetime | None = None
) -> ConversationSearch:
    """Exactly what the channel's next sweep would delete (its preview)."""
    info = get_channel(channel)
    days = days if days is not None else _settings(info.id).days
    return ConversationSearch(rule=due(info.id, cutoff(days, now)), now=now)


@guarded
def assistant_row(channel: str, now: datetime | None = None) -> AssistantRow:
    info = get_channel(channel)
    a = _settings(info.id)
    total = Conversation.select().where(Conversation.channel == info.id).count()
    due = due_search(info.name, a.days, now).count()
    return AssistantRow(
        info.name,
        info.kind,
        info.social,
        a.enabled,
        a.days,
        total,
        due,
        a.last_run_at,
        a.last_run_count,
    )


@guarded
def list_assistants(now: datetime | None = None) -> list[AssistantRow]:
    return [assistant_row(c.name, now) for c in list_channels()]


@guarded
def ages(channel: str, buckets: int, span_days: int, now: datetime | None = None) -> list[int]:
    """How many conversations fall in each of `buckets` equal age bands up to `span_days`."""
    info = get_channel(channel)
    now = now or clock.now()
    width = timedelta(days=max(1, span_days // buckets))
    newer = [(Conversation.last_activity > now - width * (k + 1), k) for k in range(buckets - 1)]
    band = Case(None, newer, buckets - 1)  # the same SQL on every engine
    query = (
        Conversation.select(band.alias("band"), fn.COUNT(Conversation.id))
        .where(Conversation.channel == info.id)
        .group_by(SQL("1"))  # by position: the CASE carries parameters
    )
    result = [0] * buckets
    for index, count in engine.rows(query):
        result[int(index)] = count
    return result


@guarded
def oldest_age_days(channel: str, now: datetime | None = None) -> int:
    """Whole days since the channel's least recent activity (0 when it has none)."""
    info = get_channel(channel)
    oldest = (
        Conversation.select(fn.MIN(Conversation.last_activity))
        .where(Conversation.channel == info.id)
        .scalar()
    )
    when = Conversation.last_activity.python_value(oldest)
    if when is None:
        return 0
    return max(0, ((now or clock.now()) - when).days)


@dataclass
class _Sweep:
    """One channel's sweep in progress: its rule, its log entry, what it deleted so far."""

    channel_id: int
    name: str
    days: int
    limit: datetime
    now: datetime
    chunk: int
    deleted: int = 0
    entry: DeletionLog | None = None
    after: int = 0  # the highest id looked at in this partition: each chunk starts past it
    committing: int = 0  # the chunk whose commit is under way

    def take(self, shard: int | None) -> int:
        """Delete up to one chunk of due conversations of one partition: one transaction.

        Each chunk starts after the last id of the one before, so no chunk walks past
        the rows the earlier ones deleted (on PostgreSQL they stay, dead, until VACUUM).
        """
        backend = engine.backend()
        with outcome.transaction():
            query = backend.dialect.chunk(
                due(self.channel_id, self.limit), self.after, shard, self.chunk
            )
            ids = [int(cid) for (cid,) in backend.execute(query)]
            self.committing = len(ids)
            if ids:
                self.after = max(ids)
                remove(ids)
                self.entry = _log_chunk(self.entry, self.name, len(ids), self.days)
                outbox.emit_ids(
                    "conversation.deleted",
                    "conversations",
                    ids,
                    {"cause": "sweep", "log_entry": self.entry.id},
                )
            Assistant.update(last_run_at=self.now, last_run_count=self.deleted + len(ids)).where(
                Assistant.channel == self.channel_id
            ).execute()
        self.deleted, self.committing = self.deleted + len(ids), 0
        return len(ids)


@guarded
def sweep_channel(
    channel: str, now: datetime | None = None, chunk: int = SWEEP_CHUNK
) -> SweepResult:
    """Run one channel's assistant once, enabled or not; logs one entry if anything went.

    It works through the engine's partitions (SQLite: one search-index shard at
    a time, so each chunk writes to one shard and each shard is purged as soon
    as its conversations are gone), so no transaction holds the lock for long.
    Where the engine can tell, a channel another hushdesk is sweeping is left alone.
    """
    info = get_channel(channel)
    days = _settings(info.id).days
    now = now or clock.now()
    sweep = _Sweep(info.id, info.name, days, cutoff(days, now), now, chunk)
    with engine.exclusive(f"hushdesk sweep {info.id}") as alone:
        if not alone:
            return SweepResult(info.name, 0, days, info.social, busy=True)
        stopped = _run_sweep(sweep, chunk)
    cleanup = engine.scrub() if sweep.deleted else engine.Cleanup()
    return SweepResult(info.name, sweep.deleted, days, info.social, stopped, cleanup)


def _run_sweep(sweep: _Sweep, chunk: int) -> str:
    """Why the sweep stopped early ('' when it ran to the end)."""
    try:
        _sweep_shards(sweep, chunk)
    except DRIVER_ERRORS as error:
        _learn_the_last_chunk(sweep, error)
        if not sweep.deleted:
            raise  # nothing changed: a plain refusal
        return cause(error)
    return ""


def _learn_the_last_chunk(sweep: _Sweep, error: BaseException) -> None:
    """A connection lost as a chunk committed: count the chunk if the database has it."""
    asked = request.in_flight()
    if not (sweep.committing and asked and lost_connection(error)):
        return
    committed = bool(outcome.learn(asked))
    request.done(committed=committed)
    sweep.deleted += sweep.committing if committed else 0
    sweep.committing = 0


def _sweep_shards(sweep: _Sweep, chunk: int) -> None:
    for part in engine.partitions():
        before, sweep.after = sweep.deleted, 0
        while sweep.take(part) == chunk:
            pass
        if sweep.deleted > before:
            engine.purge_partition(part)


def _log_chunk(entry: DeletionLog | None, channel: str, count: int, days: int) -> DeletionLog:
    if entry is None:
        return log.record(f"assistant:{channel}", "assistant sweep", count, rule(days))
    return log.add_to(entry, count)


@guarded
def sweep(
    channel: str | None = None, now: datetime | None = None, dry_run: bool = False
) -> list[SweepResult]:
    """Run every enabled assistant (or the named channel's) once; dry_run only counts."""
    enabled = enabled_channels()
    names = enabled
    if channel is not None:
        name = get_channel(channel).name
        if name not in enabled:
            raise Refused(f"the {name} assistant is off; turn it on with a number of days first")
        names = [name]
    results: list[SweepResult] = []
    for name in names:
        if dry_run:
            row = assistant_row(name, now)
            results.append(SweepResult(name, row.due, row.days, row.social))
            continue
        try:
            results.append(sweep_channel(name, now))
        except (HushdeskError, *DRIVER_ERRORS) as error:  # a lost connection comes raw
            if not any(r.deleted for r in results):
                raise  # nothing was deleted: one refusal, not one per channel
            why = str(error) if isinstance(error, HushdeskError) else cause(error)
            results.append(SweepResult(name, 0, 0, False, why))
            break  # the database failed: the channels after it would fail alike
        if results[-1].stopped:
            break
    return results


@guarded
def enabled_channels() -> list[str]:
    """Names of the channels whose assistant is on, in channel order (cheap: no counts)."""
    query = (
        Assistant.select(Channel.name).join(Channel).where(Assistant.enabled).order_by(Channel.id)
    )
    return [str(name) for (name,) in engine.rows(query)]
