"""Which request a conversation brings: access or erasure (what its words suggest is focused)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class RequestKindDialog(ModalScreen[str | None]):
    """Returns "access", "erasure", or None."""

    BINDINGS = [
        Binding("a", "answer('access')", "Access"),
        Binding("e", "answer('erasure')", "Erasure"),
        Binding("escape", "answer('')", "Cancel"),
    ]

    def __init__(self, question: Text, suggested: str | None) -> None:
        super().__init__()
        self.question = question
        self.suggested = suggested

    def compose(self) -> ComposeResult:
        with Vertical(id="kind-box"):
            yield Static(self.question, id="kind-question", markup=False)
            with Horizontal(id="kind-buttons"):
                yield Button("Cancel (esc)", id="kind-")
                yield Button("Access (a)", id="kind-access")
                yield Button("Erasure (e)", id="kind-erasure")

    def on_mount(self) -> None:
        self.query_one(f"#kind-{self.suggested or ''}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.action_answer(str(event.button.id).removeprefix("kind-"))

    def action_answer(self, kind: str) -> None:
        self.dismiss(kind or None)
