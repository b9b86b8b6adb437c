"""Before an erasure: what goes, what a legal hold keeps, and the request's reference."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

import models

from ...text import plural
from ..plain import plain


def mention_text(mention: models.Mention) -> Text:
    """A mention's line as plain text, what would be redacted in reverse."""
    line = mention.line
    text = plain(line[: mention.start])
    text.append_text(plain(line[mention.start : mention.end], "bold reverse"))
    text.append_text(plain(line[mention.end :]))
    return text


def erase_question(plan: models.ErasurePlan) -> Text:
    person = plan.person
    text = Text("Erase this person everywhere? This cannot be undone.\n\n", style="bold")
    for warning in person.warnings:
        text.append("  Check: ", style="bold yellow")
        text.append_text(plain(warning, "yellow"))
        text.append("\n")
    for contact in person.contacts:
        text.append("  profile ")
        text.append_text(plain(contact.shown, "bold"))
        text.append(f" and {plural(len(contact.attributes), 'attribute')}\n")
    text.append(f"  {plural(len(plan.conversations), 'conversation')} of theirs, ")
    text.append(f"{plural(plan.messages, 'message')}\n")
    if plan.written:
        text.append(f"  {plural(len(plan.written), 'message')} they wrote in others' ")
        text.append("conversations\n")
    text.append(f"  {plural(len(plan.redactions), 'mention')} in other conversations ")
    text.append("become [redacted]:\n")
    for mention in plan.redactions:
        text.append(f"    #{mention.conversation} ", style="dim")
        text.append_text(mention_text(mention))
        text.append("\n")
    if plan.left:
        text.append(f"\nLeft to you ({plural(len(plan.left), 'possible mention')}, ", "yellow")
        text.append("a name someone else has, or common words; R redacts by hand):\n", "yellow")
        for mention in plan.left:
            text.append(f"    #{mention.conversation} ", style="dim")
            text.append_text(mention_text(mention))
            text.append("\n")
    held = sorted({*plan.retained, *(m.conversation for m in plan.retained_mentions)})
    if held:
        shown = ", ".join(f"#{cid}" for cid in held[:8])
        text.append(f"\nKept whole, on legal hold: {shown}", style="yellow")
        text.append(" (a hold wins over erasure; their contact shows Someone)\n", style="yellow")
    text.append("\nThe request's reference (for the log and the receipt; no personal data):")
    return text


class EraseDialog(ModalScreen[str | None]):
    """Returns the reference the agent typed, or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, plan: models.ErasurePlan, reference: str = "") -> None:
        super().__init__()
        self.plan = plan
        self.reference = reference  # filled in: the tracked request's

    def compose(self) -> ComposeResult:
        with Vertical(id="erase-box"):
            with VerticalScroll(id="erase-scroll"):
                yield Static(erase_question(self.plan), id="erase-question", markup=False)
            yield Input(self.reference, placeholder="e.g. GDPR-2026-0142", id="erase-reference")
            with Horizontal(id="erase-buttons"):
                yield Button("Cancel (esc)", id="erase-no")
                yield Button(
                    "Erase (enter)", id="erase-yes", variant="error", disabled=not self.reference
                )

    def on_mount(self) -> None:
        self.query_one("#erase-reference", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#erase-yes", Button).disabled = not event.value.strip()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.dismiss(event.value.strip())

    def on_button_pressed(self, event: Button.Pressed) -> None:
        reference = self.query_one("#erase-reference", Input).value.strip()
        self.dismiss(reference if event.button.id == "erase-yes" and reference else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
