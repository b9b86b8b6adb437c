"""Yes-or-no before anything permanent; the safe answer has the focus.

With `confirm=None` the dialog only tells (why nothing may be done) and offers
no button that would do it: `y` does nothing, any of `n`, Esc or Enter closes.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: Text, confirm: str | None = "Delete") -> None:
        super().__init__()
        self.question = question
        self.confirm = confirm

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal(id="confirm-buttons"):
                if self.confirm is None:
                    yield Button("Close (esc)", id="confirm-no")
                else:
                    yield Button("Cancel (n)", id="confirm-no")
                    yield Button(f"{self.confirm} (y)", id="confirm-yes", variant="error")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, answer: bool) -> None:
        if answer and self.confirm is None:
            return  # nothing may be done: only closing is offered
        self.dismiss(answer)
