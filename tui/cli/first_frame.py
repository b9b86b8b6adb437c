"""The inbox's first rows, drawn before the app has loaded.

Loading Textual and building the screens takes a second; the newest
conversations take a few milliseconds to read. So when the app starts on a
terminal wide enough for the two-pane layout, the command line draws the first
frame itself: the tabs and the newest open conversations, where the app will
put them, on the alternate screen the app then takes over. On SQLite the rows
are read before Peewee and the models have loaded (`models.store.glance`); on
PostgreSQL, once the database is open. Keys pressed meanwhile wait in the
terminal for the app. Customer text is made safe like everywhere else. If
anything is unusual (not a terminal, too narrow, an error), nothing is drawn
and the app starts as it always does.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import models
from models.store.glance import newest_open
from models.store.values import ConversationRow

from ..layout import is_narrow, list_width
from ..text import row_cells

MIN_LINES = 20
FIRST_ROW = 6  # lines above the first row: tabs, their rule, search, heading, border
ENTER, LEAVE = "\x1b[?1049h\x1b[?25l", "\x1b[?1049l\x1b[?25h"  # the alternate screen


def _size() -> tuple[int, int] | None:
    """The terminal's columns and lines, if the first frame can be shown on it.

    Asked of the terminal itself, as Textual asks it: `$COLUMNS` and `$LINES` may
    be left over from another terminal (a tmux server started from a shell that
    exported them), and the app would then draw a layout other than the frame's.
    """
    import os

    if not sys.stdout.isatty():
        return None
    try:
        columns, lines = os.get_terminal_size(sys.stdout.fileno())
    except OSError:
        return None
    if is_narrow(columns) or lines < MIN_LINES:
        return None
    return columns, lines


def paint_early(path: str) -> bool:
    """Draw the newest rows of the SQLite file at `path`, before the database is opened.
    None (no file yet, another schema, PostgreSQL, busy): `paint` after opening."""
    return _paint(lambda limit: newest_open(path, limit), draw_empty=False)


def paint() -> bool:
    """Draw the newest rows of the open database."""
    return _paint(lambda limit: models.ConversationSearch("", status=models.OPEN).page(0, limit))


def _paint(newest: Callable[[int], list[ConversationRow]], draw_empty: bool = True) -> bool:
    size = _size()
    if size is None:
        return False
    try:
        rows = newest(size[1] - FIRST_ROW - 2)
    except models.HushdeskError:
        return False
    if not rows and not draw_empty:
        return False
    _draw(frame(rows, *size))
    return True


def leave() -> None:
    """Back to the normal screen, when the app will not start after all."""
    _draw(LEAVE)


def _draw(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def frame(rows: list[ConversationRow], columns: int, lines: int) -> str:
    """The escape sequences and text of the first frame."""
    outer = list_width(columns)
    inner = outer - 2
    out = [ENTER, "\x1b[H\x1b[2J\x1b[1;1H Open   Archived", "\x1b[4;1H Open"]
    out.append(f"\x1b[5;1H╭{'─' * inner}╮")
    for number, row in enumerate(rows):
        cells = row_cells(
            row.contact, row.channel, row.held, row.subject, row.last_activity, inner - 2
        )
        text = ("  " + "".join(cells)).ljust(inner)[:inner]
        out.append(f"\x1b[{FIRST_ROW + number};1H│{text}│")
    out.append(f"\x1b[{min(lines - 1, FIRST_ROW + len(rows))};1H╰{'─' * inner}╯")
    return "".join(out)
