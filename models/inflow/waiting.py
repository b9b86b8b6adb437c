"""Waiting for new mail: IMAP IDLE where the server offers it (mail shows within seconds).

The app's background fetch waits here between fetches. A source whose server
offers IDLE is held open in IDLE until the server announces a new message (or
the wait is over); without one, or while that source is failing, there is
nothing to wait on and the app polls (`fetch_due`, every `fetch.POLL`).
"""

from __future__ import annotations

from collections.abc import Callable

from ..store.guard import guarded
from . import where
from .opening import open_box
from .sources import list_sources


@guarded
def idle_source() -> str | None:
    """The IMAP source the app waits on: the first by name that is not failing."""
    for source in list_sources():
        if source.where.kind != where.MAILDIR and not source.last_error:
            return source.name
    return None


@guarded
def wait_for_mail(name: str, seconds: float, stop: Callable[[], bool]) -> bool:
    """Wait in IDLE on the source `name` until new mail comes (True), or `seconds` pass or
    `stop` says so (False). A server without IDLE returns False at once; a failure is a
    `FetchFailed` line, as a fetch's are."""
    from .imap_box import ImapBox
    from .sources import get_source

    box = open_box(get_source(name))
    try:
        if not isinstance(box, ImapBox):
            return False
        return box.wait(seconds, stop)
    finally:
        box.close()
