"""Customer text as a Rich Text that shows it literally: never markup, never raw control codes."""

from __future__ import annotations

from rich.text import Text

from ..text import safe


def plain(value: object, style: str = "") -> Text:
    """A Text that shows `value` literally: '[bold]' stays '[bold]', ESC becomes '\\x1b'."""
    return Text(safe(value), style=style, no_wrap=False)
