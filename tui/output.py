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


def safe(value: object, width: int | None = None) -> str:
    """Plain text for a terminal: control characters made visible, long text cut with '…'."""
    if isinstance(value, datetime):
        text = value.strftime("%Y-%m-%d %H:%M")
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif value is None:
        text = "-"
    else:
        text = str(value)
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)
    if width is not None and len(text) > width:
        text = text[: max(0, width - 1)] + "…"
    return text


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


def json_lines(items: Sequence[dict], out: TextIO | None = None) -> None:
    out = out or sys.stdout
    for item in items:
        out.write(json.dumps(item, default=_json_default) + "\n")


def _json_default(value: object) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    raise TypeError(type(value).__name__)
