"""verify-gone: look for texts wherever the database's engine allows, and say what is owed.

SQLite: every byte of the files (`forensics`). PostgreSQL: every live row and
search-index entry (freed space and the WAL cannot be read; the report says which
engine looked).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import engine
from .forensics import Owed, check_texts, owed, place, scan
from .guard import guarded


@dataclass(frozen=True)
class Trace:
    """One place a text still appears: `place` says where, for a person."""

    text: str
    place: str


@dataclass(frozen=True)
class Report:
    """What `verify-gone` found, what is still owed, and what it looked at."""

    traces: list[Trace]
    owed: Owed
    engine: str  # "sqlite": every byte of the files; "postgresql": every live row
    name: str  # the file or database looked at, as it may be shown


@guarded
def verify(target: str, texts: list[str]) -> Report:
    """Look for each text where this engine can look; never changes anything."""
    texts = check_texts(texts)
    chosen = engine.choose(target)
    if chosen.name == "sqlite":
        traces = [Trace(f.text, place(f)) for f in scan(target, texts)]
        return Report(traces, owed(target), "sqlite", Path(target).name)
    from .engines.postgres import shown

    engine.open_database(target)
    try:
        found = [Trace(text, where) for text, where in engine.backend().traces(texts)]
        pending = engine.pending_purge()
    finally:
        engine.close_database()
    return Report(found, Owed(0, bool(pending)), "postgresql", shown(target))
