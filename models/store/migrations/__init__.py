"""Numbered schema migrations, applied in order by `playhouse.migrations` on open.

These are SQLite's; PostgreSQL's are in `engines/postgres_migrations/`. What is
applied is recorded in TABLE; a database is up to date when it records exactly
the `names` of its engine's folder.
"""

from __future__ import annotations

import os
from pathlib import Path

FOLDER = Path(__file__).parent
TABLE = "schema_migration"


def names(folder: Path) -> set[str]:
    """The migrations in a folder: every `NNNN_name.py`, by name."""
    return {n[:-3] for n in os.listdir(folder) if n[:1].isdigit() and n.endswith(".py")}
