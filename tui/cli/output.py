"""Printing for the command line: tables for people, JSON Lines for scripts.

Customer text never reaches the terminal raw: control characters (escape
sequences included) are shown as visible escapes in tables, and JSON escapes
them by itself.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TextIO

from ..text import safe


def table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    widths: Sequence[int],
    out: TextIO | None = None,
) -> None:
    out = out or sys.stdout
    cells = [[safe(v, w) for v, w in zip(row, widths, strict=True)] for row in rows]
    sizes = [max([len(h), *(len(r[i]) for r in cells)]) for i, h in enumerate(headers)]
    for line in [list(headers), *cells]:
        out.write("  ".join(c.ljust(s) for c, s in zip(line, sizes, strict=True)).rstrip() + "\n")


def json_lines(items: Sequence[object], out: TextIO | None = None) -> None:
    """One JSON object a line, of dicts, named tuples or dataclasses."""
    out = out or sys.stdout
    for item in items:
        out.write(json.dumps(_fields(item), default=_json_default) + "\n")


def _fields(item: object) -> object:
    if isinstance(item, tuple) and hasattr(item, "_asdict"):
        return item._asdict()
    if isinstance(item, dict):
        return item
    import dataclasses  # here: `hushdesk search` has none to print, and its import is slow

    return dataclasses.asdict(item)  # type: ignore[call-overload]


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)
