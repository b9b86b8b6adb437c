"""Erasure requests (GDPR article 17) and redaction: all or nothing, logged, proven.

An erasure deletes the person's contacts with their attributes and every
conversation of theirs, and replaces each mention of them in other people's
conversations with [redacted], in one transaction with one log entry that
holds the request's reference and the counts, never personal data. A legal
hold wins: a held conversation is never changed, so erasure refuses, or with
`keep_held` keeps those conversations whole (their contact becomes "Someone")
and reports them as retained. After it commits, the clean-up runs and the
database files are scanned for the person's identifiers: the receipt says
whether `verify-gone` passed, and if not, why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from . import clock, engine, log
from .conversations import remove
from .errors import InvalidInput, NotFound, Refused
from .guard import guarded
from .identifiers import phone_core
from .people import Mention, Needles, Person, find_person
from .query import digits
from .schema import Attribute, Contact, Conversation, Message

MAX_REFERENCE = 100
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ErasurePlan:
    """Exactly what an erasure would delete, redact and retain."""

    person: Person
    conversations: list[int]  # the person's, to delete
    messages: int
    attributes: int
    retained: list[int]  # the person's, on legal hold: kept whole
    redactions: list[Mention]  # mentions in others' conversations, to redact
    retained_mentions: list[Mention]  # mentions in held conversations: left as they are


@dataclass(frozen=True)
class Counts:
    contacts: int
    attributes: int
    conversations: int
    messages: int
    redactions: int


@dataclass(frozen=True)
class Receipt:
    """What an erasure did, with no personal data: the reference ties it to the request."""

    reference: str
    erased_at: str
    agent: str
    counts: Counts
    retained: list[dict[str, object]]
    log_entry: int
    chain_head: str
    verify_gone: bool
    verify_note: str
    cleanup: engine.Cleanup = field(default_factory=engine.Cleanup)


@guarded
def plan_erasure(texts: Sequence[str], keep_held: bool = False) -> ErasurePlan:
    """What erasing this person would do; refuses when a legal hold is in the way."""
    person = find_person(texts)
    held = [c.id for c in person.conversations if c.held]
    if held and not keep_held:
        raise Refused(
            f"{len(held):,} of their conversations {'is' if len(held) == 1 else 'are'} on "
            f"legal hold (#{held[0]}{', ...' if len(held) > 1 else ''}): a hold wins over "
            "erasure; release it, or give --keep-held to keep them whole; nothing was changed"
        )
    doomed = [c for c in person.conversations if not c.held]
    attributes = sum(len(c.attributes) for c in person.contacts)
    return ErasurePlan(
        person,
        [c.id for c in doomed],
        sum(c.messages for c in doomed),
        attributes,
        held,
        [m for m in person.mentions if not m.held],
        [m for m in person.mentions if m.held],
    )


def check_reference(reference: str, person: Person) -> str:
    """A request's reference goes in the log: it must not carry the person's data."""
    text = (reference or "").strip()
    if not text or len(text) > MAX_REFERENCE or not text.isprintable():
        raise InvalidInput(f"a reference is 1 to {MAX_REFERENCE} printable characters")
    lowered = text.lower()
    own = [c.email for c in person.contacts if c.email] + [c.name for c in person.contacts]
    own += [i.given for i in person.identifiers]
    if "@" in text or any(len(o) >= 4 and o.lower() in lowered for o in own):
        raise InvalidInput("the reference must not hold the person's name, email or phone")
    numbers = [phone_core(c.phone) for c in person.contacts]
    numbers += [i.value for i in person.identifiers if i.kind == "phone"]
    if any(len(n) >= 7 and n in digits(text) for n in numbers):
        raise InvalidInput("the reference must not hold the person's name, email or phone")
    return text


@guarded
def erase(
    texts: Sequence[str],
    reference: str,
    actor: str,
    keep_held: bool = False,
    progress: Progress | None = None,
) -> Receipt:
    """Erase the person: all or nothing, one log entry, then clean-up and proof."""
    actor = log.check_actor(actor)
    say = progress or (lambda _: None)
    with engine.db.atomic():
        plan = plan_erasure(texts, keep_held)
        reference = check_reference(reference, plan.person)
        redactions = _apply(plan, say)
        counts = Counts(
            len(plan.person.contacts),
            plan.attributes,
            len(plan.conversations),
            plan.messages,
            redactions,
        )
        entry = log.record(
            actor, "erasure request", len(plan.conversations), _reason(reference, counts, plan)
        )
    say("committed")
    cleanup = engine.scrub()
    passed, note = _verify(plan, cleanup)
    check = log.verify_log()
    return Receipt(
        reference,
        clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        actor,
        counts,
        [{"conversation": cid, "reason": "legal hold"} for cid in plan.retained],
        entry.id,
        check.head,
        passed,
        note,
        cleanup,
    )


def _reason(reference: str, counts: Counts, plan: ErasurePlan) -> str:
    return (
        f"reference {reference}: {counts.contacts} contacts, {counts.attributes} attributes, "
        f"{counts.conversations} conversations, {counts.messages} messages, "
        f"{counts.redactions} redactions, {len(plan.retained)} retained"
    )


def _apply(plan: ErasurePlan, say: Progress) -> int:
    """Every change of the erasure, inside the caller's transaction; returns redactions."""
    contact_ids = plan.person.contact_ids
    remove(plan.conversations, lambda done, total: say(f"deleted {done} of {total}"))
    if plan.retained:
        Conversation.update(contact=None).where(Conversation.id.in_(plan.retained)).execute()
        engine.reindex(plan.retained, purge_later=True)
    for batch in engine.chunked(contact_ids):
        Attribute.delete().where(Attribute.contact.in_(batch)).execute()
        Contact.delete().where(Contact.id.in_(batch)).execute()
    say("profiles deleted")
    touched = sorted({m.conversation for m in plan.redactions})
    redactions = sum(redact_conversation(cid, plan.person.needles) for cid in touched)
    engine.reindex(touched, purge_later=True)
    engine.owe_cleanup()
    say("mentions redacted")
    return redactions


