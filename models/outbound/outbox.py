"""The outbox: a reply from the moment an agent sends it until the server has accepted it.

A reply's row is written, with its Message-ID, before anything is tried; it
then moves through these states, each change its own committed transaction:

- `waiting`: due at `next_try_at` (never tried yet: shown "sending"; tried:
  "not sent yet", with the server's reason);
- `trying`: a sender has claimed it (`claim`, `claimed_at`) and is talking to
  the server; nothing it has sent can be delivered yet. A claim older than
  LEASE belongs to a sender that died, and another may take the row over;
- `final`: the commit point. The sender has sent the whole message but the
  line that ends DATA, and writes this state before it sends that line, only
  if its claim still holds: so at most one sender ever ends the DATA of a row.
  When the server answers 250 the reply becomes an agent message of its
  conversation and the row is deleted: the outbox holds no text after sending.
  A `final` row whose sender died may have been sent: it is never tried again
  by itself, but shown failed, saying so;
- `failed`: refused by the server (a 5xx answer, a login or TLS failure), or
  not accepted within GIVE_UP; `retry` puts it back to `waiting`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..mail.keys import hashed
from ..store import clock, engine, outcome
from ..store.errors import InvalidInput, NotFound, Refused
from ..store.guard import guarded
from ..store.schema import Conversation, MailKey, MailReference, Message, Outbox
from . import drafts
from .compose import Envelope, body_text, new_message_id
from .thread import addressing

WAITING, TRYING, FINAL, FAILED = "waiting", "trying", "final", "failed"
LEASE = timedelta(minutes=2)  # a claim older than this: its sender died (each wait is 30 s)
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=30)
GIVE_UP = timedelta(hours=4)  # not accepted for this long after sending (or a retry): failed
MAY_HAVE_BEEN_SENT = (
    "hushdesk stopped while the server was taking it, so it may have been sent; "
    "check the customer's thread before retrying (a retry sends it with the same Message-ID)"
)


@dataclass(frozen=True)
class Pending:
    """A reply not yet accepted by the server, as the conversation shows it."""

    id: int
    conversation_id: int
    agent: str
    shown: str  # "sending", "not sent yet" or "failed"
    reason: str  # the server's one line, or why it failed
    attempts: int
    next_try_at: datetime
    written_at: datetime
    subject: str
    body: str
    message_id: str


@dataclass(frozen=True)
class Claimed:
    """A reply a sender holds: what to send, and the claim that lets it end the DATA."""

    id: int
    claim: str
    envelope: Envelope


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`th failed try: 30 s, doubling, at most 30 minutes."""
    delay: timedelta = FIRST_DELAY * 2 ** max(attempts - 1, 0)
    return min(delay, MAX_DELAY)


def shown_state(state: str, attempts: int) -> str:
    if state == FAILED:
        return "failed"
    if state == WAITING and attempts:
        return "not sent yet"
    return "sending"


def _pending(row: Outbox) -> Pending:
    return Pending(
        row.id,
        row.conversation_id,
        row.agent,
        shown_state(row.state, row.attempts),
        row.reason,
        row.attempts,
        row.next_try_at,
        row.written_at,
        row.subject,
        row.body,
        row.message_id,
    )


@guarded
def queue_reply(
    conversation_id: int, agent: str, body: str, automatic_ok: bool = False
) -> Pending:
    """Put an agent's reply in the outbox, its Message-ID fixed; the draft goes.

    A reply to mail that looks automatic is refused unless `automatic_ok`: the
    agent was asked first.
    """
    body = drafts.check_body(body)
    if not body.strip():
        raise InvalidInput("the reply is empty")
    with outcome.transaction():
        plan = addressing(conversation_id)
        if plan.automatic and not automatic_ok:
            raise Refused(f"not sent: {plan.automatic}; send it only if you mean to")
        now = clock.now()
        row = Outbox.create(
            conversation=conversation_id,
            agent=agent[:200],
            message_id=new_message_id(plan.sender),
            sender=plan.sender,
            recipient=plan.recipient,
            subject=plan.subject,
            in_reply_to=plan.in_reply_to,
            refs=" ".join(plan.references),
            body=body_text(body),
            written_at=now,
            state=WAITING,
            since=now,
            next_try_at=now,
        )
        drafts.forget(conversation_id, agent)
    return _pending(row)


def _envelope(row: Outbox) -> Envelope:
    refs = tuple(r for r in str(row.refs).split(" ") if r)
    return Envelope(
        row.message_id,
        row.sender,
        row.recipient,
        row.subject,
        row.in_reply_to,
        refs,
        row.body,
        row.written_at,
    )


def _due(now: datetime) -> Any:
    """Rows to claim: due, or abandoned by a sender before the commit point."""
    due = (Outbox.state == WAITING) & (Outbox.next_try_at <= now)
    return due | ((Outbox.state == TRYING) & (Outbox.claimed_at < now - LEASE))


def _orphaned(now: datetime) -> Any:
    """Rows past the commit point whose sender died."""
    return (Outbox.state == FINAL) & (Outbox.claimed_at < now - LEASE)


@guarded
def anything_due() -> bool:
    """Whether a sender has anything to do: one read, no write lock taken."""
    now = clock.now()
    return bool(Outbox.select(Outbox.id).where(_due(now) | _orphaned(now)).exists())


