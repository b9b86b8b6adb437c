"""The reply editor: the conversation above, the reply below; ctrl+s sends, Esc keeps a draft.

It starts with the agent's draft, else an empty reply and the agent's
signature; it quotes nothing. A reply to mail that looks automatic asks first.
Sending writes the reply to the outbox (in a thread) and the app sends it in
the background; the conversation then shows it as sending, not sent yet, or
failed.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Static, TextArea

import models

from ...text import safe
from ..dialogs.confirm import ConfirmDialog
from ..editor import chosen_editor, edited
from ..host import host
from ..plain import plain
from ..widgets.conversation_pane import render_detail
from .operating import OperatingScreen


def addressed(plan: models.Addressing) -> Text:
    text = Text()
    for label, value in (("From", plan.sender), ("To", plan.recipient), ("Subject", plan.subject)):
        text.append(f"{label}: ", style="dim")
        text.append_text(plain(value, "bold" if label == "Subject" else ""))
        text.append("\n")
    if plan.automatic:
        text.append(f"Careful: {plan.automatic}.\n", style="bold yellow")
    return text


class ReplyScreen(OperatingScreen[bool]):
    BINDINGS = [
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("escape", "keep", "Keep draft", priority=True),
        Binding("ctrl+e", "editor", "$EDITOR", priority=True),
    ]

    class Loaded(Message):
        def __init__(
            self, plan: models.Addressing, detail: models.ConversationDetail, start: str
        ) -> None:
            super().__init__()
            self.plan, self.detail, self.start = plan, detail, start

    class Refused(Message):
        def __init__(self, said: str) -> None:
            super().__init__()
            self.said = said

    def __init__(self, conversation_id: int) -> None:
        super().__init__()
        self.conversation_id = conversation_id
        self.plan: models.Addressing | None = None
        self.start = ""
        self.leaving = False
        self.quitting = False

    def compose(self) -> ComposeResult:
        yield Static(
            f" Reply to #{self.conversation_id}: ctrl+s sends, esc keeps the draft, "
            "ctrl+e opens $EDITOR",
            id="reply-title",
        )
        with VerticalScroll(id="reply-thread"):
            yield Static("Reading…", id="reply-thread-text", markup=False)
        yield Static("", id="reply-header", markup=False)
        yield TextArea(id="reply-body", soft_wrap=True, show_line_numbers=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#reply-body", TextArea).disabled = True
        self.load()

    @work(thread=True, group="read")
    def load(self) -> None:
        agent = host(self).agent
        try:
            with models.connection():
                plan = models.reply_to(self.conversation_id)
                detail = models.get_conversation(self.conversation_id)
                draft = models.draft(self.conversation_id, agent)
                signature = models.signature(agent)
        except models.HushdeskError as error:
            self.post_message(self.Refused(str(error)))
            return
        start = draft if draft is not None else (f"\n\n-- \n{signature}\n" if signature else "")
        self.post_message(self.Loaded(plan, detail, start))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        self.plan, self.start = message.plan, message.start
        self.query_one("#reply-thread-text", Static).update(render_detail(message.detail))
        self.query_one("#reply-header", Static).update(addressed(message.plan))
        body = self.query_one("#reply-body", TextArea)
        body.disabled = False
        body.load_text(message.start)
        body.move_cursor((0, 0))
        body.focus()
        self.query_one("#reply-thread", VerticalScroll).scroll_end(animate=False)

    @on(Refused)
    def _refused(self, message: Refused) -> None:
        self.notify(safe(message.said), severity="error", markup=False)
        self.dismiss(False)

    @property
    def text(self) -> str:
        return self.query_one("#reply-body", TextArea).text

    def action_send(self) -> None:
        if self.plan is None or self.leaving:
            return
        if not self.text.strip():
            self.notify("The reply is empty.", severity="warning")
            return
        if self.plan.automatic:
            question = Text(f"{self.plan.automatic[:1].upper()}{self.plan.automatic[1:]}.\n\n")
            question.append("Send this reply anyway?")
            self.app.push_screen(ConfirmDialog(question, "Send"), self._send_if)
            return
        self._send(automatic_ok=False)

    def _send_if(self, answer: bool | None) -> None:
        if answer:
            self._send(automatic_ok=True)

    def _send(self, automatic_ok: bool) -> None:
        self.leaving = True
        cid, agent, body = self.conversation_id, host(self).agent, self.text

        def queue() -> OperatingScreen.Done:
            queued = models.queue_reply(cid, agent, body, automatic_ok=automatic_ok)
            return self.Done(f"Reply #{queued.id} to conversation #{cid} is sending.")

        self.run_operation(queue)

    def action_keep(self, quitting: bool = False) -> None:
        """Keep the draft and go back (or, quitting, keep it and quit the app)."""
        if self.leaving:
            return
        self.quitting = quitting
        if self.plan is None or self.text == self.start:
            self._leave(True)
            return
        self.leaving = True
        cid, agent, body = self.conversation_id, host(self).agent, self.text

        def keep() -> OperatingScreen.Done:
            kept = models.save_draft(cid, agent, body)
            return self.Done("Draft kept." if kept else "Draft removed (it was empty).")

        self.run_operation(keep)

    def after_operation(self, failed: bool) -> None:
        self.leaving = False
        if not failed:
            self._leave(True)

    def _leave(self, changed: bool) -> None:
        if self.quitting:
            self.app.exit()
            return
        host(self).send_replies()
        self.dismiss(changed)

    def action_editor(self) -> None:
        if self.plan is None:
            return
        editor = chosen_editor()
        if host(self).demo_folder is not None or editor is None:
            self.notify("No $EDITOR here: write the reply in this box.", severity="warning")
            return
        with self.app.suspend():
            text = edited(self.text, editor)
        if text is None:
            self.notify("The editor failed; the reply is as it was.", severity="warning")
            return
        self.query_one("#reply-body", TextArea).load_text(text)
