"""How many writes the open engine takes at once, for a server that runs many requests.

SQLite has one write lock, and a writer that finds it taken sleeps in SQLite's
busy handler, in steps up to 100 ms: ten writers at once then wait in turns of
sleep, not of work. A server runs its writes one at a time instead, in order
(measured in bench/api.py: see bench/RESULTS-api.md). PostgreSQL locks rows,
so writes to different rows run side by side.
"""

from __future__ import annotations

from ..store import engine

POSTGRES_WRITERS = 8


def writers() -> int:
    """Writes a server should run at once on the open database."""
    return POSTGRES_WRITERS if engine.is_postgres() else 1
