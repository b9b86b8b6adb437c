"""The inbox's first rows, drawn before the app has loaded.

Loading Textual and building the screens takes a few tenths of a second; the
newest conversations take a few milliseconds to read. So when the app starts on
a terminal wide enough for the two-pane layout, the command line draws the
first frame itself: the tabs and the newest open conversations, where the app
will put them, on the alternate screen the app then takes over. Keys pressed
meanwhile wait in the terminal for the app. Customer text is made safe like
everywhere else. If anything is unusual (not a terminal, too narrow, an error),
nothing is drawn and the app starts as it always does.
"""

from __future__ import annotations

import shutil
import sys

import models

from ..text import row_cells

MIN_COLUMNS, MIN_LINES = 100, 20
LIST_SHARE = 0.55  # the list's width in the wide layout (app.tcss)
FIRST_ROW = 6  # lines above the first row: tabs, their rule, search, heading, border


def paint() -> None:
    """Draw the first frame, if this is a terminal that the app will show it on."""
    columns, lines = shutil.get_terminal_size((0, 0))
    if not sys.stdout.isatty() or columns < MIN_COLUMNS or lines < MIN_LINES:
        return
    try:
        rows = models.ConversationSearch("", status=models.OPEN).page(0, lines - FIRST_ROW - 2)
    except models.HushdeskError:
        return
    sys.stdout.write(frame(rows, columns, lines))
    sys.stdout.flush()


def frame(rows: list[models.ConversationRow], columns: int, lines: int) -> str:
    """The escape sequences and text of the first frame."""
    outer = round(columns * LIST_SHARE)
    inner = outer - 2
    out = ["\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J", "\x1b[1;1H Open   Archived", "\x1b[4;1H Open"]
    out.append(f"\x1b[5;1H╭{'─' * inner}╮")
    for number, row in enumerate(rows):
        cells = row_cells(
            row.contact, row.channel, row.held, row.subject, row.last_activity, inner - 2
        )
        text = ("  " + "".join(cells)).ljust(inner)[:inner]
        out.append(f"\x1b[{FIRST_ROW + number};1H│{text}│")
    out.append(f"\x1b[{min(lines - 1, FIRST_ROW + len(rows))};1H╰{'─' * inner}╯")
    return "".join(out)
