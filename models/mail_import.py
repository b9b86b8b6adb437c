"""Importing raw mail (an mbox, a Maildir, any source) as the help desk it holds: threads, ours.

1. Every message is read (`mail.reader`), once: the same bytes again, or a
   message with a Message-ID seen before (in this import or an earlier one)
   and the same sender or text, is a duplicate and is counted, not stored
   again; a different message with a taken id is kept (`mail.identity`). A
   message deleted here before (a tombstone of its Message-ID or bytes,
   `mail.gone`) is left out and counted.
2. Our own addresses are the setting, or `--ours`, or else inferred from all
   the desk's mail (`mail.ours`); a sender-unclear message's sender is a new
   contact marked so, never an existing one.
3. Messages are grouped into threads (`mail.threads`); a thread that names a
   message of an earlier import joins that conversation.
4. Each new thread becomes a conversation whose contact is its customer: the
   first person who is not us (or, when we wrote first, whom we wrote to);
   automatic mail (`mail.automatic`) is marked and is never the customer's.
   Our messages are agent messages, authored by our display name. Every other
   sender who is not us (a colleague in Cc, a second customer) has a contact
   of their own too, and their messages name it: a request finds them.
5. Rows are written in bulk, in one transaction, and indexed for search.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from . import settings
from .channels import ensure_channel
from .mail import gone as mail_gone
from .mail import identity as mail_identity
from .mail import message as mail
from .mail import ours as mail_ours
from .mail.keys import hashed
from .mail.keys import stored as _stored
from .mail.raw import RawMail
from .mail.reader import Progress, Read, Reading, read_messages
from .mail.references import REFERENCE_COLUMNS, reference_row
from .mail.threads import Letter, group, own_key, subject_key
from .store import clock, engine, outcome
from .store.schema import (
    ATTRIBUTE_COLUMNS,
    CONTACT_COLUMNS,
    CONVERSATION_COLUMNS,
    WRITTEN_COLUMNS,
    Contact,
    Conversation,
    stamp,
)
from .store.values import CUSTOMER, WRITER

UNCLEAR_ATTRIBUTE = ("sender", "unclear")  # the attribute of a sender-unclear contact


@dataclass
class MailResult:
    contacts: int = 0
    conversations: int = 0
    messages: int = 0
    joined: int = 0  # messages that joined conversations of an earlier import
    duplicates: int = 0  # messages already stored (same Message-ID or same bytes)
    ours: list[str] = field(default_factory=list)
    ours_from: str = ""  # "setting", "given" or "inferred" ("" when none)
    skipped: list[str] = field(default_factory=list)
    read: int = 0  # every item read: messages + duplicates + skipped
    undated: int = 0  # imported messages without a usable Date:
    unclear: int = 0  # imported messages whose sender is unclear (each a new contact)
    reused: list[str] = field(default_factory=list)  # kept though another message has its id
    suggested: str = ""  # an address that may be ours: said, not applied (see mail_ours)
    suggested_share: tuple[int, int] = (0, 0)  # (messages it received, messages of the desk)
    gone: int = 0  # messages deleted here before (a tombstone): left out
    placed: dict[str, int] = field(default_factory=dict)  # each imported message's conversation


def import_mail(
    items: Iterable[RawMail], ours: Sequence[str] | None, progress: Progress | None = None
) -> MailResult:
    """Import raw mail (from any source) in one transaction; `progress` hears of every batch."""
    return import_reading(read_messages(items, progress), ours)


def import_reading(reading: Reading, ours: Sequence[str] | None) -> MailResult:
    """Import mail already read, in one transaction (reading, the slow part, is done before
    it, so no write lock is held while messages are parsed)."""
    result = MailResult()
    result.read, result.skipped, result.duplicates = (
        reading.items,
        reading.skipped,
        reading.duplicates,
    )
    with outcome.transaction():
        found = _new_only(reading.found, result)
        _choose_ours(found, ours, result)
        result.undated = sum(1 for read in found if read.dated_by != "date")
        result.unclear = sum(1 for read in found if read.unclear)
        found = [replace(r, address=mail_identity.who(r)) if r.unclear else r for r in found]
        if found:
            _write(found, set(result.ours), result)
    return result


# duplicates and ours ---------------------------------------------------------------------------
def _new_only(found: list[Read], result: MailResult) -> list[Read]:
    """Drop messages deleted before (`mail_gone`) and copies of messages stored before (here
    or in an earlier import): `mail_identity`."""
    buried = mail_gone.buried(found)
    if buried:
        result.gone = len(buried)
        found = [read for index, read in enumerate(found) if index not in buried]
    sorted_out = mail_identity.sort_out(found)
    result.duplicates += sorted_out.duplicates
    result.reused = sorted_out.reused
    engine.insert_rows("mail_key", ("key", "conversation_id"), list(sorted_out.upgrades.items()))
    return sorted_out.fresh


def _choose_ours(found: list[Read], given: Sequence[str] | None, result: MailResult) -> None:
    if given:
        result.ours, result.ours_from = settings.set_ours(given, add=True), "given"
        return
    stored = settings.ours()
    if stored:
        result.ours, result.ours_from = stored, "setting"
        return
    inferred = mail_ours.infer(found)
    if inferred.applied:
        result.ours, result.ours_from = [inferred.address], "inferred"
    elif inferred.address:
        result.suggested = inferred.address
    result.suggested_share = (inferred.received, inferred.mail)


# threads --------------------------------------------------------------------------------------
def _party(read: Read, ours: set[str]) -> str:
    if read.address not in ours:
        return read.address
    return next((a for a in read.recipients if a not in ours), "")


def _letter(read: Read, ours: set[str]) -> Letter:
    return Letter(
        message_id=read.message_id,
        references=read.references,
        subject_key=mail.thread_subject(read.subject),
        reply=mail.is_reply(read.subject),
        party=_party(read, ours),
    )


@dataclass
class _Thread:
    members: list[int]
    own: list[str]  # hashed keys this thread stores
    asks: list[str]  # hashed keys that would name an earlier conversation
    conversation: int = 0  # an earlier import's conversation it joins (0: a new one)


def _threads(letters: list[Letter]) -> list[_Thread]:
    made = []
    for members in group(letters):
        own: list[str] = []
        asks: list[str] = []
        for index in members:
            letter = letters[index]
            if letter.message_id:
                own.append(hashed(own_key(index, letter)))
            asks += [hashed(f"m:{ref}") for ref in letter.references]
            if not letter.references and letter.subject_key:
                key = hashed(subject_key(letter))
                (asks if letter.reply else own).append(key)
        made.append(_Thread(members, own, asks))
    return made


# writing --------------------------------------------------------------------------------------
def _write(found: list[Read], ours: set[str], result: MailResult) -> None:
    letters = [_letter(read, ours) for read in found]
    threads = _threads(letters)
    known = _stored(k for t in threads for k in (*t.asks, *t.own))
    for thread in threads:
        thread.conversation = next((known[k] for k in thread.asks if k in known), 0)
    channel = ensure_channel("Email", "email").id
    new_threads = [t for t in threads if not t.conversation]
    people = _people(found, threads, ours, result)
    contacts = {
        t.members[0]: (people[a], a) for t in new_threads if (a := _customer(t, found, ours)[1])
    }
    earlier = _customers_of(t.conversation for t in threads if t.conversation)
    first = engine.reserve_ids("conversation", len(new_threads))
    conversations: list[tuple[object, ...]] = []
    messages: list[tuple[object, ...]] = []
    keys: dict[str, int] = {}
    references: list[tuple[object, ...] | None] = []
    joined: dict[int, datetime] = {}
    next_id = first
    for thread in threads:
        cid = thread.conversation
        if cid:
            last = found[thread.members[-1]].sent
            joined[cid] = max(joined.get(cid, last), last)
            result.joined += len(thread.members)
            customer = earlier.get(cid, "")
        else:
            cid, next_id = next_id, next_id + 1
            conversations.append(_conversation_row(cid, channel, thread, found, contacts))
            customer = contacts.get(thread.members[0], (0, ""))[1]
        messages += [_message_row(cid, found[i], ours, customer, people) for i in thread.members]
        references += [reference_row(cid, found[i], ours) for i in thread.members]
        result.placed.update((found[i].label, cid) for i in thread.members)
        _keep_keys(thread, found, known, cid, keys)
    engine.insert_rows("conversation", CONVERSATION_COLUMNS, conversations)
    engine.insert_rows("message", (*WRITTEN_COLUMNS, "automatic"), messages)
    engine.insert_rows("mail_key", ("key", "conversation_id"), list(keys.items()))
    engine.insert_rows("mail_reference", REFERENCE_COLUMNS, [r for r in references if r])
    _touch(joined)
    if conversations:
        engine.index_from(first, next_id - 1)
    engine.reindex(sorted(joined))
    result.conversations += len(conversations)
    result.messages += len(messages)


def _keep_keys(
    thread: _Thread, found: list[Read], known: dict[str, int], cid: int, keys: dict[str, int]
) -> None:
    """The keys a later import finds this thread by (those not stored already)."""
    for key in thread.own:
        if key not in known:
            keys.setdefault(key, cid)
    for index in thread.members:
        read = found[index]
        if not read.message_id:  # no id: found again by its bytes
            keys.setdefault(hashed(f"b:{read.digest}"), cid)
        if read.message_id or read.reused_id:  # a copy, or another message with its id
            keys.update(dict.fromkeys(mail_identity.detail_keys(read), cid))
        keys.update(dict.fromkeys(mail_ours.tally_keys(read, mail_identity.identity(read)), cid))
        keys.update(dict.fromkeys(mail_gone.grave_keys(read), cid))


def _customer(thread: _Thread, found: list[Read], ours: set[str]) -> tuple[str, str]:
    """The thread's customer: the first person (not a machine) who is not us, else the first
    sender not ours, else whom we wrote to first."""
    for automatic in (False, True):
        for index in thread.members:
            read = found[index]
            if read.address not in ours and (automatic or not read.automatic):
                return read.name, read.address
    first = found[thread.members[0]]
    return "", next((a for a in first.recipients if a not in ours), "")


def _people(
    found: list[Read], threads: list[_Thread], ours: set[str], result: MailResult
) -> dict[str, int]:
    """The contact of every address that is not ours: each new thread's customer and every
    sender; an existing contact with the address (the first), else a new one."""
    names: dict[str, str] = {}
    for thread in threads:
        if not thread.conversation:
            name, address = _customer(thread, found, ours)
            if address:
                names.setdefault(address, name)
        for index in thread.members:
            if found[index].address not in ours:
                names.setdefault(found[index].address, found[index].name)
    existing: dict[str, int] = {}
    real = sorted(a for a in names if not a.startswith(mail_identity.UNCLEAR))
    for batch in engine.chunked(real):
        query = Contact.select(Contact.email, Contact.id).where(Contact.email.in_(batch))
        for email, cid in engine.rows(query.order_by(Contact.id)):
            existing.setdefault(str(email), int(cid))
    rows: list[tuple[object, ...]] = []
    marks: list[tuple[object, ...]] = []
    new = sum(1 for address in names if address not in existing)
    next_id, now = engine.reserve_ids("contact", new), stamp(clock.now())
    for address, name in names.items():
        if address not in existing:
            existing[address], next_id = next_id, next_id + 1
            if address.startswith(mail_identity.UNCLEAR):  # never attached: no address at all
                rows.append((existing[address], name.strip()[:200], "", "", "", "", now))
                marks.append((existing[address], *UNCLEAR_ATTRIBUTE, "api", now))
            else:
                rows.append((existing[address], name.strip()[:200], address, "", "", "", now))
    engine.insert_rows("contact", CONTACT_COLUMNS, rows)
    engine.insert_rows("attribute", ATTRIBUTE_COLUMNS, marks)
    result.contacts += len(rows)
    return existing


def _conversation_row(
    cid: int,
    channel: int,
    thread: _Thread,
    found: list[Read],
    contacts: dict[int, tuple[int, str]],
) -> tuple[object, ...]:
    first, last = found[thread.members[0]], found[thread.members[-1]]
    contact = contacts.get(thread.members[0], (None, ""))[0]
    subject = next((found[i].subject for i in thread.members if found[i].subject), "")
    created, last_activity = stamp(first.sent), stamp(last.sent)
    return (cid, channel, contact, subject, "open", None, created, last_activity, False)


def _message_row(
    cid: int, read: Read, ours: set[str], customer: str, people: dict[str, int]
) -> tuple[object, ...]:
    """A message row: the customer's as "customer"; ours by our display name; anyone
    else's by their own contact, never by a copy of their name (a conversation whose
    contact is gone has no customer: every sender is someone's contact). An automatic
    message (an auto-reply, a bounce) is never the customer's: it is its sender contact's,
    marked with why."""
    marked = read.automatic
    if customer and read.address == customer and not marked:
        return (cid, CUSTOMER, read.body, stamp(read.sent), None, marked)
    if read.address in ours:
        return (cid, (read.name or read.address)[:200], read.body, stamp(read.sent), None, marked)
    return (cid, WRITER, read.body, stamp(read.sent), people.get(read.address), marked)


def _touch(newest: dict[int, datetime]) -> None:
    """Earlier conversations that got new messages: their last activity follows."""
    for cid, when in sorted(newest.items()):
        Conversation.update(last_activity=when).where(
            (Conversation.id == cid) & (Conversation.last_activity < when)
        ).execute()


def _customers_of(conversation_ids: Iterable[int]) -> dict[int, str]:
    """The contact's address of each earlier conversation a thread joins."""
    found: dict[int, str] = {}
    for batch in engine.chunked(sorted(set(conversation_ids))):
        query = (
            Conversation.select(Conversation.id, Contact.email)
            .join(Contact)
            .where(Conversation.id.in_(batch))
        )
        found.update((int(cid), str(email)) for cid, email in engine.rows(query))
    return found
