"""Erasure requests (GDPR article 17): exactly the person, all of the person, said truthfully.

An erasure deletes the person's contacts with their attributes, every
conversation of theirs, and every message they wrote in someone else's
conversation; it replaces each sure mention of them in other people's
conversations with [redacted] (`needles`: their emails whole, their numbers by
E.164, their full names only where no one else has them). All in one
transaction with one log entry that holds the request's reference and the
counts, never personal data. A legal hold wins: a held conversation is never
changed, so erasure refuses, or with `keep_held` keeps those conversations
whole (their contact becomes "Someone") and reports them as retained.

The receipt is written to a temporary file before the commit and named after
it (`files.NewFile`), so an erasure that committed always has its receipt, or
says why its file could not be named and hands the receipt back whole. After
the commit nothing can turn the erasure into a failure: the clean-up and the
proof (`proof`) report what is still pending instead. A connection lost while
committing is followed by a look-up of the request's id (`outcome`).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import log
from ..api import outbox
from ..backup import keys
from ..backup.promise import after_erasure
from ..conversations import remove
from ..store import clock, engine, outcome, request
from ..store.codes import lost_connection
from ..store.errors import CannotTell, HushdeskError, InvalidInput, Refused
from ..store.files import NewFile
from ..store.guard import cause, driver_errors, guarded
from ..store.schema import Attribute, Contact, Conversation, Message
from ..text import phones
from ..text.folding import fold
from .people import Mention, Person, find_person
from .proof import Proof, prove, unproven
from .redaction import redact_conversation

MAX_REFERENCE = 100
MIN_SHOWN = 4  # characters: shorter parts of a name or address are not looked for in it
TAIL = 7  # digits: the end of a number that is as good as the number
Progress = Callable[[str], None]
Within = Callable[["ErasurePlan", "Receipt"], None]  # more of the same transaction


@dataclass(frozen=True)
class ErasurePlan:
    """Exactly what an erasure would delete, redact and retain."""

    person: Person
    conversations: list[int]  # the person's, to delete
    messages: int  # in those conversations
    attributes: int
    retained: list[int]  # the person's, on legal hold: kept whole
    written: list[int]  # messages they wrote in others' conversations, to delete
    written_kept: list[int]  # of those, in held conversations: kept
    redactions: list[Mention]  # sure mentions in others' conversations, to redact
    retained_mentions: list[Mention]  # sure mentions in held conversations: left as they are
    left: list[Mention]  # mentions by a shared or common name: left to the agent


@dataclass(frozen=True)
class Counts:
    contacts: int
    attributes: int
    conversations: int
    messages: int
    messages_elsewhere: int
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
    proof: Proof
    cleanup: engine.Cleanup = field(default_factory=engine.Cleanup)
    receipt_problem: str = ""  # why the receipt's file could not be named ("" when it was)
    confirmed_late: bool = False  # the commit was learned after a lost connection
    request: str = ""  # the tracked request it answers (`privacy.tracking`), if any

    @property
    def verify_gone(self) -> bool:
        return self.proof.passed

    @property
    def pending(self) -> bool:
        """Something is still owed: a clean-up, or a proof that could not be made."""
        return not self.cleanup.done or not self.proof.made


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
    sure = [m for m in person.mentions if m.sure]
    return ErasurePlan(
        person,
        [c.id for c in doomed],
        sum(c.messages for c in doomed),
        sum(len(c.attributes) for c in person.contacts),
        held,
        [w.message for w in person.written if not w.held],
        [w.message for w in person.written if w.held],
        [m for m in sure if not m.held],
        [m for m in sure if m.held],
        [m for m in person.mentions if not m.sure],
    )


def _one_person(person: Person, confirmed: bool) -> None:
    """Contacts found under different names are one person only when the agent says so."""
    names = {fold(c.name) for c in person.contacts if c.name}
    if len(names) > 1 and not confirmed:
        raise Refused(
            f"the {len(person.contacts)} contacts found have {len(names)} different names: "
            "look at them (erase --dry-run) and give --same-person if they are one person; "
            "nothing was changed"
        )


def squashed(text: str) -> str:
    """Text as references are compared: folded as `folding` folds it (case, accents,
    compatibility forms), then only its letters and digits, run together: no spacing,
    punctuation or `dot`-free disguise hides a name in it."""
    return "".join(ch for ch in fold(text) if ch.isalnum())


def _numerals(text: str) -> str:
    """The digits of `text` in any script (fullwidth, Arabic-Indic ...), as ASCII digits."""
    return "".join(str(d) for ch in text if (d := unicodedata.digit(ch, -1)) >= 0)


def check_reference(reference: str, person: Person) -> str:
    """A request's reference goes in the log for ever: no disguise of the person's data may
    be in it. Their names, the words of their names, their addresses and the local parts
    of them are looked for in the squashed reference; their numbers' last seven digits in
    its digits."""
    text = (reference or "").strip()
    if not text or len(text) > MAX_REFERENCE or not text.isprintable():
        raise InvalidInput(f"a reference is 1 to {MAX_REFERENCE} printable characters")
    if names_person(text, person):
        raise InvalidInput("the reference must not hold the person's name, email or phone")
    return text


def names_person(text: str, person: Person) -> bool:
    """Whether `text` holds an address, or any disguise of the person's data (the rule of
    `check_reference`, for every text kept about a request)."""
    squashed_text = squashed(text)
    if "@" in unicodedata.normalize("NFKC", text) or any(
        part in squashed_text for part in _own_words(person)
    ):
        return True
    numerals = _numerals(text)
    return any(number[-TAIL:] in numerals for number in _own_numbers(person))


def _own_words(person: Person) -> set[str]:
    """The person's names and each of their words, their addresses and the local parts of
    them, squashed; parts shorter than MIN_SHOWN are left out (they match by chance)."""
    texts = [c.name for c in person.contacts] + [c.email for c in person.contacts]
    texts += [c.email.split("@")[0] for c in person.contacts if c.email]
    texts += [i.given for i in person.identifiers if i.kind != "id"]
    texts += [w for c in person.contacts for w in fold(c.name).split()]
    texts += [w for c in person.contacts if c.email for w in _parts(c.email.split("@")[0])]
    found = {squashed(t) for t in texts if t}
    return {w for w in found if len(w) >= MIN_SHOWN}


def _parts(local: str) -> list[str]:
    """The words of an address's local part (`ines.noel-2` is ines, noel, 2)."""
    return "".join(ch if ch.isalnum() else " " for ch in local).split()


