"""Turning the database driver's errors into `HushdeskError`s, at the edge of `models/`.

Every public operation is wrapped in `@guarded`: a locked, full, damaged or
read-only database then reaches the command line and the screens as one line
that says what happened and what to do, never as a driver exception (the
user interface does not know the driver exists).
"""

from __future__ import annotations

import functools
import sqlite3
import sys
import time
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import ParamSpec, TypeVar

from . import database, request
from .codes import (
    PG_BUSY,
    PG_DAMAGED,
    PG_FULL,
    PG_READ_ONLY,
    PG_RETRY,
    code_of,
    lost_connection,
    transient,
)
from .errors import (
    BadQuery,
    CannotTell,
    DatabaseBusy,
    DatabaseDamaged,
    DatabaseUnavailable,
    DiskFull,
    DoneButLost,
    HushdeskError,
    InvalidInput,
    ReadOnly,
)

P = ParamSpec("P")
R = TypeVar("R")

BUSY_TIMEOUT_S = 15  # how long a statement waits for another writer's lock, by default
READ_ONLY = ("SQLITE_READONLY", "SQLITE_PERM", "SQLITE_CANTOPEN", *PG_READ_ONLY)


RETRIES = 5
_depth: ContextVar[int] = ContextVar("hushdesk_guarded_depth", default=0)


def driver_errors() -> tuple[type[BaseException], ...]:
    """The drivers' errors: sqlite3's, and Peewee's (it wraps every driver's) once it is loaded.

    The search runs without Peewee (`reading`); until something loads it, none of its
    errors can be raised, and looking for them must not load it.
    """
    peewee = sys.modules.get("peewee")
    if peewee is None:
        return (sqlite3.Error,)
    found = (peewee.DatabaseError, sqlite3.Error, peewee.InterfaceError)
    psycopg = sys.modules.get("psycopg")  # its own connections: the watcher's LISTEN
    return (*found, psycopg.Error) if psycopg is not None else found


def _no_space(path: str) -> bool:
    """True when the folder of `path` has (almost) no free space: an I/O error's likely cause."""
    import shutil

    try:
        folder = Path(path).resolve().parent
        return folder.is_dir() and shutil.disk_usage(folder).free < 65536
    except OSError:
        return False


def _root(error: BaseException) -> BaseException:
    """The failure itself, not a rollback that failed after it.

    After SQLITE_FULL (and some I/O errors) SQLite has already rolled the
    transaction back, so Peewee's own rollback then fails with "no transaction
    is active"; the exception that caused it is the one to report.
    """
    seen = 0
    while "no transaction is active" in str(error) and error.__context__ and seen < 5:
        error, seen = error.__context__, seen + 1
    return error


def translate(error: BaseException) -> HushdeskError:
    """The one-line `HushdeskError` that says what a driver error means for the agent."""
    kind, what = diagnose(error)
    if kind in (DatabaseBusy, DiskFull):
        what += "; nothing was changed"
    if kind is DatabaseBusy:
        what += ", try again"
    return kind(what)


def cause(error: BaseException) -> str:
    """What went wrong, without a claim about what changed (for work that was partly done)."""
    return diagnose(error)[1]


def diagnose(error: BaseException) -> tuple[type[HushdeskError], str]:
    """The kind of failure behind a driver error, and what happened, in a few words."""
    error = _root(error)
    opened = database.current()
    code, text, path = code_of(error), opened.scrubbed(str(error)), opened.shown
    lowered = text.lower()
    if (
        code.startswith(("SQLITE_BUSY", "SQLITE_LOCKED", *PG_BUSY, *PG_RETRY))
        or "locked" in lowered
    ):
        waited = f"{opened.busy_seconds:g} s"
        return DatabaseBusy, f"another hushdesk (or another program) held {path} for over {waited}"
    if code.startswith(("SQLITE_FULL", *PG_FULL)) or "full" in lowered or _no_space(path):
        return DiskFull, f"the disk holding {path} is full"
    if code.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB", *PG_DAMAGED)) or "malformed" in lowered:
        return DatabaseDamaged, (
            f"{path} is damaged ({text}); check it with sqlite3 {path} "
            "'PRAGMA integrity_check' and rescue what is left with sqlite3's .recover"
        )
    if code.startswith(READ_ONLY) or "readonly" in lowered:
        return ReadOnly, f"cannot write to {path} or its folder ({text})"
    if code.startswith("SQLITE_IOERR"):
        return DatabaseDamaged, f"cannot read or write {path} ({text}); check the disk"
    if "fts5" in lowered:
        return BadQuery, f"cannot search for that: {text}"
    return DatabaseUnavailable, f"the database failed: {text}"


