"""The deletion log: who deleted how many of what, and why. It holds no personal data."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

import models

from ...text import safe
from .operating import OperatingScreen

LIMIT = 1000


class DeletionLogScreen(OperatingScreen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("q", "app.quit", "Quit")]

    class Read(Message):
        def __init__(self, entries: list[models.LogEntry]) -> None:
            super().__init__()
            self.entries = entries

    def compose(self) -> ComposeResult:
        yield Static(" Deletion log: newest first (Esc: back)", id="log-title", markup=False)
        yield DataTable(id="log-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("when (UTC)", "who", "what", "how many", "why")
        table.focus()
        self.run_read(lambda: self.Read(models.list_log(LIMIT)))

    @on(Read)
    def _show(self, message: Read) -> None:
        table = self.query_one(DataTable)
        for entry in message.entries:
            table.add_row(
                safe(entry.at),
                safe(entry.actor),
                safe(entry.action),
                f"{entry.count:,}",
                safe(entry.reason),
            )
