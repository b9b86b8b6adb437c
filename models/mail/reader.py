"""Reading a mailbox's messages into plain records, on every core for a large one.

Reading is most of an import: loading each message, parsing headers, decoding
bodies. A source of PARALLEL_FROM messages or more is read in batches by
worker processes (`mail_workers`: fresh interpreters that end with the import),
one per core; the records come back in the source's order, so the result is
the same as reading in one process. A message with the same bytes as one
before it (line endings, the trailing newline and `>From ` quoting aside) is
counted as a duplicate, and its digest is what a later import finds it by.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..store import clock
from ..store.clock import FixedClock, set_clock
from ..store.values import MAX_BODY, MAX_SUBJECT
from . import message as mail
from . import workers as mail_workers
from .automatic import automatic
from .raw import MailItem, RawMail, normalised

PARALLEL_FROM = 2_000  # messages; below this, worker processes cost more than they save
BATCH = 500
Progress = Callable[[int, int], None]  # (messages read, messages in all)


@dataclass
class Read:
    """One message, read."""

    label: str
    message_id: str
    references: tuple[str, ...]
    name: str
    address: str  # "" when the sender is unclear
    recipients: list[str]
    subject: str
    sent: datetime
    body: str
    digest: str
    unclear: bool = False  # From: names several mailboxes, or none the grammar allows
    dated_by: str = "date"  # "date", "received", "from line", "file" or "import"
    reused_id: str = ""  # a Message-ID a different message has too: put aside, not threaded by
    automatic: str = ""  # why no person wrote it (`mail.automatic`), "" for a person's


Outcome = tuple[str, Read | None, str]  # (digest, the message or None, why it was skipped)


@dataclass
class Reading:
    """What reading a mailbox gave: its messages, what was skipped, what was a copy."""

    found: list[Read]  # in date order
    skipped: list[str]  # "message 7: it has no sender address in From:"
    duplicates: int  # items with the same (normalised) bytes as one before
    items: int  # everything read: found + skipped + duplicates


def read_messages(items: Iterable[RawMail], progress: Progress | None = None) -> Reading:
    """Every message of a source of raw mail, read on every core when there are many."""
    jobs = list(items)
    reading = Reading([], [], 0, len(jobs))
    seen: set[str] = set()
    for done, outcomes in _batches(jobs):
        for digest, read, problem in outcomes:
            if problem:
                reading.skipped.append(problem)
            elif digest in seen:
                reading.duplicates += 1
            elif read is not None:
                seen.add(digest)
                reading.found.append(read)
        if progress:
            progress(done, len(jobs))
    reading.found.sort(key=lambda r: r.sent)
    return reading


def _batches(jobs: Sequence[RawMail]) -> Iterator[tuple[int, list[Outcome]]]:
    """Each batch's outcomes, in order, with how many jobs are done."""
    batches = [jobs[i : i + BATCH] for i in range(0, len(jobs), BATCH)]
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < PARALLEL_FROM or workers < 2:
        for number, batch in enumerate(batches, start=1):
            yield min(number * BATCH, len(jobs)), read_batch(batch)
        return
    done = 0
    for batch, outcomes in zip(
        batches,
        mail_workers.run_all(read_batch, batches, workers, start_worker, clock.now()),
        strict=True,
    ):
        done += len(batch)
        yield done, outcomes


def start_worker(now: datetime) -> None:
    """A worker's "now" (for dates too far ahead) is the importer's."""
    set_clock(FixedClock(now))


def read_batch(jobs: Sequence[RawMail]) -> list[Outcome]:
    return [_outcome(job) for job in jobs]


def _outcome(job: RawMail) -> Outcome:
    item = job.load()
    if item.problem:
        return "", None, f"{item.label}: {item.problem}"
    digest = hashlib.sha256(normalised(item.data)).hexdigest()
    try:
        return digest, _read(item, digest), ""
    except mail.NotAMessage as error:
        return digest, None, f"{_label(item)}: {error}"


def _label(item: MailItem) -> str:
    """The item's place, with its Message-ID when one can be read."""
    try:
        found = mail.message_id(mail.parse(item.data))
    except mail.NotAMessage:
        found = ""
    return f"{item.label} <{found[:120]}>" if found else item.label


def _read(item: MailItem, digest: str) -> Read:
    message = mail.parse(item.data)
    who = mail.sender(message)
    body = mail.body(message)
    sent, dated_by = _date(message, item)
    return Read(
        label=item.label,
        message_id=mail.message_id(message),
        references=tuple(mail.references(message)),
        name=who.name,
        address=who.address,
        recipients=mail.recipients(message),
        subject=mail.header(message, "Subject")[:MAX_SUBJECT],
        sent=sent,
        body=_body_text(body),
        digest=digest,
        unclear=who.unclear,
        dated_by=dated_by,
        automatic=automatic(message),
    )


def _date(message: mail.Mail, item: MailItem) -> tuple[datetime, str]:
    """The message's date and where it came from: Date:, else the newest Received: line,
    else the mbox From line or the file's time, else the import's own time."""
    for when, source in (
        (mail.sent_at(message), "date"),
        (mail.received_at(message), "received"),
        (item.fallback_date, item.dated_by or "file"),
    ):
        if when is not None:
            return when, source
    return clock.now(), "import"


def _body_text(body: mail.MailBody) -> str:
    text = body.text
    if body.attachments:
        listed = "\n".join(f"  {a.name} ({_size(a.size)})" for a in body.attachments)
        text = f"{text}\n[attachments]\n{listed}\n" if text else f"[attachments]\n{listed}\n"
    if len(text) > MAX_BODY:
        text = text[: MAX_BODY - 40] + "\n[the rest of this message was not kept]\n"
    return text


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"
