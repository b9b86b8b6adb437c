"""Our addresses are the help desk's, not one import's: inferring them from all the desk's mail.

Without `--ours` or the setting, the address most messages of an import were
sent to is a candidate. It is applied (for this import; never kept) only
when it received a third of all the mail the desk holds: the mail already
stored (every imported message keeps a hash of each address it was sent to,
`mail_keys.received_key`, and every message of an Email conversation counts
as mail) plus this import. Otherwise it is only a suggestion, printed: half a
mailbox whose replies went mostly to one customer never makes that customer
us, when the rest of the desk's mail says otherwise.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ..store.schema import Channel, Conversation, Message
from . import keys as mail_keys
from .reader import Read

SHARE = 3  # an address of ours received at least 1/SHARE of the mail
MAX_TALLIED = 20  # recipients of one message whose hash is kept


@dataclass(frozen=True)
class Inference:
    address: str  # "" when no address received a third of this import
    applied: bool  # it received a third of all the desk's mail too
    received: int  # messages of the desk (stored and this import) sent to it
    mail: int  # messages the desk holds, with this import's


def infer(found: Sequence[Read]) -> Inference:
    """The import's candidate for our address, and whether the desk's mail bears it out."""
    counts = Counter(a for read in found for a in set(read.recipients))
    if not counts:
        return Inference("", False, 0, 0)
    address, here = counts.most_common(1)[0]
    if here < max(2, len(found) / SHARE):
        return Inference("", False, 0, 0)
    received = here + mail_keys.starting(mail_keys.received_prefix(address))
    mail = len(found) + _stored_mail()
    return Inference(address, received * SHARE >= mail, received, mail)


def _stored_mail() -> int:
    """Messages of Email conversations: the mail the desk holds."""
    query = (
        Message.select(Message.id).join(Conversation).join(Channel).where(Channel.kind == "email")
    )
    return int(query.count())


def tally_keys(read: Read, identity: str) -> list[str]:
    """The keys that count this message as received by each of its recipients."""
    return [mail_keys.received_key(a, identity) for a in read.recipients[:MAX_TALLIED]]
