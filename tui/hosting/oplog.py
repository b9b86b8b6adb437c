"""The operator's log: one line per event, on stderr, with every visitor-supplied value made safe.

A visitor chooses their terminal type, their address is what it is, and an app
that fails says what it likes: none of it may put an escape sequence on the
operator's terminal or a newline (a forged log line) into the log.
"""

from __future__ import annotations

import sys
import time

from ..text import safe

MAX_VALUE = 80


def clean(value: object, limit: int = MAX_VALUE) -> str:
    """A visitor-supplied value as it may appear in the log: printable and short."""
    return safe(value, limit)


def log(line: str) -> None:
    """One line, stamped; the caller has cleaned every value in it."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} {safe(line, 500)}", file=sys.stderr, flush=True)
