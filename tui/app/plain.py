"""Customer text as a Rich Text that shows it literally: never markup, never raw control codes."""

from __future__ import annotations

from rich.text import Text

from ..text import safe, safe_lines


def plain(value: object, style: str = "") -> Text:
    """A Text that shows `value` literally: '[bold]' stays '[bold]', ESC becomes '\\x1b'."""
    return Text(safe(value), style=style, no_wrap=False)


def plain_lines(value: str, style: str = "") -> Text:
    """`plain`, keeping the text's line breaks (a message body)."""
    return Text(safe_lines(value), style=style, no_wrap=False)