@guarded
def claim_next() -> Claimed | None:
    """Claim the next reply that is due (or whose sender died before the commit point)."""
    with outcome.transaction():
        now = clock.now()
        _orphans_unsure(now)
        row = Outbox.select().where(_due(now)).order_by(Outbox.next_try_at, Outbox.id).first()
        if row is None:
            return None
        token = secrets.token_hex(8)
        taken = (
            Outbox.update(state=TRYING, claim=token, claimed_at=now, attempts=Outbox.attempts + 1)
            .where(
                (Outbox.id == row.id) & (Outbox.claim == row.claim) & (Outbox.state == row.state)
            )
            .execute()
        )
    return Claimed(row.id, token, _envelope(row)) if taken == 1 else None


def _orphans_unsure(now: datetime) -> None:
    """Rows past the commit point whose sender died: failed, "it may have been sent"."""
    Outbox.update(state=FAILED, reason=MAY_HAVE_BEEN_SENT).where(_orphaned(now)).execute()


@guarded
def passing_point(outbox_id: int, claim: str) -> bool:
    """The commit point, written just before the end of DATA: True when the claim holds."""
    with outcome.transaction():
        changed = (
            Outbox.update(state=FINAL, claimed_at=clock.now())
            .where((Outbox.id == outbox_id) & (Outbox.claim == claim) & (Outbox.state == TRYING))
            .execute()
        )
    return bool(changed == 1)


@guarded
def accepted(outbox_id: int, claim: str) -> int | None:
    """The server took it: an agent message of its conversation, the outbox row deleted.

    None when the row is gone (its conversation was deleted meanwhile).
    """
    with outcome.transaction():
        row = Outbox.get_or_none((Outbox.id == outbox_id) & (Outbox.claim == claim))
        if row is None:
            return None
        return _stored_as_sent(row)


def _stored_as_sent(row: Outbox) -> int:
    """Inside a transaction: the reply becomes an agent message, its outbox row goes."""
    now = clock.now()
    cid = row.conversation_id
    Message.create(conversation=cid, author=row.agent, body=row.body, sent_at=now)
    MailReference.create(conversation=cid, message_id=row.message_id, sent_at=now, ours=True)
    # the customer's answer finds this conversation by our id, as an import's reply does
    key = hashed(f"m:{row.message_id}")
    MailKey.insert(key=key, conversation=cid).on_conflict_ignore().execute()
    Conversation.update(last_activity=now).where(
        (Conversation.id == cid) & (Conversation.last_activity < now)
    ).execute()
    row.delete_instance()
    engine.reindex([cid])
    return int(cid)


def _uncertain() -> Any:
    return (Outbox.state == FAILED) & Outbox.reason.startswith(MAY_HAVE_BEEN_SENT)


@guarded
def uncertain_replies() -> list[tuple[int, str]]:
    """Failed replies that may have been sent (a kill past the commit point): id, Message-ID."""
    with outcome.transaction():
        _orphans_unsure(clock.now())
    return [(r.id, r.message_id) for r in Outbox.select().where(_uncertain()).order_by(Outbox.id)]


@guarded
def found_sent(outbox_id: int) -> int | None:
    """A reply that may have been sent was found on the mail side: stored as sent, as
    `accepted` stores it. None when it is no longer uncertain (retried, sent, deleted)."""
    with outcome.transaction():
        row = Outbox.get_or_none((Outbox.id == outbox_id) & _uncertain())
        if row is None:
            return None
        return _stored_as_sent(row)


@guarded
def not_accepted(outbox_id: int, claim: str, reason: str, permanent: bool) -> str:
    """The server did not take it: tried again later, or failed; the state it is now in."""
    with outcome.transaction():
        row = Outbox.get_or_none((Outbox.id == outbox_id) & (Outbox.claim == claim))
        if row is None:
            return ""
        now = clock.now()
        state = FAILED if permanent or now - row.since >= GIVE_UP else WAITING
        Outbox.update(
            state=state,
            claim="",
            reason=reason[:300],
            next_try_at=now + backoff(row.attempts),
        ).where(Outbox.id == outbox_id).execute()
    return state


@guarded
def unsure(outbox_id: int, claim: str, reason: str) -> None:
    """The end of DATA went out and no answer came: it may have been sent; never retried
    by itself."""
    with outcome.transaction():
        Outbox.update(
            state=FAILED, claim="", reason=f"{MAY_HAVE_BEEN_SENT} ({reason[:200]})"
        ).where((Outbox.id == outbox_id) & (Outbox.claim == claim)).execute()


@guarded
def retry_reply(outbox_id: int) -> Pending:
    """Try a failed reply again, now (with the same Message-ID)."""
    with outcome.transaction():
        row = Outbox.get_or_none(Outbox.id == outbox_id)
        if row is None:
            raise NotFound(f"no reply #{outbox_id} in the outbox")
        if row.state != FAILED:
            raise Refused(
                f"reply #{outbox_id} has not failed: it is {shown_state(row.state, row.attempts)}"
            )
        now = clock.now()
        Outbox.update(
            state=WAITING, claim="", attempts=0, since=now, next_try_at=now, reason=""
        ).where(Outbox.id == outbox_id).execute()
        row = Outbox.get_by_id(outbox_id)
    return _pending(row)


@guarded
def pending_replies(conversation_id: int | None = None) -> list[Pending]:
    """Replies not yet accepted (of one conversation, or all), oldest first."""
    query = Outbox.select().order_by(Outbox.written_at, Outbox.id)
    if conversation_id is not None:
        query = query.where(Outbox.conversation == conversation_id)
    return [_pending(row) for row in query]


@guarded
def retry_failed(conversation_id: int) -> int:
    """Try every failed reply of a conversation again, now; how many there were."""
    with outcome.transaction():
        now = clock.now()
        return int(
            Outbox.update(
                state=WAITING, claim="", attempts=0, since=now, next_try_at=now, reason=""
            )
            .where((Outbox.conversation == conversation_id) & (Outbox.state == FAILED))
            .execute()
        )