def _own_numbers(person: Person) -> set[str]:
    numbers = [c.phone for c in person.contacts] + [c.number for c in person.contacts]
    numbers += [i.given for i in person.identifiers if i.kind == "phone"]
    numbers += [u.given for u in person.unplaced]
    found = {_numerals(n).lstrip("0") for n in numbers if n}
    placed = [i.value for i in person.identifiers if i.kind == "phone"]
    found |= {phones.parts(n)[1] for n in placed + [c.number for c in person.contacts if c.number]}
    return {n for n in found if len(n) >= TAIL}


@guarded
def erase(
    texts: Sequence[str],
    reference: str,
    actor: str,
    keep_held: bool = False,
    progress: Progress | None = None,
    receipt: str | Path | None = None,
    same_person: bool = False,
    request: str = "",
    within: Within | None = None,
) -> Receipt:
    """Erase the person: all or nothing, one log entry, its receipt; then clean-up and proof.

    `request` names the tracked request in the receipt; `within` is run inside the
    erasure's transaction once its receipt is made (the request's trail is written
    there, so it always matches what was erased)."""
    actor = log.check_actor(actor)
    say = progress or (lambda _: None)
    new_file = NewFile(receipt) if receipt is not None else None
    also = (request, within)
    try:
        plan, done = _commit(
            texts, reference, actor, (keep_held, same_person), say, new_file, also
        )
    except BaseException:
        if new_file is not None:
            new_file.discard()
        raise
    say("committed")
    done = _after_commit(plan, done)
    if new_file is not None:
        done = _named(new_file, done)
    return done


def _named(new_file: NewFile, done: Receipt) -> Receipt:
    """The final receipt in its file, named; what went wrong is said, never raised: the
    erasure has committed (the file then holds the receipt as it was at the commit)."""
    problem = new_file.rewrite(receipt_json(done))
    if problem:
        problem = f"its final version could not be written ({problem})"
    linked = new_file.finish()
    return replace(done, receipt_problem="; ".join(p for p in (linked, problem) if p))


