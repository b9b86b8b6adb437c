"""Fetching: every message of a source taken exactly once, through the same import as `import`.

A fetch lists the mailbox, leaves out what is recorded as taken, and imports
the rest in batches. Each batch is one transaction that imports its messages
(`mail_import.import_reading`: threads, our addresses, duplicates, tombstones)
and records each one as taken (UIDVALIDITY and UID, or the Maildir file's
unique name): a fetch stopped anywhere, `kill -9` included, has taken a
message wholly or not at all. Inside the transaction the batch is checked
again against what is taken, under a lock per source (PostgreSQL; SQLite has
one writer), so two hushdesks fetching at once take each message once. Every
message read counts as taken: imported, a duplicate, deleted before, or not a
message. Only after the commit is the server's copy kept, marked seen, moved
or deleted; a fetch stopped before that does it the next time, for each
message still there that is already taken. A new UIDVALIDITY reads the whole
mailbox again: what was imported is found again as duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from .. import mail_import
from ..mail.raw import MailItem
from ..mail.reader import read_messages
from ..store import clock, engine, outcome
from ..store.guard import guarded
from .box import GONE, Box, FetchFailed
from .opening import open_box
from .sources import Source, get_source, list_sources
from .tables import IntakeSource, IntakeTaken

BATCH = 500  # messages per transaction (read before it)
POLL = timedelta(seconds=60)  # the next fetch after one that worked (the app polls at this)
BACKOFF_MAX = timedelta(hours=1)
Stop = Callable[[], bool]


@dataclass
class FetchResult:
    """What one source's fetch did; `error` is one line when it failed (and what was taken
    before the failure stays taken)."""

    name: str
    read: int = 0  # messages read from the mailbox this time
    messages: int = 0  # imported
    conversations: int = 0  # new conversations
    joined: int = 0  # messages that joined earlier conversations
    duplicates: int = 0
    gone: int = 0  # deleted here before: left out
    skipped: list[str] = field(default_factory=list)  # "UID 7: it has no sender address"
    conversation_ids: list[int] = field(default_factory=list)  # conversations that got mail
    purged: int = 0  # server copies of deleted conversations' mail, deleted now
    kept: int = 0  # such copies that could not be found to delete (said in intake ls)
    error: str = ""


def taken(
    source_id: int, box: str, names: Sequence[str] | None = None, place: str | None = None
) -> set[str]:
    """The names recorded as taken from a mailbox (of `names`, when given; with their copy
    at `place`, when given)."""
    query = IntakeTaken.select(IntakeTaken.item).where(
        (IntakeTaken.source == source_id) & (IntakeTaken.box == box)
    )
    if place is not None:
        query = query.where(IntakeTaken.place == place)
    if names is None:
        return {str(item) for (item,) in engine.rows(query)}
    found: set[str] = set()
    for batch in engine.chunked(sorted(set(names))):
        found.update(
            str(item) for (item,) in engine.rows(query.where(IntakeTaken.item.in_(batch)))
        )
    return found


def take(
    source: Source, box: str, loaded: Sequence[tuple[str, MailItem]], into: FetchResult
) -> None:
    """One batch: imported and recorded as taken in one transaction (or neither). The
    messages are read before it; inside, under the source's lock, what another fetch took
    meanwhile is left out (and the rest read again, which only a race costs)."""
    reading = read_messages([item for _, item in loaded])
    with outcome.transaction():
        engine.one_at_a_time(f"intake:{source.id}")
        already = taken(source.id, box, [name for name, _ in loaded])
        fresh = [(name, item) for name, item in loaded if name not in already]
        if not fresh:
            return
        if already:
            reading = read_messages([item for _, item in fresh])
        result = mail_import.import_reading(reading, None)
        engine.insert_rows(
            "intake_taken",
            ("source_id", "box", "item", "conversation_id"),
            [(source.id, box, n, result.placed.get(item.label)) for n, item in fresh],
        )
        IntakeSource.update(taken=IntakeSource.taken + len(fresh)).where(
            IntakeSource.id == source.id
        ).execute()
    into.read += result.read
    into.messages += result.messages
    into.conversations += result.conversations
    into.joined += result.joined
    into.duplicates += result.duplicates
    into.gone += result.gone
    into.skipped += result.skipped
    into.conversation_ids += sorted(set(result.placed.values()))


def fetch_box(source: Source, box: Box, result: FetchResult, stop: Stop | None = None) -> None:
    """Take every new message of an open mailbox, then settle the server's copies."""
    present = box.listing()
    if box.validity != "maildir":
        _forget_other_validities(source.id, box.validity)
    done = taken(source.id, box.validity)
    new = [name for name in present if name not in done]
    for start in range(0, len(new), BATCH):
        if stop is not None and stop():
            break
        take(source, box.validity, box.load(new[start : start + BATCH]), result)
    places = box.settle(sorted(unsettled(source.id, box.validity, present), key=_order))
    _record_places(source.id, box.validity, places)
    _purge(source.id, box, result)


