"""What fetching needs of a mailbox, whatever holds it: an IMAP server's or a Maildir folder.

The kind is decided once, in `opening.open_box`; the fetch loop above sees only a
`Box`: the mailbox's validity (IMAP's UIDVALIDITY, or "maildir"), the names of
the messages in it now (UIDs, or Maildir unique names), their bytes on
request, and what to do with the server's copy once a message is in.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from ..mail.raw import MailItem
from ..store.errors import HushdeskError


class FetchFailed(HushdeskError):
    """The mailbox could not be read: the server down, a wrong password, a TLS error...

    Its message is one line, for `intake ls` and the app; it never holds a password."""

    status = 502
    title = "The mail source could not be read"


MOVED, GONE = "moved", "gone"  # where a server's copy is: moved (MOVED:...), or deleted
SEEN_HERE = "seen"  # marked seen, where it was taken
HERE = ("", SEEN_HERE)  # the places that are the mailbox fetched from
Places = dict[str, str]  # a message's name -> where its copy is now ("" : where it was taken)


class Box(Protocol):
    validity: str  # IMAP's UIDVALIDITY; "maildir" for a Maildir

    def listing(self) -> list[str]:
        """The names of the messages in the mailbox now, oldest first."""

    def load(self, names: Sequence[str]) -> list[tuple[str, MailItem]]:
        """The messages' bytes (a message gone meanwhile is left out, and taken later)."""

    def settle(self, names: Sequence[str]) -> Places:
        """Do with the server's copy of messages already imported what the source says;
        where each copy is now, for those that moved or went."""

    def purge(self, copies: Sequence[tuple[str, str]]) -> list[str]:
        """Delete these copies ((name, place)) from the server; the names of those deleted or
        found gone already."""

    def close(self) -> None: ...
