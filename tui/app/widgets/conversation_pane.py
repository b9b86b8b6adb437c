"""The highlighted conversation: channel, status, legal hold and every message."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from models import CUSTOMER, WRITER, ConversationDetail, Pending, asks

from ...text import when
from ..plain import plain, plain_lines


class ConversationPane(VerticalScroll, can_focus=True):
    """Read-only; Enter on the list focuses it so long threads can be scrolled."""

    BORDER_TITLE = "Conversation"

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.detail: ConversationDetail | None = None
        self.pending: Sequence[Pending] = ()
        self._shown = False

    def compose(self) -> ComposeResult:
        yield Static(id="conversation-text", markup=False)

    def show(self, detail: ConversationDetail | None, pending: Sequence[Pending] = ()) -> None:
        if self._shown and detail == self.detail and pending == self.pending:
            return  # the same again: no new layout, and the reader keeps their place
        self.detail, self.pending, self._shown = detail, pending, True
        self.query_one("#conversation-text", Static).update(render_detail(detail, pending))
        self.scroll_home(animate=False)


def render_detail(detail: ConversationDetail | None, pending: Sequence[Pending] = ()) -> Text:
    if detail is None:
        return Text("Nothing selected.", style="dim")
    text = Text()
    text.append_text(plain(detail.subject or "(no subject)", "bold"))
    text.append("\n")
    text.append(f"#{detail.id} · ", style="dim")
    text.append_text(plain(detail.channel, "dim"))
    text.append(" (social)" if detail.social else "", style="dim")
    text.append(f" · {detail.status}", style="dim")
    if detail.held:
        text.append(" · ON LEGAL HOLD", style="bold red")
    text.append(f"\nlast activity {when(detail.last_activity)}\n", style="dim")
    suggested = asked(detail)
    if suggested:
        text.append(f"Asks for {suggested}? ", style="bold magenta")
        text.append("(a suggestion from its words; o opens a request)\n", style="magenta")
    for message in detail.messages:
        text.append("\n")
        author = detail.contact if message.author == "customer" else message.author
        text.append_text(plain(author, "bold"))
        text.append(f"  {when(message.sent_at)}\n", style="dim")
        text.append_text(plain_lines(message.body))
        text.append("\n")
    for reply in pending:
        text.append("\n")
        text.append_text(plain(reply.agent, "bold"))
        text.append(f"  {when(reply.written_at)}  ", style="dim")
        text.append(reply.shown, style=PENDING_STYLE[reply.shown])
        if reply.reason:
            text.append(" (")
            text.append_text(plain(reply.reason))
            text.append(")")
        if reply.shown == "failed":
            text.append("  t: try again", style="dim")
        text.append("\n")
        text.append_text(plain_lines(reply.body))
    return text


def asked(detail: ConversationDetail) -> str | None:
    """What the subject or the customers' messages seem to ask for: "access", "erasure"
    or None."""
    theirs = [m.body for m in detail.messages if m.author in (CUSTOMER, WRITER)]
    for text in (detail.subject, *theirs):
        kind = asks(text)
        if kind:
            return kind
    return None


PENDING_STYLE = {"sending": "italic", "not sent yet": "bold yellow", "failed": "bold red"}
