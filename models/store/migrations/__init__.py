"""Numbered schema migrations, applied in order by `playhouse.migrations` on open.

These are SQLite's; PostgreSQL's are in `engines/postgres_migrations/`. What is
applied is recorded in TABLE; a database is up to date when it records exactly
the `names` of its engine's folder.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FOLDER = Path(__file__).parent
TABLE = "schema_migration"
APPLIED = f"SELECT name FROM {TABLE}"
OWED = "SELECT 1 FROM purge_pending LIMIT 1"  # a deletion's clean-up is still owed


def up_to_date(applied: Iterable[tuple[Any, ...]], folder: Path) -> bool:
    """Every migration of `folder` applied and no other (`applied`: the rows of APPLIED)."""
    return {str(name) for (name, *_) in applied} == names(folder)


def names(folder: Path) -> set[str]:
    """The migrations in a folder: every `NNNN_name.py`, by name."""
    return {n[:-3] for n in os.listdir(folder) if n[:1].isdigit() and n.endswith(".py")}
