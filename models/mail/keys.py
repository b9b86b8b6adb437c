"""What the database keeps of imported mail to find it again: hashes, tied to conversations.

`mail_key` holds a hash of each message's Message-ID (or bytes), of a thread's
subject with its customer, of a message's id with its sender and with its
text, and of each address a message was sent to; never the id, address,
subject or text itself. Each row names its conversation and goes with it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from ..store import engine
from ..store.schema import MailKey

RECEIVED = "r"  # prefix of "this address received that message" keys (never a hex digit)


def hashed(key: str) -> str:
    """A hash, never the id, address or subject itself."""
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]


def stored(keys: Iterable[str]) -> dict[str, int]:
    """The stored keys among `keys`, with their conversations (none asked of an empty table)."""
    found: dict[str, int] = {}
    if MailKey.select().limit(1).scalar() is None:
        return found
    mark = engine.db.obj.param  # plain statements: thousands of keys, no query objects
    for batch in engine.chunked(sorted(set(keys))):
        marks = ",".join([mark] * len(batch))
        sql = f"SELECT key, conversation_id FROM mail_key WHERE key IN ({marks})"
        found.update((str(k), int(c)) for k, c in engine.db.execute_sql(sql, batch).fetchall())
    return found


def starting(prefix: str) -> int:
    """How many stored keys start with `prefix` (letters and digits only: no LIKE wildcards).

    LIKE, not a range of the index: PostgreSQL compares text by the database's
    collation, which need not order these keys as bytes do.
    """
    mark = engine.db.obj.param
    sql = f"SELECT COUNT(*) FROM mail_key WHERE key LIKE {mark}"
    row = engine.db.execute_sql(sql, [prefix + "%"]).fetchone()
    return int(row[0]) if row else 0


def received_key(address: str, identity: str) -> str:
    """ "`address` received the message `identity`": counted by `starting(received_prefix(a))`."""
    return f"{received_prefix(address)}{hashed(identity)[:12]}"


def received_prefix(address: str) -> str:
    return f"{RECEIVED}{hashed('to:' + address)[:20]}"
