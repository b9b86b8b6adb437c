"""Redact a conversation: pick what looks like personal data, or type any text; confirm.

What is suggested (emails, phone numbers, card numbers that pass the Luhn
check, IBANs, the contact's own name) is highlighted in the conversation and
listed; space picks, Enter redacts the picked and the typed after a
confirmation. Detection is a suggestion, never a promise.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

import models

from ...text import plural, safe
from ..dialogs.confirm import ConfirmDialog
from ..host import host
from ..plain import plain
from ..widgets.conversation_pane import render_detail
from .operating import OperatingScreen


def highlighted(detail: models.ConversationDetail, texts: list[str]) -> Text:
    """The conversation as the pane shows it, each suggested text highlighted."""
    text = render_detail(detail)
    for needle in sorted(set(texts), key=len, reverse=True):
        text.highlight_words([safe(needle)], style="bold reverse", case_sensitive=False)
    return text


class RedactScreen(OperatingScreen[bool]):
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("r", "redact", "Redact"),
        Binding("q", "app.quit", "Quit"),
    ]

    class Found(Message):
        def __init__(
            self, detail: models.ConversationDetail, found: list[models.Suggestion]
        ) -> None:
            super().__init__()
            self.detail, self.found = detail, found

    def __init__(self, conversation_id: int) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self.done = False

    def compose(self) -> ComposeResult:
        yield Static(
            f" Redact conversation #{self.conversation_id}: space picks, r redacts, Esc: back",
            id="redact-title",
            markup=False,
        )
        yield SelectionList[str](id="redact-choices")
        yield Input(placeholder="any other text to redact (Enter adds it)", id="redact-typed")
        with VerticalScroll(id="redact-preview"):
            yield Static(id="redact-text", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()
        self.run_read(self._look)

    def _look(self) -> Found:
        detail = models.get_conversation(self.conversation_id)
        return self.Found(detail, models.suggestions(self.conversation_id))

    @on(Found)
    def _show(self, message: Found) -> None:
        choices = self.query_one(SelectionList)
        for found in message.found:
            label = Text(f"{found.kind:<6} ", style="dim")
            label.append_text(plain(found.text))
            label.append(f"  ({found.count}×)" if found.count > 1 else "", style="dim")
            choices.add_option(Selection(label, found.text))
        self.detail = message.detail
        self.query_one("#redact-text", Static).update(
            highlighted(message.detail, [f.text for f in message.found])
        )

    @on(Input.Submitted, "#redact-typed")
    def _typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        if typed:
            choices = self.query_one(SelectionList)
            choices.add_option(Selection(Text.assemble(("typed  ", "dim"), plain(typed)), typed))
            choices.select(typed)
            event.input.value = ""
            choices.focus()

    def picked(self) -> list[str]:
        return list(self.query_one(SelectionList).selected)

    def action_back(self) -> None:
        self.dismiss(self.done)

    def action_redact(self) -> None:
        texts = self.picked()
        if not texts:
            self.notify("Pick what to redact first (space), or type a text.", severity="warning")
            return
        question = Text(f"Replace {plural(len(texts), 'text')} with [redacted] in ")
        question.append(f"conversation #{self.conversation_id}?\n\n")
        for text in texts:
            question.append("  ")
            question.append_text(plain(text, "bold"))
            question.append("\n")
        question.append("\nNo byte of them stays in the database. This cannot be undone.")

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_operation(lambda: self._redact(texts))

        self.app.push_screen(ConfirmDialog(question, confirm="Redact"), answered)

    def _redact(self, texts: list[str]) -> OperatingScreen.Done:
        count, cleanup = models.redact(self.conversation_id, texts, host(self).agent)
        self.done = True
        return self.Done(f"Redacted {plural(count, 'occurrence')}.", cleanup)

    def after_operation(self, failed: bool) -> None:
        if self.done and not failed:
            self.dismiss(True)
