"""Peewee without the PostgreSQL driver until a PostgreSQL database is opened.

When Peewee (or its migrations) is imported it imports every PostgreSQL driver
it can find, and
psycopg takes a quarter of a second to import: more than a whole `hushdesk
search` on SQLite should take. So Peewee is imported here with the drivers
hidden, and `attach_psycopg` hands psycopg to it the first time a PostgreSQL
URL is opened. `models/__init__.py` imports this module before anything else.
"""

from __future__ import annotations

import sys

HIDDEN = ("psycopg", "psycopg2", "psycopg2cffi")


def _peewee_without_drivers() -> None:
    if "peewee" in sys.modules:
        return
    hidden = [name for name in HIDDEN if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]  # an import of it fails
    try:
        import peewee  # noqa: F401
        import playhouse.migrations  # noqa: F401  # through playhouse.postgres_ext, psycopg too
    finally:
        for name in hidden:
            if sys.modules.get(name, 0) is None:
                del sys.modules[name]


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


_peewee_without_drivers()
