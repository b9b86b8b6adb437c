"""The Requests screen (`Q`): every open access and erasure request against its legal clock.

Soonest due first, with its type, reference, received and due days, the days
left and its state; overdue in red, due within a week in yellow, in words as
well as colours. Enter opens the person screen for the request's identifiers,
where an export or an erasure is recorded against the request and closes it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable, Footer, Static

import models

from ...text import plural
from ...wording import due_words
from ..messages import DataChanged
from ..plain import plain
from .operating import OperatingScreen
from .person import PersonScreen

STYLES = {"overdue": "bold red", "due soon": "bold yellow", "on time": ""}


def standing_text(request: models.RequestInfo) -> Text:
    """The days left in words, in the colour of how the request stands."""
    return Text(due_words(request), style=STYLES.get(request.standing, ""))


def summary(requests: list[models.RequestInfo]) -> str:
    """ "2 overdue, 1 due within 7 days", or "" when nothing is."""
    late = sum(r.standing == "overdue" for r in requests)
    soon = sum(r.standing == "due soon" for r in requests)
    parts = [f"{plural(late, 'request')} overdue"] if late else []
    parts += [f"{plural(soon, 'request')} due within {models.SOON_DAYS} days"] if soon else []
    return ", ".join(parts)


class RequestsScreen(OperatingScreen[int | None]):
    """Returns a conversation to go to (from the person screen), or None."""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("enter", "person", "Person"),
        Binding("q", "app.quit", "Quit"),
    ]

    class Read(Message):
        def __init__(self, requests: list[models.RequestInfo]) -> None:
            super().__init__()
            self.requests = requests

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[models.RequestInfo] = []

    def compose(self) -> ComposeResult:
        yield Static(" Requests: reading…", id="requests-title", markup=False)
        yield DataTable(id="requests-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("type", "reference", "received", "due", "days left", "state")
        table.focus()
        self.reread()

    def reread(self) -> None:
        self.run_read(lambda: self.Read(models.list_requests()))

    def on_data_changed(self, message: DataChanged) -> None:
        if message.forwarded:
            self.reread()

    @on(Read)
    def _show(self, message: Read) -> None:
        self.requests = message.requests
        said = summary(self.requests)
        title = f" Requests: {plural(len(self.requests), 'open request')}"
        title += f" · {said}" if said else ""
        self.query_one("#requests-title", Static).update(
            Text(f"{title} (Enter: the person, Esc: back)", style="bold")
        )
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for r in self.requests:
            table.add_row(
                r.kind,
                plain(r.reference),
                r.received_on.isoformat(),
                r.due_on.isoformat(),
                standing_text(r),
                r.state,
                key=r.reference,
            )
        if self.requests:
            table.move_cursor(row=min(row, len(self.requests) - 1))

    def action_back(self) -> None:
        self.dismiss(None)

    def action_person(self) -> None:
        table = self.query_one(DataTable)
        if not self.requests or table.cursor_row >= len(self.requests):
            return
        chosen = self.requests[table.cursor_row]
        if chosen.sealed:  # an access request whose person was erased: nothing to look up
            self.notify(
                f"Request {chosen.reference}'s person was erased: its identifiers are kept "
                "only as keyed hashes. Answer the requester, then close it (request close).",
                markup=False,
            )
            return
        self.app.push_screen(PersonScreen(chosen.identifiers, chosen), self._back)

    @on(DataTable.RowSelected)
    def _selected(self) -> None:
        self.action_person()

    def _back(self, conversation: int | None) -> None:
        if conversation is not None:
            self.dismiss(conversation)
        else:
            self.reread()
