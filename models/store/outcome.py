"""Did it commit? Each logged change writes a random id of its request in its own transaction.

When the connection to PostgreSQL is lost while a change commits (the server
restarts, the network drops), the client cannot tell whether the server
committed it. So every change that writes the deletion log also writes its
request's id to `request_done`, inside the same transaction. After such a loss
hushdesk connects again and looks the id up: there, the change is done; not
there, nothing of it is. Only where it cannot connect again does it say that
it cannot tell, and how to check. The ids are random and kept for a week.
"""

from __future__ import annotations

import secrets
import time
from contextvars import ContextVar
from datetime import timedelta

from . import clock, engine
from .schema import RequestDone

KEEP = timedelta(days=7)
RECONNECT_S = (0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 3.0)  # waits between tries: about 10 s in all

_current: ContextVar[str | None] = ContextVar("hushdesk_request", default=None)


def begin() -> str:
    """A new request id for the change about to run in this thread."""
    request = secrets.token_hex(16)
    _current.set(request)
    return request


def record() -> None:
    """Write the current request's id (inside the logged transaction); forget old ones."""
    request = _current.get()
    if request is None:
        return
    now = clock.now()
    RequestDone.insert(id=request, at=now).on_conflict_ignore().execute()
    RequestDone.delete().where(RequestDone.at < now - KEEP).execute()


def learn(request: str) -> bool | None:
    """After a lost connection: True when the request committed, False when it did not,
    None when the database cannot be reached again to tell."""
    for wait in RECONNECT_S:
        try:
            engine.reconnect()
            found = RequestDone.get_or_none(RequestDone.id == request)
            return found is not None
        except engine.DRIVER_ERRORS:
            time.sleep(wait)
    return None
