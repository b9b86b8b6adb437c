"""Redaction: replacing texts in one conversation with [redacted], leaving no byte of them.

An agent names the texts (`hushdesk redact`, the app's `R`); an erasure names
the person (`erasure`). Either way the needles (`needles`) find each text on
the original subject and messages, in any case, accents or spacing, and the
spans they found are what is replaced: a match is never located in a changed
copy and applied to the original. A held conversation is never changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import log
from ..backup import keys
from ..store import engine, outcome
from ..store.errors import InvalidInput, NotFound, Refused
from ..store.guard import guarded
from ..store.schema import Conversation, MailReference, Message, Outbox, ReplyDraft
from ..text.folding import Folded, fold
from .needles import Needles, text_needle

MAX_TEXT = 1000


def redact_conversation(conversation_id: int, needles: Needles) -> int:
    """Replace every sure hit in one conversation's subject and messages (caller's transaction)."""
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
    if total:
        keys.renew_conversations([conversation_id])  # older backups keep it unreadable
    return total + redact_replies(conversation_id, needles)


def _reply_texts(conversation_id: int) -> list[str]:
    """The drafts' and unsent replies' texts of a conversation."""
    drafts = ReplyDraft.select(ReplyDraft.body).where(ReplyDraft.conversation == conversation_id)
    unsent = Outbox.select(Outbox.body).where(Outbox.conversation == conversation_id)
    return [str(d.body) for d in drafts] + [str(u.body) for u in unsent]


def redact_replies(conversation_id: int, needles: Needles) -> int:
    """The conversation's drafts and unsent replies redacted too; a Message-ID holding a
    hit is forgotten (a reply then names one message fewer of the thread)."""
    total = 0
    for draft in ReplyDraft.select().where(ReplyDraft.conversation == conversation_id):
        body, count = needles.redact(draft.body)
        if count:
            ReplyDraft.update(body=body).where(
                (ReplyDraft.conversation == conversation_id) & (ReplyDraft.agent == draft.agent)
            ).execute()
            total += count
    for row in Outbox.select().where(Outbox.conversation == conversation_id):
        (body, in_body), (subject, in_subject) = (
            needles.redact(row.body),
            needles.redact(row.subject),
        )
        if in_body or in_subject:
            Outbox.update(body=body, subject=subject).where(Outbox.id == row.id).execute()
            total += in_body + in_subject
    for ref in MailReference.select().where(MailReference.conversation == conversation_id):
        if needles.redact(ref.message_id)[1]:
            MailReference.delete().where(MailReference.id == ref.id).execute()
            total += 1
    return total


def check_texts(texts: Sequence[str]) -> list[str]:
    wanted = [t.strip() for t in texts if t.strip()]
    if not wanted:
        raise InvalidInput("give at least one text to redact")
    if any(len(t) > MAX_TEXT or not t.isprintable() for t in wanted):
        raise InvalidInput(f"a text to redact is at most {MAX_TEXT:,} printable characters")
    if any(not fold(t).strip() for t in wanted):
        raise InvalidInput("a text to redact needs a letter, digit or sign, not only accents")
    return wanted


@guarded
def redact(conversation_id: int, texts: Sequence[str], actor: str) -> tuple[int, engine.Cleanup]:
    """Replace each text (any case) in one conversation with [redacted]; all must be there."""
    actor = log.check_actor(actor)
    wanted = check_texts(texts)
    needles = Needles([text_needle(t) for t in wanted])
    with outcome.transaction():
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
    """Every text must be found, by the same needles that will replace it."""
    texts = [subject] + [
        str(m.body)
        for m in Message.select(Message.body).where(Message.conversation == conversation_id)
    ]
    texts += _reply_texts(conversation_id)
    folded = [Folded(text) for text in texts]
    for text in wanted:
        needle = fold(text)
        if not any(f.spans(needle) for f in folded):
            raise InvalidInput(
                f"{text[:60]!r} is not in conversation #{conversation_id}; nothing was redacted"
            )
