"""SQL written as text and parameters, for the search, which runs without Peewee.

The search is the one query a script runs on its own (`hushdesk search`), and
loading Peewee costs more than the search itself, so `search` builds its SQL
from these fragments and `reading` runs it on whichever connection is open.
A fragment's text marks each parameter with `?`; the engine's dialect turns
the marks into its driver's (`engines.dialects`). Customer text only ever
travels as a parameter, never inside the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple


class Sql(NamedTuple):
    text: str
    params: tuple[object, ...] = ()

    def __and__(self, other: Sql) -> Sql:
        return all_of([self, other])

    def __or__(self, other: Sql) -> Sql:
        return any_of([self, other])


def sql(text: str, *params: object) -> Sql:
    return Sql(text, params)


def joined(parts: Iterable[Sql | str], separator: str = " ") -> Sql:
    """The parts one after another (plain strings are SQL text with no parameters)."""
    texts: list[str] = []
    params: list[object] = []
    for part in parts:
        if isinstance(part, str):
            texts.append(part)
        else:
            texts.append(part.text)
            params.extend(part.params)
    return Sql(separator.join(texts), tuple(params))


def all_of(parts: Sequence[Sql]) -> Sql:
    return parts[0] if len(parts) == 1 else joined(["(", joined(parts, " AND "), ")"], "")


def any_of(parts: Sequence[Sql]) -> Sql:
    return parts[0] if len(parts) == 1 else joined(["(", joined(parts, " OR "), ")"], "")


def listed(values: Sequence[object]) -> Sql:
    """`(?, ?, ?)` for a short list of values (never empty)."""
    return Sql("(" + ", ".join("?" * len(values)) + ")", tuple(values))


def is_in(column: str, values: Sequence[object] | Sql, negated: bool = False) -> Sql:
    """`column IN (...)`, of a list of values or of a subquery (a SELECT)."""
    inner = joined(["(", values, ")"], "") if isinstance(values, Sql) else listed(values)
    return joined([column, "NOT IN" if negated else "IN", inner])
