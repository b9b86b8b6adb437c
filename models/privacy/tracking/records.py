"""Requests as records: open one, list them by their clock, show its trail, extend, end it.

A request is received, waiting for identity, or extended while it is open, and
done or refused once it has ended (the clock does not stop while hushdesk waits
for the requester's identity: it counts from receipt). Every change is one
transaction that adds a step to the trail; bad input (an unknown reference, a
date in the future, an extension too late or too long) is refused in one line
and changes nothing. What is kept never names the person beyond the
identifiers while the request is open: a reference or a reason that holds
their name, email or phone is refused (`erasure.names_person`), and ending a
request seals its identifiers (`sealing`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from peewee import IntegrityError

from ... import settings
from ...store import clock, engine, outcome
from ...store.errors import InvalidInput, NotFound, Refused
from ...store.guard import guarded
from ...store.schema import Contact, Conversation, Message
from ..erasure import check_reference, names_person
from ..identifiers import parse_all
from ..needles import Needles
from ..people import Person, find_person
from . import month, sealing
from .asking import first_ask
from .tables import PrivacyRequest, RequestStep

KINDS = ("access", "erasure")
RECEIVED, IDENTITY, EXTENDED, DONE, REFUSED = (
    "received",
    "waiting for identity",
    "extended",
    "done",
    "refused",
)
OPEN_STATES = (RECEIVED, IDENTITY, EXTENDED)
MAX_REASON = 500
EARLIEST = date(1970, 1, 1)
MAX_IDENTIFIERS = 20
DAY_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRIES = 5


@dataclass(frozen=True)
class RequestInfo:
    reference: str
    kind: str
    state: str
    received_on: date
    due_on: date
    extended_months: int
    identifiers: list[str]  # as given while open; keyed hashes once sealed
    sealed: bool
    conversation: int | None
    days_left: int  # by today's date: 0 on the day it is due, negative once overdue
    standing: str  # "overdue", "due soon", "on time", or "ended"

    @property
    def open(self) -> bool:
        return self.state in OPEN_STATES


@dataclass(frozen=True)
class TrailStep:
    at: datetime
    what: str
    note: str
    actor: str


@dataclass(frozen=True)
class Opened:
    request: RequestInfo
    matched: bool  # False: the identifiers match no one yet


def parse_day(text: str, what: str = "date") -> date:
    """A day written YYYY-MM-DD; refuses anything else in one line."""
    given = (text or "").strip()
    try:
        if not DAY_RE.fullmatch(given):
            raise ValueError
        return date.fromisoformat(given)
    except ValueError:
        raise InvalidInput(f"the {what} {given[:20]!r} is not a day (YYYY-MM-DD)") from None


def _past(day: date, what: str) -> date:
    if day > month.today():
        raise InvalidInput(f"the {what} {day.isoformat()} is in the future")
    if day < EARLIEST:
        raise InvalidInput(f"the {what} {day.isoformat()} is before 1970")
    return day


def info(row: PrivacyRequest) -> RequestInfo:
    due = date.fromisoformat(str(row.due_on))
    today = month.today()
    state = str(row.state)
    standing = month.standing(due, today) if state in OPEN_STATES else "ended"
    return RequestInfo(
        str(row.reference),
        str(row.kind),
        state,
        date.fromisoformat(str(row.received_on)),
        due,
        int(row.extended_months),
        list(json.loads(str(row.identifiers))),
        bool(row.sealed),
        getattr(row, "conversation_id", None),  # the id, without reading the row
        month.days_left(due, today),
        standing,
    )


def _row(reference: str) -> PrivacyRequest:
    text = (reference or "").strip()
    row = PrivacyRequest.get_or_none(PrivacyRequest.reference == text[:200])
    if row is None:
        raise NotFound(f"no request {text[:60]!r}")
    return row


def open_row(reference: str) -> PrivacyRequest:
    row = _row(reference)
    if str(row.state) not in OPEN_STATES:
        raise Refused(f"request {row.reference} has ended ({row.state}); nothing was changed")
    return row


def step(row: PrivacyRequest, what: str, note: str = "", actor: str = "") -> None:
    """One more step of the request's trail (inside the caller's transaction)."""
    RequestStep.create(request=row.id, at=clock.now(), what=what, note=note, actor=actor)


def person_of(identifiers: Sequence[str]) -> Person | None:
    """The person the identifiers name, or None when they name no one yet."""
    try:
        return find_person(identifiers)
    except NotFound:
        return None


def _bare(identifiers: Sequence[str]) -> Person:
    """A person known only by identifiers: what a text must not hold of someone not found."""
    given, unplaced = parse_all(list(identifiers), settings.region())
    return Person(given, unplaced, [], [], [], [], [], Needles([]), [])


def check_text(text: str, identifiers: Sequence[str], what: str) -> str:
    """A reason kept in the trail: printable, not too long, and naming no one."""
    given = (text or "").strip()
    if not given or len(given) > MAX_REASON or not given.isprintable():
        raise InvalidInput(f"the {what} is 1 to {MAX_REASON} printable characters")
    if _names(given, identifiers):
        raise InvalidInput(f"the {what} must not hold the person's name, email or phone")
    return given


def _names(text: str, identifiers: Sequence[str]) -> bool:
    person = person_of(identifiers)
    return names_person(text, person or _bare(identifiers))


def _asked(conversation: int | None, identifiers: Sequence[str]) -> tuple[list[str], date | None]:
    """The identifiers (the conversation's contact's, when none are given) and the day its
    first message that asks was sent (else its first message's: its subject may ask)."""
    if conversation is None:
        return list(identifiers), None
    row = Conversation.get_or_none(Conversation.id == conversation)
    if row is None:
        raise NotFound(f"no conversation #{conversation}")
    messages = list(
        Message.select(Message.body, Message.sent_at)
        .where(Message.conversation == conversation)
        .order_by(Message.sent_at, Message.id)
    )
    asked = first_ask(m.body for m in messages)
    sent = messages[asked[0] if asked else 0].sent_at.date() if messages else None
    if identifiers:
        return list(identifiers), sent
    cid = getattr(row, "contact_id", None)  # the id, without reading the contact
    contact = Contact.get_or_none(Contact.id == cid) if cid is not None else None
    if contact is None:
        raise InvalidInput(f"conversation #{conversation} has no contact: name the person")
    found = [str(v) for v in (contact.email, contact.phone) if v] or [f"#{contact.id}"]
    return found, sent


def _reference(received: date) -> str:
    """REQ-YYYY-NNNN: the next number of the year it was received."""
    prefix = f"REQ-{received.year}-"
    taken = PrivacyRequest.select(PrivacyRequest.reference).where(
        PrivacyRequest.reference.startswith(prefix)
    )
    numbers = [int(r[len(prefix) :]) for (r,) in engine.rows(taken) if r[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:04d}"


def _create(reference: str | None, day: date, **fields: object) -> PrivacyRequest:
    """The new row; a default reference another agent took meanwhile (PostgreSQL lets two
    transactions count at once) is counted again, in a savepoint."""
    for attempt in range(TRIES):
        try:
            with engine.db.atomic():
                return PrivacyRequest.create(reference=reference or _reference(day), **fields)
        except IntegrityError:
            if reference is not None or attempt == TRIES - 1:
                raise Refused("that request's reference was taken meanwhile; try again") from None
    raise AssertionError("unreachable")


@guarded
def open_request(
    kind: str,
    identifiers: Sequence[str],
    actor: str,
    received: date | None = None,
    reference: str | None = None,
    conversation: int | None = None,
) -> Opened:
    """Record a request; its clock runs from `received` (else the day the conversation
    asked, else today). Identifiers that match no one yet are recorded, and said so."""
    if kind not in KINDS:
        raise InvalidInput(f"a request is for {' or '.join(KINDS)}, not {str(kind)[:20]!r}")
    if len(identifiers) > MAX_IDENTIFIERS:
        raise InvalidInput(f"a request names at most {MAX_IDENTIFIERS} identifiers")
    with outcome.transaction():
        given, asked_on = _asked(conversation, identifiers)
        parse_all(given, settings.region())  # refuses what is not an identifier
        day = _past(received or asked_on or month.today(), "received date")
        person = person_of(given)
        if reference is not None:
            reference = check_reference(reference, person or _bare(given))
            if PrivacyRequest.get_or_none(PrivacyRequest.reference == reference):
                raise Refused(f"a request {reference} exists already; nothing was changed")
        row = _create(
            reference,
            day,
            kind=kind,
            state=RECEIVED,
            received_on=day.isoformat(),
            due_on=month.due_on(day).isoformat(),
            identifiers=json.dumps(given, ensure_ascii=False),
            salt=sealing.new_key(),
            conversation=conversation,
            opened_at=clock.now(),
        )
        where = f" from conversation #{conversation}" if conversation is not None else ""
        step(row, RECEIVED, f"{kind} request received {day.isoformat()}{where}", actor)
        if person is None:
            step(row, "note", "its identifiers match no one yet", actor)
    return Opened(info(row), person is not None)


@guarded
def get_request(reference: str) -> RequestInfo:
    return info(_row(reference))


@guarded
def request_trail(reference: str) -> list[TrailStep]:
    """Every step of the request, oldest first."""
    row = _row(reference)
    query = RequestStep.select().where(RequestStep.request == row.id).order_by(RequestStep.id)
    return [TrailStep(s.at, str(s.what), str(s.note), str(s.actor)) for s in query]


@guarded
def list_requests(
    due_within: int | None = None, overdue: bool = False, ended: bool = False
) -> list[RequestInfo]:
    """Open requests (and ended ones with `ended`), soonest due first; `overdue` keeps those
    past their day, `due_within` those due within that many days (the overdue included)."""
    query = PrivacyRequest.select()
    if not ended:
        query = query.where(PrivacyRequest.state.in_(OPEN_STATES))
    today = month.today()
    found = [info(r) for r in query.order_by(PrivacyRequest.due_on, PrivacyRequest.id)]
    if overdue:
        found = [r for r in found if r.open and r.due_on < today]
    if due_within is not None:
        found = [r for r in found if r.open and r.days_left <= due_within]
    return found


@guarded
def due_requests() -> list[RequestInfo]:
    """Open requests overdue or due within `month.SOON_DAYS` days: what the app and the
    sweep show."""
    return list_requests(due_within=month.SOON_DAYS)


@guarded
def extend_request(
    reference: str, months: int, reason: str, told: date, actor: str
) -> RequestInfo:
    """Extend the clock by `months` (two in all, at most), the requester told on `told`,
    which must lie within the first month."""
    with outcome.transaction():
        row = open_row(reference)
        received = date.fromisoformat(str(row.received_on))
        if months not in (1, 2):
            raise InvalidInput("an extension is of 1 or 2 months")
        total = int(row.extended_months) + months
        if total > month.MAX_EXTENSION:
            raise Refused(
                f"request {row.reference} is extended by {row.extended_months} already: "
                f"{month.MAX_EXTENSION} months in all at most; nothing was changed"
            )
        _past(told, "date the requester was told")
        limit = month.first_month_end(received)
        if told < received or told > limit:
            raise Refused(
                f"the requester must be told within the first month ({received.isoformat()} "
                f"to {limit.isoformat()}), not {told.isoformat()}; nothing was changed"
            )
        why = check_text(reason, json.loads(str(row.identifiers)), "reason")
        due = month.due_on(received, total)
        PrivacyRequest.update(extended_months=total, due_on=due.isoformat(), state=EXTENDED).where(
            PrivacyRequest.id == row.id
        ).execute()
        step(
            row,
            EXTENDED,
            f"by {months} month{'s' * (months > 1)}, told {told.isoformat()}: {why}",
            actor,
        )
    return get_request(row.reference)


@guarded
def wait_for_identity(reference: str, actor: str) -> RequestInfo:
    """The requester was asked to prove who they are (the clock keeps running)."""
    with outcome.transaction():
        row = open_row(reference)
        PrivacyRequest.update(state=IDENTITY).where(PrivacyRequest.id == row.id).execute()
        step(row, IDENTITY, "the requester was asked to confirm their identity", actor)
    return get_request(row.reference)


def seal(row: PrivacyRequest) -> None:
    """Replace the identifiers by their keyed hashes (inside the caller's transaction), and
    the request's backup key: older backups hold the identifiers under a key now gone. The
    old identifiers and key leave the files as deleted text does (the clean-up is owed)."""
    from ...backup.keys import renew_requests

    if row.sealed:
        return
    renew_requests([int(row.id)])
    engine.owe_cleanup()
    given = json.loads(str(row.identifiers))
    hashes = sealing.sealed(str(row.salt), given, settings.region())
    PrivacyRequest.update(identifiers=json.dumps(hashes), sealed=True).where(
        PrivacyRequest.id == row.id
    ).execute()


def end(row: PrivacyRequest, state: str, note: str, actor: str) -> None:
    """End the request (done or refused) and seal it, inside the caller's transaction."""
    seal(row)
    PrivacyRequest.update(state=state, closed_at=clock.now()).where(
        PrivacyRequest.id == row.id
    ).execute()
    step(row, state, note, actor)


@guarded
def close_request(reference: str, actor: str) -> RequestInfo:
    """The request is answered: done, and its identifiers sealed."""
    with outcome.transaction():
        row = open_row(reference)
        end(row, DONE, "closed by the agent", actor)
    return get_request(row.reference)


@guarded
def refuse_request(reference: str, reason: str, actor: str) -> RequestInfo:
    """The request is refused (manifestly unfounded, identity not proven, ...), with why."""
    with outcome.transaction():
        row = open_row(reference)
        why = check_text(reason, json.loads(str(row.identifiers)), "reason")
        end(row, REFUSED, why, actor)
    return get_request(row.reference)


@guarded
def request_names(reference: str, identifier: str) -> bool:
    """Whether the request named `identifier` (as given, or by its keyed hash once sealed)."""
    row = _row(reference)
    region = settings.region()
    stored = json.loads(str(row.identifiers))
    if row.sealed:
        return sealing.matches(str(row.salt), stored, identifier, region)
    key = sealing.new_key()
    return sealing.matches(key, sealing.sealed(key, stored, region), identifier, region)
