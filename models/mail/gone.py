"""Deleted mail stays out: every deleted message leaves a tombstone, and no import passes one.

A message's copy stays on the server, in an old mbox or in a Maildir after
hushdesk deletes its conversation (a delete, a sweep, an erasure), so without
a trace of it the next fetch or import would bring it back. The trace holds
no personal data: an import keeps, beside each message's other keys, two
"grave" keys (a hash of its Message-ID, one of its bytes made alike as
`raw.normalised` makes them); when the conversation is deleted, each becomes
a tombstone in `mail_gone`, keyed with a random secret of this help desk
(HMAC-SHA256, the secret in the `setting` table, made on the first deletion),
so a tombstone cannot be matched against a guessed Message-ID without the
database, nor compared across help desks. A message whose Message-ID or bytes
have a tombstone is counted and left out, whatever its source.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from peewee import TextField

from ..store import engine
from ..store.schema import BaseModel, MailKey, Setting
from .keys import hashed

if TYPE_CHECKING:  # deleting loads no mail reading
    from .reader import Read

GRAVE = "g"  # prefix of the mail_key rows that become tombstones (never a hex digit)
SECRET = "tombstone_key"  # the setting holding the help desk's tombstone secret


class MailGone(BaseModel):
    """A tombstone: a keyed hash of a deleted message's Message-ID, or of its bytes."""

    key = TextField(primary_key=True)


def grave_keys(read: Read) -> list[str]:
    """The keys an import keeps of a message, to leave tombstones when it is deleted."""
    keys = [GRAVE + hashed(f"b:{read.digest}")]
    if read.message_id:  # a kept reuse of another's id has none: its tombstone is its bytes
        keys.append(GRAVE + hashed(f"m:{read.message_id}"))
    return keys


def _secret(make: bool) -> bytes | None:
    row = Setting.get_or_none(Setting.key == SECRET)
    if row is not None:
        return bytes.fromhex(str(row.value))
    if not make:
        return None
    value = secrets.token_hex(32)
    Setting.insert(key=SECRET, value=value).on_conflict_ignore().execute()
    return bytes.fromhex(str(Setting.get(Setting.key == SECRET).value))


def _tomb(secret: bytes, grave: str) -> str:
    return hmac.new(secret, grave.encode("ascii"), hashlib.sha256).hexdigest()[:40]


def bury(conversation_ids: Sequence[int]) -> None:
    """Inside the deleting transaction, before the conversations' keys go: their tombstones,
    and the server copies of their mail owed deletion (the next fetch deletes them)."""
    graves: list[str] = []
    for batch in engine.chunked(list(conversation_ids)):
        _owe_server_copies(batch)
        query = MailKey.select(MailKey.key).where(
            MailKey.conversation.in_(batch) & MailKey.key.startswith(GRAVE)
        )
        graves += [str(key) for (key,) in engine.rows(query)]
    if not graves:
        return
    secret = _secret(make=True)
    assert secret is not None
    tombs = sorted({_tomb(secret, grave) for grave in graves})
    for part in engine.chunked(tombs):
        rows = [(tomb,) for tomb in part]
        MailGone.insert_many(rows, fields=[MailGone.key]).on_conflict_ignore().execute()


def _owe_server_copies(conversation_ids: list[int]) -> None:
    """The intake's record of each message taken from a server names its conversation; its
    copy there goes with it (plain SQL: the intake's tables sit above this room)."""
    mark = engine.db.obj.param
    marks = ",".join([mark] * len(conversation_ids))
    engine.db.execute_sql(
        f"UPDATE intake_taken SET purge = {mark} WHERE conversation_id IN ({marks})",
        [True, *conversation_ids],
    )


def buried(found: Sequence[Read]) -> set[int]:
    """The indexes of messages that have a tombstone (their Message-ID's or their bytes')."""
    if not found or MailGone.select().limit(1).scalar() is None:
        return set()
    secret = _secret(make=False)
    if secret is None:
        return set()
    tombs = [[_tomb(secret, grave) for grave in grave_keys(read)] for read in found]
    known: set[str] = set()
    for batch in engine.chunked(sorted({t for ts in tombs for t in ts})):
        query = MailGone.select(MailGone.key).where(MailGone.key.in_(batch))
        known.update(str(key) for (key,) in engine.rows(query))
    return {index for index, ts in enumerate(tombs) if any(t in known for t in ts)}
