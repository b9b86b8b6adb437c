"""Ask for a new attribute's key and value."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class AttributeDialog(ModalScreen[tuple[str, str] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="attribute-box"):
            yield Static("Add an attribute (Enter to save, Esc to cancel)")
            yield Input(placeholder="key, e.g. plan", id="attribute-key")
            yield Input(placeholder="value", id="attribute-value")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "attribute-key":
            self.set_focus(self.query_one("#attribute-value", Input))
            return
        key = self.query_one("#attribute-key", Input).value
        self.dismiss((key, self.query_one("#attribute-value", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
