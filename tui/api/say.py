"""The server's log: one line on stderr, stamped, printable, short; never personal data."""

from __future__ import annotations

import sys
import time

from ..text import safe


def log(line: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} {safe(line, 300)}", file=sys.stderr, flush=True)
