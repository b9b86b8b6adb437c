"""Opening a source's mailbox: the one place the kind of source is decided."""

from __future__ import annotations

from .box import Box
from .sources import Source


def open_box(source: Source) -> Box:
    """The source's mailbox, opened: the one place the kind of source is decided."""
    from . import where

    if source.where.kind == where.MAILDIR:
        from .maildir_box import MaildirBox

        return MaildirBox(source)
    from .imap_box import ImapBox

    return ImapBox(source)
