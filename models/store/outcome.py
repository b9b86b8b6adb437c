"""Did it commit? Each write transaction writes a random id of its own before it commits.

When the connection to PostgreSQL is lost while a change commits (the server
restarts, the network drops), the client cannot tell whether the server
committed it. So every write transaction of an operation (`transaction`, used
by every operation that changes what a person sees; a clean-up's own VACUUM
or index merge, and migrations, are outside it) writes its id (`request`) to
`request_done` as its last statement. After such a loss hushdesk connects again and looks the
id up (`learn`): there, the change is done; not there, nothing of it is. Only
where it cannot connect again does it say that it cannot tell, and how to
check. The ids are random, hold nothing else, and are kept for a week.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from . import clock, engine, request
from .codes import lost_connection
from .sql import sql
from .values import stored_text

KEEP = timedelta(days=7)
RECONNECT_S = (0.1, 0.2, 0.5, 1.0, 2.0, 3.0, 3.0)  # waits between tries: about 10 s in all


@contextmanager
def transaction() -> Iterator[None]:
    """A write transaction (Peewee's `atomic`) that records its id when it is the outermost.

    Nested in another, it is a savepoint and the outer one records."""
    if engine.db.in_transaction():
        with engine.db.atomic():
            yield
        return
    request.begin()
    try:
        with engine.db.atomic():
            yield
            record()
    except BaseException as error:
        if not lost_connection(error):
            request.done()  # rolled back: nothing is in flight
        raise
    request.done(committed=True)


def record() -> None:
    """Write the transaction's id (its last statement); forget ids older than a week."""
    current = request.in_flight()
    if current is None:
        return
    now, backend = clock.now(), engine.backend()
    # plain SQL: every write pays for these two, and Peewee's query building costs 10x them
    backend.execute(
        sql(
            "INSERT INTO request_done (id, at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
            current,
            stored_text(now),
        )
    )
    backend.execute(sql("DELETE FROM request_done WHERE at < ?", stored_text(now - KEEP)))


def reconnect() -> bool:
    """A new connection in place of a lost one, trying for about ten seconds."""
    for wait in RECONNECT_S:
        try:
            engine.reconnect()
            engine.db.execute_sql("SELECT 1")
            return True
        except engine.DRIVER_ERRORS:
            time.sleep(wait)
    return False


def learn(asked: str) -> bool | None:
    """After a lost connection: True when the transaction committed, False when it did not,
    None when the database cannot be reached again to tell.

    The id is not read but written: the old transaction may still be committing (a cut
    network, not a restart), and an insert of the same key waits for it to end. A
    conflict: it committed; an insert: it did not (and the row is taken back)."""
    for wait in RECONNECT_S:
        try:
            engine.reconnect()
            return _claim(asked)
        except engine.DRIVER_ERRORS:
            time.sleep(wait)
    return None


def _claim(asked: str) -> bool:
    """True when the id was there already (its transaction committed)."""
    backend = engine.backend()
    with engine.db.atomic():
        cursor = backend.execute(
            sql(
                "INSERT INTO request_done (id, at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING",
                asked,
                stored_text(clock.now()),
            )
        )
        inserted = getattr(cursor, "rowcount", 0) == 1
        if inserted:
            backend.execute(sql("DELETE FROM request_done WHERE id = ?", asked))
    return not inserted
