"""The deletion log: who deleted how many of what, and why. It holds no personal data."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Static

import models

from ..output import safe
from ..widgets.keys_footer import KeysFooter

LIMIT = 1000


class DeletionLogScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(" Deletion log: newest first (Esc: back)", id="log-title", markup=False)
        yield DataTable(id="log-table", cursor_type="row", zebra_stripes=True)
        yield KeysFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("when (UTC)", "who", "what", "how many", "why")
        for entry in models.list_log(LIMIT):
            table.add_row(
                safe(entry.at),
                safe(entry.actor),
                safe(entry.action),
                f"{entry.count:,}",
                safe(entry.reason),
            )
        table.focus()
