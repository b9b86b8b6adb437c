"""Customer text as plain, terminal-safe text: never markup, never raw control codes."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text

from .output import safe


def plain(value: object, style: str = "") -> Text:
    """A Text that shows `value` literally: '[bold]' stays '[bold]', ESC becomes '\\x1b'."""
    return Text(safe(value), style=style, no_wrap=False)


def clip(value: object, width: int) -> str:
    return safe(value, width).ljust(width) if width > 0 else ""


def when(value: datetime | None, width: int = 16) -> str:
    if value is None:
        return "-"
    return value.strftime("%Y-%m-%d %H:%M" if width >= 16 else "%Y-%m-%d")


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def short_when(value: datetime | None) -> str:
    """Month, day and time: enough for runs that are hours or days apart."""
    return value.strftime("%b %d %H:%M") if value else "-"
