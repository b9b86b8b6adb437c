"""What a channel's assistant would delete now: the inbox list, read-only."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Footer, Static

import models
from models import AssistantRow

from ...text import plural, safe
from ..widgets.conversation_list import ConversationList
from .operating import OperatingScreen


class PreviewScreen(OperatingScreen[None]):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back"), Binding("q", "app.quit", "Quit")]

    class Found(Message):
        def __init__(self, search: models.ConversationSearch) -> None:
            super().__init__()
            self.search = search

    def __init__(self, row: AssistantRow) -> None:
        super().__init__()
        self.row = row

    def compose(self) -> ComposeResult:
        yield Static(id="preview-title", markup=False)
        yield ConversationList(selectable=False, id="preview-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(ConversationList).focus()
        self.run_read(lambda: self.Found(models.due_search(self.row.channel, self.row.days)))

    @on(Found)
    def _show(self, message: Found) -> None:
        self.query_one(ConversationList).show(message.search)

    @on(ConversationList.TotalChanged)
    def show_title(self) -> None:
        view = self.query_one(ConversationList)
        count = plural(view.total, "conversation") + ("" if view.counted else " or more")
        self.query_one("#preview-title", Static).update(
            Text(
                f" The {safe(self.row.channel)} assistant's next sweep would delete {count} "
                f"({models.rule(self.row.days)}; legal holds excluded). Esc: back",
                style="bold",
            )
        )