def redact_conversation(conversation_id: int, needles: Needles) -> int:
    """Replace every match in one conversation's subject and messages (caller's transaction)."""
    total = 0
    conversation = Conversation.get_by_id(conversation_id)
    subject, count = needles.redact(conversation.subject)
    if count:
        Conversation.update(subject=subject).where(Conversation.id == conversation_id).execute()
        total += count
    for message in Message.select(Message.id, Message.body).where(
        Message.conversation == conversation_id
    ):
        body, count = needles.redact(message.body)
        if count:
            Message.update(body=body).where(Message.id == message.id).execute()
            total += count
    return total


def _verify(plan: ErasurePlan, cleanup: engine.Cleanup) -> tuple[bool, str]:
    """Scan the files for every erased identifier; say why it may not pass."""
    texts = _erased_texts(plan)
    if not cleanup.done:
        return False, "the clean-up is pending (see hushdesk verify-gone); it finishes later"
    found = engine.backend().traces(texts) if texts else []
    if not found:
        where = "live row or search-index entry" if engine.is_postgres() else "byte"
        return True, f"{len(texts)} identifiers are in no {where} of the database"
    still = f"{len({t for t, _ in found})} of {len(texts)} identifiers are still found"
    held = "; conversations kept by legal hold may hold some" if plan.retained else ""
    return False, f"{still} (first: {found[0][1]}){held}"


def _erased_texts(plan: ErasurePlan) -> list[str]:
    """The identifiers to look for: emails and phones, and names no other contact shares."""
    texts: set[str] = set()
    for contact in plan.person.contacts:
        texts.update(t for t in (contact.email, contact.phone, digits(contact.phone)) if t)
        if contact.name and not Contact.select().where(Contact.name == contact.name).exists():
            texts.add(contact.name)
    texts.update(i.given for i in plan.person.identifiers if i.kind != "id")
    texts.update(m.line[m.start : m.end] for m in plan.person.mentions if m.identifier != "name")
    return sorted(t for t in texts if len(t.strip()) >= 4)


@guarded
def redact(conversation_id: int, texts: Sequence[str], actor: str) -> tuple[int, engine.Cleanup]:
    """Replace each text (any case) in one conversation with [redacted]; all must be there."""
    import re

    actor = log.check_actor(actor)
    wanted = [t.strip() for t in texts if t.strip()]
    if not wanted:
        raise InvalidInput("give at least one text to redact")
    if any(len(t) > 1000 or not t.isprintable() for t in wanted):
        raise InvalidInput("a text to redact is at most 1,000 printable characters")
    patterns = [("text", re.compile(re.escape(t), re.IGNORECASE)) for t in wanted]
    needles = Needles(patterns, None)
    with engine.db.atomic():
        conversation = Conversation.get_or_none(Conversation.id == conversation_id)
        if conversation is None:
            raise NotFound(f"no conversation #{conversation_id}")
        if conversation.held:
            raise Refused(
                f"conversation #{conversation_id} is on legal hold: nothing may change it"
            )
        _check_found(conversation_id, conversation.subject, wanted)
        count = redact_conversation(conversation_id, needles)
        engine.reindex([conversation_id], purge_later=True)
        engine.owe_cleanup()
        log.record(actor, "redaction", count, "agent request")
    return count, engine.scrub()


def _check_found(conversation_id: int, subject: str, wanted: list[str]) -> None:
    bodies = [
        m.body.lower()
        for m in Message.select(Message.body).where(Message.conversation == conversation_id)
    ]
    everything = "\n".join([subject.lower(), *bodies])
    missing = [t for t in wanted if t.lower() not in everything]
    if missing:
        raise InvalidInput(
            f"{missing[0][:60]!r} is not in conversation #{conversation_id}; nothing was redacted"
        )


def receipt_dict(receipt: Receipt) -> dict[str, object]:
    return {
        "reference": receipt.reference,
        "erased_at": receipt.erased_at,
        "agent": receipt.agent,
        "counts": receipt.counts.__dict__,
        "retained": receipt.retained,
        "log_entry": receipt.log_entry,
        "chain_head": receipt.chain_head,
        "verify_gone": {"passed": receipt.verify_gone, "note": receipt.verify_note},
    }


@guarded
def write_new(path: str | Path, text: str) -> Path:
    """Write a new file; refuses to overwrite one, or to write where there is no folder."""
    target = Path(path)
    if not str(path).strip():
        raise InvalidInput("give a file to write")
    try:
        with target.open("x", encoding="utf-8") as handle:
            handle.write(text)
    except FileExistsError:
        raise Refused(f"{target} exists: hushdesk never overwrites a file") from None
    except OSError as error:
        raise InvalidInput(f"cannot write {target}: {error.strerror}") from None
    return target