def _commit(
    texts: Sequence[str],
    reference: str,
    actor: str,
    allowed: tuple[bool, bool],  # keep_held, same_person
    say: Progress,
    new_file: NewFile | None,
    also: tuple[str, Within | None] = ("", None),
) -> tuple[ErasurePlan, Receipt]:
    """The erasure's transaction; after a lost connection, whether it committed after all.

    Learned here rather than by `guard`, because what the erasure prepared before the
    commit (its receipt, already in its file) is what it reports once it is known."""
    prepared: list[tuple[ErasurePlan, Receipt]] = []
    try:
        with outcome.transaction():
            plan = plan_erasure(texts, allowed[0])
            _one_person(plan.person, allowed[1])
            checked = check_reference(reference, plan.person)
            counts = _apply(plan, say)
            reason = _reason(checked, counts, plan)
            entry = log.record(actor, "erasure request", len(plan.conversations), reason)
            outbox.emit_erasure(
                checked,
                entry.id,
                counts.__dict__,
                plan.person.contact_ids,
                plan.conversations,
                plan.retained,
            )
            done = _receipt(checked, actor, counts, plan, entry.id, entry.hash)
            done = replace(done, request=also[0])
            if also[1] is not None:
                also[1](plan, done)
            if new_file is not None:
                new_file.write(receipt_json(done))
            prepared.append((plan, done))
    except driver_errors() as error:
        asked = request.in_flight()
        if not prepared or asked is None or not lost_connection(error):
            raise
        committed = outcome.learn(asked)
        request.done(committed=bool(committed))
        if committed is None:
            raise CannotTell(
                f"the connection to the database was lost while the erasure committed "
                f"({cause(error)}), and hushdesk could not reach it again to learn whether it "
                f"did: once it is back, `hushdesk log` shows an 'erasure request' entry with "
                f"reference {reference.strip()[:MAX_REFERENCE]} if it was erased"
            ) from None
        if not committed:
            raise
        plan, done = prepared[0]
        return plan, replace(done, confirmed_late=True)
    return prepared[0]


def _reason(reference: str, counts: Counts, plan: ErasurePlan) -> str:
    return (
        f"reference {reference}: {counts.contacts} contacts, {counts.attributes} attributes, "
        f"{counts.conversations} conversations, {counts.messages} messages, "
        f"{counts.messages_elsewhere} messages in others' conversations, "
        f"{counts.redactions} redactions, {len(plan.retained)} retained"
    )


def _receipt(
    reference: str, actor: str, counts: Counts, plan: ErasurePlan, entry: int, head: str
) -> Receipt:
    return Receipt(
        reference,
        clock.now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        actor,
        counts,
        [{"conversation": cid, "reason": "legal hold"} for cid in plan.retained],
        entry,
        head,
        unproven("not yet checked: the erasure is committing"),
        engine.Cleanup(0, True, "the erasure is committing"),
    )


def _after_commit(plan: ErasurePlan, done: Receipt) -> Receipt:
    """The clean-up and the proof: whatever fails here is pending, never a failure."""
    caught: tuple[type[BaseException], ...] = (*driver_errors(), HushdeskError, OSError)
    try:
        cleanup = engine.scrub()
        proof = prove(plan.person, cleanup)
    except caught as error:
        why = str(error) if isinstance(error, HushdeskError | OSError) else cause(error)
        cleanup = engine.Cleanup(0, True, f"it could not run ({why}); hushdesk finishes it later")
        proof = unproven(f"not checked: the database could not be read after the commit ({why})")
    return replace(done, cleanup=cleanup, proof=proof)


def _apply(plan: ErasurePlan, say: Progress) -> Counts:
    """Every change of the erasure, inside the caller's transaction."""
    contact_ids = plan.person.contact_ids
    remove(plan.conversations, lambda done, total: say(f"deleted {done} of {total}"))
    if plan.retained:
        Conversation.update(contact=None).where(Conversation.id.in_(plan.retained)).execute()
        engine.reindex(plan.retained, purge_later=True)
    elsewhere = sorted({w.conversation for w in plan.person.written if not w.held})
    for batch in engine.chunked(plan.written):
        Message.delete().where(Message.id.in_(batch)).execute()
    keys.renew_conversations(elsewhere)  # deleted records' keys go with them (cascade)
    for batch in engine.chunked(contact_ids):
        Attribute.delete().where(Attribute.contact.in_(batch)).execute()
        Contact.delete().where(Contact.id.in_(batch)).execute()
    say("profiles deleted")
    touched = sorted({m.conversation for m in plan.redactions})
    redactions = sum(redact_conversation(cid, plan.person.needles) for cid in touched)
    engine.reindex(sorted({*touched, *elsewhere}), purge_later=True)
    engine.owe_cleanup()
    say("mentions redacted")
    return Counts(
        len(plan.person.contacts),
        plan.attributes,
        len(plan.conversations),
        plan.messages,
        len(plan.written),
        redactions,
    )


def receipt_dict(receipt: Receipt) -> dict[str, object]:
    """The receipt as its file holds it: no personal data, not even the identifiers."""
    return {
        "reference": receipt.reference,
        "erased_at": receipt.erased_at,
        "agent": receipt.agent,
        "counts": receipt.counts.__dict__,
        "retained": receipt.retained,
        "log_entry": receipt.log_entry,
        "chain_head": receipt.chain_head,
        "verify_gone": receipt.proof.as_dict(),
        "cleanup": "done" if receipt.cleanup.done else f"pending: {receipt.cleanup.reason}",
        **({"request": receipt.request} if receipt.request else {}),
        "backups": after_erasure(receipt.erased_at),
    }


def receipt_json(receipt: Receipt) -> str:
    return json.dumps(receipt_dict(receipt), indent=2, ensure_ascii=False) + "\n"