def _with_retries(operation: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """Run it; a conflict PostgreSQL resolves by aborting one side is tried again, outermost only.

    A deadlock or serialization failure rolls the whole transaction back, so
    running the operation again is safe; inside another transaction it is not
    ours to retry, and the error goes up to the outermost operation.
    """
    for attempt in range(RETRIES):
        try:
            return operation(*args, **kwargs)
        except driver_errors() as error:
            if not transient(error) or attempt == RETRIES - 1 or _in_transaction():
                raise
            time.sleep(0.01 * 2**attempt)
    raise AssertionError("unreachable")


def _in_transaction() -> bool:
    from .engines.base import db  # only after a conflict: Peewee is loaded then

    return db.obj is not None and bool(db.in_transaction())


def guarded(operation: Callable[P, R]) -> Callable[P, R]:
    """Run `operation`; a driver error leaves as the matching `HushdeskError`.

    A lost connection is the outermost operation's to answer (`_after_loss`): it
    learns whether a change committed, or reads again on a new connection.
    """

    @functools.wraps(operation)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = _depth.get()
        token, before = _depth.set(depth + 1), request.tally()
        try:
            return _with_retries(operation, *args, **kwargs)
        except driver_errors() as error:
            if not lost_connection(error):
                raise translate(error) from None
            if depth:
                raise  # the outermost operation learns what happened
            return _after_loss(error, before, lambda: _with_retries(operation, *args, **kwargs))
        except UnicodeEncodeError:
            raise InvalidInput("the text is not valid Unicode (it has a lone surrogate)") from None
        except RecursionError:
            raise InvalidInput("the request is too deeply nested to run") from None
        finally:
            _depth.reset(token)

    run.__guarded__ = True  # type: ignore[attr-defined]
    return run


def _after_loss(error: BaseException, before: request.Tally, again: Callable[[], R]) -> R:
    """After the connection was lost: what happened, said truthfully.

    A change whose commit did not return is looked up by its id (`outcome`): done,
    or nothing changed. A change that had committed before the loss is done. An
    operation that only read is run again, once, on a new connection.
    """
    from . import outcome  # a connection was lost: Peewee and the driver are loaded

    why, where = cause(error), database.current().shown
    asked = request.in_flight()
    if asked is not None:
        committed = outcome.learn(asked)
        request.done(committed=bool(committed))
        if committed is None:
            raise CannotTell(
                f"the connection to {where} was lost while a change committed ({why}), and "
                "hushdesk could not reach it again to learn whether it did: once it is back, "
                "look at what was to change (hushdesk log shows every deletion)"
            ) from None
    after = request.tally()
    if after.committed > before.committed:
        raise DoneButLost(
            f"done: the connection to {where} was lost as the change committed ({why}); "
            "hushdesk connected again and the database confirms it"
        ) from None
    if after.began > before.began:
        raise DatabaseUnavailable(
            f"the connection to {where} was lost ({why}); nothing was changed, and hushdesk "
            "has connected again: try again"
        ) from None
    if not outcome.reconnect():
        raise DatabaseUnavailable(f"the connection to {where} was lost ({why})") from None
    try:
        return again()
    except driver_errors() as second:
        raise translate(second) from None