def unsettled(source_id: int, box: str, names: Sequence[str]) -> set[str]:
    """Of these names, those taken whose server copy is still as it was when taken (each
    after-intake action is done once; one another fetch did is not done again)."""
    return taken(source_id, box, names, place="")


def _record_places(source_id: int, validity: str, places: dict[str, str]) -> None:
    """Where the server's copies are now (moved, or deleted), for a later purge."""
    if not places:
        return
    with outcome.transaction():
        for place in sorted(set(places.values())):
            names = sorted(n for n, p in places.items() if p == place)
            for batch in engine.chunked(names):
                IntakeTaken.update(place=place).where(
                    (IntakeTaken.source == source_id)
                    & (IntakeTaken.box == validity)
                    & IntakeTaken.item.in_(batch)
                    & (IntakeTaken.place == "")  # another fetch may have said where already
                ).execute()


def _purge(source_id: int, box: Box, result: FetchResult) -> None:
    """Delete the server copies of mail whose conversation was deleted since (retention
    reaches the server); a copy whose place the server never said stays, and is counted."""
    query = IntakeTaken.select(IntakeTaken.item, IntakeTaken.place).where(
        (IntakeTaken.source == source_id)
        & (IntakeTaken.box == box.validity)
        & IntakeTaken.purge
        & (IntakeTaken.place != GONE)
    )
    owed = [(str(item), str(place)) for item, place in engine.rows(query)]
    if not owed:
        return
    done = box.purge(owed)
    with outcome.transaction():
        for batch in engine.chunked(sorted(done)):
            IntakeTaken.update(place=GONE, purge=False).where(
                (IntakeTaken.source == source_id)
                & (IntakeTaken.box == box.validity)
                & IntakeTaken.item.in_(batch)
            ).execute()
    result.purged += len(done)
    result.kept += len(owed) - len(done)


def _order(name: str) -> tuple[int, str]:
    return (int(name), "") if name.isdigit() else (0, name)


def _forget_other_validities(source_id: int, validity: str) -> None:
    """UIDs of an older UIDVALIDITY name nothing now (the mailbox is read again)."""
    with outcome.transaction():
        IntakeTaken.delete().where(
            (IntakeTaken.source == source_id) & (IntakeTaken.box != validity)
        ).execute()


def _fetch_one(source: Source, stop: Stop | None) -> FetchResult:
    """One source fetched; what was taken before a failure stays taken and counted."""
    result = FetchResult(source.name)
    try:
        box = open_box(source)
        try:
            fetch_box(source, box, result, stop)
        finally:
            box.close()
    except FetchFailed as error:
        result.error = str(error)
    except OSError as error:  # a Maildir's folder changed under the fetch (permissions, ...)
        result.error = f"{source.where.shown()}: {error.strerror or error.__class__.__name__}"
    _note(source, result.error)
    return result


def _note(source: Source, error: str) -> None:
    """The source's last fetch, its next (later after each failure) and its last error."""
    now = clock.now()
    failures = source.failures + 1 if error else 0
    wait = min(POLL * 2 ** min(failures, 10), BACKOFF_MAX) if error else POLL
    with outcome.transaction():
        IntakeSource.update(
            last_fetch=now, next_fetch=now + wait, last_error=error[:500], failures=failures
        ).where(IntakeSource.id == source.id).execute()


@guarded
def fetch(name: str | None = None, stop: Stop | None = None) -> list[FetchResult]:
    """Fetch every source (or the one named) once, now; a source that fails is one line in
    its result and in `intake ls`, and the others are fetched all the same."""
    sources = [get_source(name)] if name else list_sources()
    results = []
    for source in sources:
        if stop is not None and stop():
            break
        results.append(_fetch_one(source, stop))
    return results


@guarded
def fetch_due(stop: Stop | None = None) -> list[FetchResult]:
    """Fetch the sources whose next fetch is due (the app's background fetch)."""
    now = clock.now()
    due = [s for s in list_sources() if s.next_fetch is None or s.next_fetch <= now]
    return [_fetch_one(source, stop) for source in due if not (stop and stop())]


def failed(results: Sequence[FetchResult]) -> list[FetchResult]:
    return [r for r in results if r.error]
