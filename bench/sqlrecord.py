"""The SQL statements hushdesk runs for an action, to replay them without hushdesk."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from models.store import engine


def statements(action: Callable[[], object]) -> list[tuple[str, list[Any]]]:
    """Every SQL statement `action` runs: choosing the plan as well as the page itself."""
    database, seen = engine.db.obj, []
    run = database.execute_sql

    def record(sql: str, params: object = None) -> object:
        seen.append((sql, list(params or ())))  # type: ignore[call-overload]
        return run(sql, params)

    database.execute_sql = record
    try:
        action()
    finally:
        del database.execute_sql
    return seen


def replay(con: Any, recorded: list[tuple[str, list[Any]]]) -> None:
    for sql, params in recorded:
        con.execute(sql, params).fetchall()
