"""One message is one message: telling a copy of a message from a different one with its id.

A Message-ID names a message, but mailers reuse them by mistake and a hostile
sender can reuse one on purpose (to have a real message dropped as a
"duplicate"). So a message whose id came before is a copy only when its
sender or its text is the earlier one's too (a list's copy keeps the sender
and adds a footer; a forward keeps the text). Otherwise both are kept, the
later without its id (it threads by its subject), and the summary says so.

For a later import, each message's id is kept hashed with its sender and
with its text (`detail_keys`). Mail imported before those keys existed has
its id alone: a message with such an id is taken for a copy, as it was then,
and its detail keys are added so the next import can tell.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace

from ..store import engine
from ..store.schema import MailKey
from .keys import hashed, stored
from .reader import Read

UNCLEAR = "\x00unclear\x00"  # no address holds a NUL: the key of a sender-unclear "address"


@dataclass
class Sorted:
    fresh: list[Read] = field(default_factory=list)
    duplicates: int = 0
    reused: list[str] = field(default_factory=list)  # "message 4 <id>" of each kept reuse
    upgrades: dict[str, int] = field(default_factory=dict)  # detail keys for older imports


def who(read: Read) -> str:
    """The sender as keys and threads compare it: the address, or the unclear From's text."""
    return read.address if not read.unclear else f"{UNCLEAR}{read.name}"


def _text(read: Read) -> str:
    return hashlib.sha256(read.body.encode("utf-8", "surrogatepass")).hexdigest()


def detail_keys(read: Read) -> list[str]:
    """The keys of a message's id (kept or put aside) with its sender and with its text."""
    head = hashed(f"m:{read.message_id or read.reused_id}")
    return [f"{head}:f{hashed(who(read))[:16]}", f"{head}:t{_text(read)[:16]}"]


def identity(read: Read) -> str:
    return f"m:{read.message_id}" if read.message_id else f"b:{read.digest}"


def sort_out(found: list[Read]) -> Sorted:
    """The messages not stored before, copies counted, reused ids kept apart and named."""
    result = Sorted()
    ids = [hashed(identity(r)) for r in found]
    known = stored([*ids, *(k for r in found if r.message_id for k in detail_keys(r))])
    detailed = _detailed() if any(i in known for i in ids) else set()
    kept: dict[str, list[Read]] = {}  # an id (or bytes) -> the messages seen with it here
    for read, key in zip(found, ids, strict=True):
        earlier = kept.setdefault(key, [])
        copy = any(_same(read, other) for other in earlier)
        if not read.message_id:
            copy = copy or key in known
        elif not copy and key in known:
            mine = detail_keys(read)
            if any(k in known for k in mine):
                copy = True
            elif key not in detailed:  # imported before detail keys existed: a copy then
                copy = True
                result.upgrades.update((k, known[key]) for k in mine)
        earlier.append(read)
        if copy:
            result.duplicates += 1
        elif read.message_id and (key in known or len(earlier) > 1):
            result.reused.append(f"{read.label} <{read.message_id[:120]}>")
            result.fresh.append(replace(read, message_id="", reused_id=read.message_id))
        else:
            result.fresh.append(read)
    return result


def _same(read: Read, other: Read) -> bool:
    return who(read) == who(other) or read.body == other.body


def _detailed() -> set[str]:
    """The hashed ids that have detail keys (one pass over the keys, only when an id repeats)."""
    found: set[str] = set()
    for (key,) in engine.rows(MailKey.select(MailKey.key)):
        if len(key) > 33 and key[32] == ":":
            found.add(key[:32])
    return found
