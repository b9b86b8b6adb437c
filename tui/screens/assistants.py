"""Channel assistants: one row per channel with its retention rule and what is due."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

import models

from ..output import safe


class AssistantsScreen(Screen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(" Channel assistants (Esc: back)", id="assistants-title", markup=False)
        yield DataTable(id="assistants-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(
            "channel",
            "kind",
            "social",
            "assistant",
            "days",
            "conversations",
            "due now",
            "last run",
        )
        for row in models.list_assistants():
            table.add_row(
                safe(row.channel),
                row.kind,
                "yes" if row.social else "",
                "on" if row.enabled else "off",
                f"{row.days:,}",
                f"{row.conversations:,}",
                f"{row.due:,}",
                safe(row.last_run_at),
            )
        table.focus()
