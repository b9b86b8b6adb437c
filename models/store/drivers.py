"""Peewee without the PostgreSQL driver until a PostgreSQL database is opened.

When Peewee (or its migrations) is imported it imports every PostgreSQL driver
it can find, and psycopg takes a quarter of a second to import: more than a
whole `hushdesk search` on SQLite should take. So the first import of Peewee, by
whichever module comes first, runs with the drivers hidden (an import hook that
`models/__init__.py` installs, without importing Peewee itself: the command
line's first frame needs none of it), and `attach_psycopg` hands psycopg to
Peewee the first time a PostgreSQL URL is opened.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec, PathFinder
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.abc costs more to import than the rest of the first frame
    from importlib.abc import Loader

HIDDEN = ("psycopg", "psycopg2", "psycopg2cffi")
WATCHED = ("peewee", "playhouse.migrations")  # what imports a driver when it is loaded


class _Hidden:
    """Runs a module with the drivers hidden: importing one fails, as if not installed."""

    def __init__(self, loader: Loader) -> None:
        self.loader = loader

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return self.loader.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        hidden = [name for name in HIDDEN if name not in sys.modules]
        for name in hidden:
            sys.modules[name] = None  # type: ignore[assignment]  # an import of it fails
        try:
            self.loader.exec_module(module)
        finally:
            for name in hidden:
                if name in sys.modules and sys.modules[name] is None:
                    del sys.modules[name]


class _PeeweeFinder:
    """Finds Peewee and its migrations as usual, to be run by `_Hidden`."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        if fullname not in WATCHED or fullname in sys.modules:
            return None
        spec = PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _Hidden(spec.loader)  # type: ignore[assignment]
        return spec


def hide_drivers_from_peewee() -> None:
    """Install the hook (once); a Peewee already imported keeps what it found."""
    if not any(isinstance(finder, _PeeweeFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _PeeweeFinder())


def attach_psycopg() -> None:
    """Import psycopg and give it to Peewee, as Peewee would have at its own import."""
    import peewee
    import psycopg
    from psycopg.pq import TransactionStatus
    from psycopg.types.json import Json, Jsonb

    if getattr(peewee, "psycopg", None) is psycopg:
        return
    given = {"psycopg": psycopg, "TransactionStatus": TransactionStatus}
    given |= {"Json_pg3": Json, "Jsonb_pg3": Jsonb}
    for name, value in given.items():
        setattr(peewee, name, value)
    adapter = peewee.Psycopg3Adapter
    adapter.txn_idle = TransactionStatus.IDLE
    adapter.txn_inerror = TransactionStatus.INERROR
    adapter.txn_unknown = TransactionStatus.UNKNOWN


hide_drivers_from_peewee()
