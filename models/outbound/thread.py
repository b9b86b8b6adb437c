"""Whom a reply goes to and from, and what it answers: read from its conversation.

From is the help desk's address the customer wrote to (the `ours` address
that received this conversation's mail, found by the hashes imports keep),
else the first of ours. To is the conversation's contact. In-Reply-To names
the newest message not ours; References every stored id of the thread, oldest
first (the first and the newest, when there are many), as RFC 5322 asks.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from .. import settings
from ..mail import keys as mail_keys
from ..mail.message import ADDRESS_RE, is_reply
from ..mail.references import writable
from ..store import engine
from ..store.errors import NotFound, Refused
from ..store.guard import guarded
from ..store.schema import Channel, Contact, Conversation, MailReference
from .compose import one_line

MAX_REFERENCES = 20
AUTOMATIC = (
    "the mail it answers looks automatic (Auto-Submitted, a list or bulk mail, or a bounce): "
    "a reply may start a loop"
)


@dataclass(frozen=True)
class Addressing:
    conversation_id: int
    sender: str
    recipient: str
    subject: str
    in_reply_to: str
    references: tuple[str, ...]
    automatic: str  # "" or why the mail answered looks automatic


@guarded
def reply_to(conversation_id: int) -> Addressing:
    """How a reply to this conversation would be addressed (asked before writing one)."""
    return addressing(conversation_id)


def addressing(conversation_id: int) -> Addressing:
    """How a reply to this conversation is addressed; refuses what cannot be answered."""
    row = (
        Conversation.select(Conversation.subject, Channel.kind, Channel.name, Contact.email)
        .join(Channel)
        .switch(Conversation)
        .join(Contact, JOIN.LEFT_OUTER)
        .where(Conversation.id == conversation_id)
        .tuples()
        .first()
    )
    if row is None:
        raise NotFound(f"no conversation #{conversation_id}")
    subject, kind, channel, email = row
    if kind != "email":
        raise Refused(
            f"{channel} conversations cannot be answered from hushdesk yet; email ones can"
        )
    if not email:
        raise Refused("this conversation has no customer address to answer (no contact email)")
    if not deliverable(str(email)):
        raise Refused("the contact's email is not an address mail can be sent to")
    ours = settings.ours()
    if not ours:
        raise Refused("set the help desk's own address first: hushdesk settings ours ADDRESS")
    ids, newest, automatic = _thread(conversation_id)
    return Addressing(
        conversation_id,
        _our_address(conversation_id, ours),
        str(email),
        reply_subject(str(subject)),
        newest,
        ids,
        AUTOMATIC if automatic else "",
    )


def deliverable(address: str) -> bool:
    """A plain ASCII address, as mail servers take it."""
    return bool(ADDRESS_RE.match(address)) and address.isascii() and len(address) <= 254


def reply_subject(subject: str) -> str:
    """ "Re: " and the conversation's subject, on one line."""
    shown = one_line(subject) or "(no subject)"
    return shown if is_reply(shown) else f"Re: {shown}"


def _our_address(conversation_id: int, ours: list[str]) -> str:
    mark = engine.db.obj.param
    sql = f"SELECT 1 FROM mail_key WHERE key LIKE {mark} AND conversation_id = {mark} LIMIT 1"
    for address in ours:
        prefix = mail_keys.received_prefix(address) + "%"
        if engine.db.execute_sql(sql, [prefix, conversation_id]).fetchone():
            return address
    return ours[0]


def _thread(conversation_id: int) -> tuple[tuple[str, ...], str, bool]:
    """The thread's ids (oldest first, at most MAX_REFERENCES), the one answered, and
    whether that one was automatic."""
    query = (
        MailReference.select(MailReference.message_id, MailReference.automatic, MailReference.ours)
        .where(MailReference.conversation == conversation_id)
        .order_by(MailReference.sent_at, MailReference.id)
    )
    rows = [(str(m), bool(a), bool(o)) for m, a, o in engine.rows(query) if writable(str(m))]
    ids = list(dict.fromkeys(m for m, _, _ in rows))
    if len(ids) > MAX_REFERENCES:
        ids = [ids[0], *ids[-(MAX_REFERENCES - 1) :]]
    theirs = [(m, a) for m, a, o in rows if not o]
    answered = theirs[-1] if theirs else (rows[-1][0], False) if rows else ("", False)
    return tuple(ids), answered[0], answered[1]
