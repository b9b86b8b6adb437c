"""The inbox's layout, stated once: the app's screen and the command line's first frame
draw it from these figures, so the frame the shell shows is the screen the app then draws.

Below NARROW columns the app stacks the panes under the list; from NARROW on, the
list takes LIST_SHARE percent of the width beside them. The app's stylesheet reads
LIST_SHARE as the variable `$list-share` (see `HushdeskApp.get_css_variables`).
"""

from __future__ import annotations

NARROW = 110  # columns: below this, the narrow layout
LIST_SHARE = 55  # percent of the width the list takes in the wide layout


def is_narrow(columns: int) -> bool:
    return columns < NARROW


def list_width(columns: int) -> int:
    """The list's outer width in the wide layout, as Textual rounds a percentage."""
    return columns * LIST_SHARE // 100
