"""Customer text made safe for a terminal or a log: never markup, never raw control codes.

Shared by the command line, the app and the demo hosting; imports nothing of theirs.
"""

from __future__ import annotations

from datetime import datetime


def safe(value: object, width: int | None = None) -> str:
    """Plain text: control characters (escapes, newlines, lone surrogates) made visible,
    long text cut with '…'."""
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


def safe_lines(text: str) -> str:
    """`safe`, but a text's line breaks stay line breaks (a message is read as lines) and
    tabs are spaces; every other control character is made visible."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(safe(line.replace("\t", "    ")) for line in lines)


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


def row_cells(
    contact: str, channel: str, held: bool, subject: str, last: datetime | None, width: int
) -> list[str]:
    """A conversation's row in the list, as its cells' texts (the mark comes before them)."""
    stamp = 16 if width >= 100 else 10
    contact_w = 22 if width >= 100 else 14
    channel_w = 10 if width >= 100 else 9
    subject_w = max(0, width - 2 - contact_w - channel_w - stamp - 5)
    return [
        clip(contact, contact_w) + " ",
        clip(channel, channel_w) + " ",
        "H " if held else "  ",
        clip(subject, subject_w) + " ",
        when(last, stamp).rjust(stamp),
    ]
