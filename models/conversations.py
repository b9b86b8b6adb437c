"""Archive, hold and delete conversations; read one with its messages.

Each public function is one transaction. A request that names a conversation
that is missing, or (for deletion) one that is open or on legal hold, is
refused whole: nothing of it is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from peewee import JOIN, fn

from . import log
from .api import outbox
from .mail.gone import bury
from .store import clock, engine, outcome
from .store.errors import InvalidInput, NotFound, Refused
from .store.guard import guarded
from .store.schema import REPLY_TABLES, Channel, Contact, Conversation, MailKey, Message
from .store.values import ARCHIVED, OPEN, SOMEONE, WRITER, shown_name

MAX_IDS = 5_000_000
FETCH_CHUNK = 10_000  # ids read per statement, sent as one value (a list of 500 costs 20x)
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class MessageRow:
    author: str  # as shown: "customer" (the conversation's contact), a name, or Someone
    body: str
    sent_at: datetime
    contact_id: int | None = None  # who wrote it, when another contact did
    automatic: str = ""  # no person wrote it: "auto-submitted", "bulk" or "bounce"


@dataclass(frozen=True)
class ConversationDetail:
    id: int
    contact_id: int | None
    contact: str
    channel: str
    kind: str
    social: bool
    status: str
    held: bool
    subject: str
    created_at: datetime
    last_activity: datetime
    archived_at: datetime | None
    messages: list[MessageRow]


@dataclass(frozen=True)
class DeletionSummary:
    """What a deletion would remove, and what policy keeps, before anyone is asked.

    `deletable` are the archived, unheld conversations; `open` and `held` stay.
    The contact and subject are given when exactly one conversation may go.
    """

    deletable: list[int]
    open: list[int]
    held: list[int]
    contact: str | None
    subject: str | None
    social_channels: list[str]

    @property
    def count(self) -> int:
        return len(self.deletable)

    @property
    def kept(self) -> int:
        return len(self.open) + len(self.held)


@dataclass(frozen=True)
class DeletionResult:
    """How many went, from which social platforms, and whether every byte is gone yet."""

    count: int
    social_channels: list[str]
    cleanup: engine.Cleanup = field(default_factory=engine.Cleanup)


def check_ids(ids: Iterable[object]) -> list[int]:
    """Whole positive ids, without repeats, in the order given."""
    seen: dict[int, None] = {}
    for raw in ids:
        # the app's own ids are ints already: only text (typed, from a file) is read
        seen[raw if type(raw) is int and 0 < raw < 2**63 else _id(raw)] = None
        if len(seen) > MAX_IDS:
            raise InvalidInput(f"at most {MAX_IDS:,} conversations at once")
    if not seen:
        raise InvalidInput("no conversation given")
    return list(seen)


def _id(raw: object) -> int:
    text = str(raw).strip()
    if not (text.isascii() and text.isdigit() and len(text) < 20) or not 0 < int(text) < 2**63:
        raise InvalidInput(f"{text[:40]!r} is not a conversation id (a whole number)")
    return int(text)


def _fetch(ids: Sequence[int]) -> list[tuple[int, str, bool, int]]:
    rows: list[tuple[int, str, bool, int]] = []
    for batch in engine.chunked(ids, FETCH_CHUNK):
        query = Conversation.select(
            Conversation.id, Conversation.status, Conversation.held, Conversation.channel
        ).where(Conversation.id.in_(engine.one_of(batch)))
        rows.extend(engine.rows(engine.lock_rows(query.order_by(Conversation.id))))
    if len(rows) != len(ids):
        missing = sorted(set(ids) - {r[0] for r in rows})
        more = f" and {len(missing) - 1:,} more" if len(missing) > 1 else ""
        raise NotFound(f"no conversation #{missing[0]}{more}")
    return rows


def _set(ids: Iterable[object], **values: object) -> int:
    checked = check_ids(ids)
    with outcome.transaction():
        _fetch(checked)
        changed = 0
        for batch in engine.chunked(checked):
            changed += Conversation.update(**values).where(Conversation.id.in_(batch)).execute()
        return changed


@guarded
def archive(ids: Iterable[object]) -> int:
    """Archive conversations (already archived ones stay as they are)."""
    return _set(ids, status=ARCHIVED, archived_at=clock.now())


@guarded
def unarchive(ids: Iterable[object]) -> int:
    return _set(ids, status=OPEN, archived_at=None)


@guarded
def hold(ids: Iterable[object]) -> int:
    """Put conversations on legal hold: nothing deletes them until they are released."""
    return _set(ids, held=True)


@guarded
def release(ids: Iterable[object]) -> int:
    return _set(ids, held=False)


def _check_deletable(rows: list[tuple[int, str, bool, int]]) -> None:
    open_ids = [r[0] for r in rows if r[1] != ARCHIVED]
    held_ids = [r[0] for r in rows if r[2]]
    if open_ids:
        raise Refused(
            f"conversation #{open_ids[0]} is open{_more(open_ids)}: archive before deleting; "
            "nothing was deleted"
        )
    if held_ids:
        raise Refused(
            f"conversation #{held_ids[0]} is on legal hold{_more(held_ids)}: release it first; "
            "nothing was deleted"
        )


def _more(ids: list[int]) -> str:
    return f" (and {len(ids) - 1:,} more)" if len(ids) > 1 else ""


def _social_names(channel_ids: Iterable[int]) -> list[str]:
    query = Channel.select(Channel.name).where(Channel.id.in_(sorted(set(channel_ids))))
    query = query.where(Channel.social).order_by(Channel.name)
    return [str(name) for (name,) in engine.rows(query)]


def remove(ids: Sequence[int], progress: Progress | None = None) -> None:
    """Delete conversations, their messages and index rows; caller holds the transaction."""
    done = 0
    for batch in engine.chunked(ids):
        Message.delete().where(Message.conversation.in_(batch)).execute()
        bury(batch)  # deleted mail leaves a tombstone, so no fetch or import brings it back
        MailKey.delete().where(MailKey.conversation.in_(batch)).execute()
        for part in REPLY_TABLES:  # drafts, the outbox, Message-IDs
            part.delete().where(part.conversation.in_(batch)).execute()
        engine.unindex(batch)
        Conversation.delete().where(Conversation.id.in_(batch)).execute()
        done += len(batch)
        if progress:
            progress(done, len(ids))


@guarded
def delete_conversations(
    ids: Iterable[object],
    actor: str,
    reason: str = "agent request",
    progress: Progress | None = None,
) -> DeletionResult:
    """Delete archived, unheld conversations permanently, with their messages and index rows.

    The result names the social-media channels involved: their platforms keep
    their own copy, which the agent must delete there.
    """
    checked = check_ids(ids)
    actor = log.check_actor(actor)
    with outcome.transaction():
        rows = _fetch(checked)
        _check_deletable(rows)
        social = _social_names(r[3] for r in rows)
        remove(checked, progress)
        entry = log.record(actor, "delete conversations", len(checked), reason)
        outbox.emit_ids(
            "conversation.deleted",
            "conversations",
            checked,
            {"cause": "deletion", "log_entry": entry.id},
        )
    return DeletionResult(len(checked), social, engine.scrub())


@guarded
def summarize(ids: Iterable[object]) -> DeletionSummary:
    """What deleting these would remove and what policy keeps (open or held), asked first."""
    rows = _fetch(check_ids(ids))
    held = [r[0] for r in rows if r[2]]
    open_ids = [r[0] for r in rows if r[1] != ARCHIVED and not r[2]]
    kept = {*held, *open_ids}
    deletable = [r for r in rows if r[0] not in kept]
    social = _social_names(r[3] for r in deletable)
    contact = subject = None
    if len(deletable) == 1:
        detail = get_conversation(deletable[0][0])
        contact, subject = detail.contact, detail.subject
    return DeletionSummary([r[0] for r in deletable], open_ids, held, contact, subject, social)


@guarded
def get_conversation(conversation_id: int) -> ConversationDetail:
    """One conversation with its messages, oldest first."""
    c = (
        Conversation.select(Conversation, Channel, Contact)
        .join(Channel)
        .switch(Conversation)
        .join(Contact, JOIN.LEFT_OUTER)
        .where(Conversation.id == conversation_id)
        .first()
    )
    if c is None:
        raise NotFound(f"no conversation #{conversation_id}")
    messages = list(c.messages.order_by(Message.sent_at, Message.id))
    contact = c.contact if c.contact_id is not None else None
    writers = _writers(m.contact_id for m in messages if m.author == WRITER)
    return ConversationDetail(
        id=c.id,
        contact_id=c.contact_id,
        contact=shown_name(contact.name, contact.email, contact.phone) if contact else SOMEONE,
        channel=c.channel.name,
        kind=c.channel.kind,
        social=c.channel.social,
        status=c.status,
        held=c.held,
        subject=c.subject,
        created_at=c.created_at,
        last_activity=c.last_activity,
        archived_at=c.archived_at,
        messages=[
            MessageRow(
                writers.get(m.contact_id, SOMEONE) if m.author == WRITER else m.author,
                m.body,
                m.sent_at,
                m.contact_id,
                m.automatic,
            )
            for m in messages
        ],
    )


def _writers(contact_ids: Iterable[int | None]) -> dict[int | None, str]:
    """How each contact who wrote in a conversation is shown (gone: not listed, Someone)."""
    wanted = sorted({cid for cid in contact_ids if cid is not None})
    if not wanted:
        return {}
    query = Contact.select(Contact.id, Contact.name, Contact.email, Contact.phone)
    return {
        int(cid): shown_name(name, email, phone)
        for cid, name, email, phone in engine.rows(query.where(Contact.id.in_(wanted)))
    }


@guarded
def existing(ids: Iterable[int]) -> set[int]:
    """Which of these conversations still exist (another agent may have deleted some)."""
    found: set[int] = set()
    for batch in engine.chunked(list(ids)):
        query = Conversation.select(Conversation.id).where(Conversation.id.in_(batch))
        found.update(int(cid) for (cid,) in engine.rows(query))
    return found


@guarded
def counts() -> dict[str, int]:
    """Conversations per status: one count each, read from the status index alone."""
    c = Conversation
    return {
        s: int(c.select(fn.COUNT(c.id)).where(c.status == s).scalar()) for s in (OPEN, ARCHIVED)
    }
