"""The Message-IDs a reply threads by: each stored mail's own, kept with its conversation.

A reply's In-Reply-To and References name the messages it answers, so the
customer's mail client shows it in their thread. Only ids that can be written
back into a header as they are (printable ASCII, no space or angle bracket)
are kept; the rows go with their conversation.
"""

from __future__ import annotations

import re
from collections.abc import Set

from ..store.schema import stamp
from .reader import Read

REFERENCE_COLUMNS = ("conversation_id", "message_id", "sent_at", "automatic", "ours")
SAFE_ID = re.compile(r"^[\x21-\x3b\x3d\x3f-\x7e]{1,250}@[\x21-\x3b\x3d\x3f-\x7e]{1,250}$")


def writable(message_id: str) -> bool:
    """True when the id can go into a header as it is: no space, no bracket, no line break."""
    return bool(SAFE_ID.match(message_id)) and "@" not in message_id.split("@", 1)[1]


def reference_row(cid: int, read: Read, ours: Set[str]) -> tuple[object, ...] | None:
    """The row keeping `read`'s Message-ID for its conversation, or None when it has none."""
    if not writable(read.message_id):
        return None
    return (cid, read.message_id, stamp(read.sent), bool(read.automatic), read.address in ours)
