"""A progress bar on the terminal for long commands (imports): done, rate, time left.

Drawn only when stdout is a terminal, on one line rewritten in place, at most
ten times a second, and wiped before the command prints its summary; a script
reading stdout sees none of it.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30
EVERY = 0.1  # seconds between redraws


class Bar:
    def __init__(self, what: str, out: TextIO | None = None) -> None:
        self.what = what
        self.out = out or sys.stdout
        self.started = time.monotonic()
        self.drawn = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.drawn < EVERY and done < total:
            return
        self.drawn = now
        self.out.write("\r" + line(self.what, done, total, now - self.started) + "\x1b[K")
        self.out.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.out.write("\r\x1b[K")
            self.out.flush()


def line(what: str, done: int, total: int, seconds: float) -> str:
    """`[#####.....] 12,345 of 100,000 messages, 6,100/s, 0:14 left`"""
    share = done / total if total else 1.0
    filled = int(WIDTH * share)
    rate = done / seconds if seconds > 0 else 0.0
    left = (total - done) / rate if rate else 0.0
    return (
        f"[{'#' * filled}{'.' * (WIDTH - filled)}] {done:,} of {total:,} {what}, "
        f"{rate:,.0f}/s, {int(left) // 60}:{int(left) % 60:02d} left"
    )


def for_terminal(what: str) -> Bar | None:
    """A bar when stdout is a terminal, else None (nothing drawn)."""
    return Bar(what) if sys.stdout.isatty() else None
