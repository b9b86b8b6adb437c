"""Which write transaction is in flight in this thread, and how many began and committed.

Peewee-free, so `guard` can ask it on any path. `outcome.transaction` calls
`begin` as a write transaction starts and `done` once its commit has returned
(or it rolled back); a connection lost in between leaves its id in flight, and
`outcome.learn` looks the id up after connecting again to tell whether the
commit happened. The counts tell `guard` whether an operation that lost its
connection had written anything before.
"""

from __future__ import annotations

import secrets
from contextvars import ContextVar
from typing import NamedTuple


class Tally(NamedTuple):
    began: int = 0
    committed: int = 0


_in_flight: ContextVar[str | None] = ContextVar("hushdesk_in_flight", default=None)
_tally: ContextVar[Tally | None] = ContextVar("hushdesk_tally", default=None)


def begin() -> str:
    """A new id for the write transaction about to begin."""
    asked = secrets.token_hex(16)
    _in_flight.set(asked)
    began, committed = tally()
    _tally.set(Tally(began + 1, committed))
    return asked


def done(committed: bool = False) -> None:
    """The transaction's fate is known: it committed, or nothing of it was written."""
    _in_flight.set(None)
    if committed:
        began, count = tally()
        _tally.set(Tally(began, count + 1))


def in_flight() -> str | None:
    """The id of a write transaction whose commit did not return (its fate unknown)."""
    return _in_flight.get()


def tally() -> Tally:
    return _tally.get() or Tally()
