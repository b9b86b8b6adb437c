"""One consistent moment of the database, read without holding the write lock.

SQLite in WAL mode: a deferred transaction sees the database as it was at its
first read while other agents go on writing. PostgreSQL: a REPEATABLE READ, READ
ONLY transaction. Either way a deletion that commits meanwhile is not in the
snapshot's view of the key store either, so what is read stays consistent.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ..store import engine
from ..store.engine import db


@contextmanager
def snapshot() -> Iterator[None]:
    """Within: every read sees the same moment; nothing is written."""
    if engine.is_postgres():
        with db.atomic():
            db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:
        with db.atomic(lock_type="DEFERRED"):
            yield
