"""The inbox: Open and Archived filters, search, selection, and the conversation and contact panes.

Every change, and every read that can be large (counts, every match's id, a
deletion's summary), runs in a thread and reports back by message, so the
screen never freezes. Small reads by primary key (a page of the list, the
highlighted conversation and its contact) stay on the UI thread: in WAL mode
a reader never waits for another process's lock, and the first frame after a
key then shows them.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Footer, Input, ProgressBar, Static, Tab, Tabs

import models
from models import ARCHIVED, OPEN, ConversationSearch, HushdeskError

from ...layout import is_narrow
from ...text import plural, safe
from ..messages import DataChanged, Swept
from ..plain import plain
from ..widgets.contact_pane import ContactPane
from ..widgets.conversation_list import ConversationList
from ..widgets.conversation_pane import ConversationPane
from .inbox_changes import InboxChanges


class InboxScreen(InboxChanges):
    # Bindings with a tooltip are offered in the command palette too (see HushdeskApp).
    BINDINGS = [
        Binding("1", "filter('open')", "Open", tooltip="Show the Open filter"),
        Binding("2", "filter('archived')", "Archived", tooltip="Show the Archived filter"),
        # A priority binding runs before the next key is dispatched, so text typed
        # right after "/" reaches the search box instead of the list's keys.
        Binding("slash", "search", "Search", priority=True, tooltip="Focus the search box"),
        Binding(
            "a",
            "archive",
            "Archive",
            tooltip="Archive the selection or the highlighted conversation",
        ),
        Binding(
            "u",
            "unarchive",
            "Unarchive",
            tooltip="Move the selection or the highlighted one back to Open",
        ),
        Binding("h", "hold", "Hold", tooltip="Put on legal hold, or release"),
        Binding("d", "delete", "Delete", tooltip="Delete archived conversations permanently"),
        Binding(
            "space",
            "toggle_row",
            "Select",
            tooltip="Select or unselect the highlighted conversation",
        ),
        Binding(
            "asterisk",
            "select_all",
            "Select all",
            tooltip="Every conversation matching the filter and search",
        ),
        Binding(
            "escape", "clear", "Clear", show=False, tooltip="Clear the selection, then the search"
        ),
        Binding("c", "contact", "Contact", tooltip="Go to the contact's attributes"),
        Binding(
            "P",
            "person",
            "Person",
            tooltip="Everything held about this contact: export it, or erase them everywhere",
        ),
        Binding("R", "redact", "Redact", tooltip="Redact personal data in this conversation"),
        # not in the footer, which is full: the palette, the README and the pane offer them
        Binding(
            "o",
            "open_request",
            "Open request",
            show=False,
            tooltip="Open an access or erasure request from this conversation",
        ),
        Binding(
            "Q",
            "app.requests",
            "Requests",
            show=False,
            tooltip="Open requests against their clock",
        ),
        Binding("r", "reply", "Reply", tooltip="Answer this email conversation"),
        Binding("t", "retry_replies", "Retry", show=False, tooltip="Try failed replies again"),
        Binding("A", "app.assistants", "Assistants"),
        Binding("L", "app.log", "Log"),
        Binding("q", "app.quit", "Quit"),
    ]

    status: reactive[str] = reactive(OPEN, init=False)

    def __init__(self) -> None:
        super().__init__()
        self.query_text = ""
        self.resumed = False
        self._info = Text()
        self._panes_for: int | None = -1  # the conversation the panes were last read for
        self.own: set[int] = set()  # conversations this app is changing right now

    def compose(self) -> ComposeResult:
        yield Tabs(Tab("Open", id="tab-open"), Tab("Archived", id="tab-archived"), id="filters")
        yield Input(
            placeholder="/ search: words, name:, email:, phone:, channel:, is:held, older:30d",
            id="search",
        )
        yield Static(id="info", markup=False)
        with Horizontal(id="panes"):
            yield ConversationList(id="list")
            with Vertical(id="side"):
                yield ConversationPane(id="conversation")
                yield ContactPane(id="contact")
        yield ProgressBar(id="progress", show_eta=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.conversations.focus()
        self.show_search("")
        self.call_after_refresh(self.refresh_counts)  # after the first rows are on screen

    def on_screen_resume(self) -> None:
        if self.resumed:  # back from another screen: its changes show here
            self.refresh_all()
        self.resumed = True

    def on_swept(self, _: Swept) -> None:
        self.refresh_all()

    def on_data_changed(self, message: DataChanged) -> None:
        """Another agent changed something: show it, keep the cursor on its conversation."""
        if not message.forwarded:
            return
        before = self.conversations.current
        self.refresh_all()
        if not self.is_current:
            return  # the agent works on another screen (maybe the change is theirs): just follow
        after = self.conversations.current
        if before is not None and (after is None or after.id != before.id):
            if not self.conversations.follow(before.id) and before.id not in self.own:
                self.run_read(lambda: self._fate(before.id))
        selected = set(self.conversations.selection) - self.own
        if selected:
            self.run_read(lambda: self.Pruned(selected, models.existing(selected)))

    def _fate(self, conversation_id: int) -> Elsewhere:
        try:
            return self.Elsewhere(conversation_id, models.get_conversation(conversation_id).status)
        except models.NotFound:
            return self.Elsewhere(conversation_id, None)

    class Elsewhere(Message):
        """What became of the highlighted conversation that another agent changed."""

        def __init__(self, conversation_id: int, status: str | None) -> None:
            super().__init__()
            self.conversation_id, self.status = conversation_id, status

    @on(Elsewhere)
    def _elsewhere(self, message: Elsewhere) -> None:
        number = f"Conversation #{message.conversation_id}"
        if message.status is None:
            said = f"{number} was deleted elsewhere."
        elif message.status != self.status:
            verb = "archived" if message.status == ARCHIVED else "reopened"
            said = f"{number} was {verb} elsewhere."
        else:
            said = f"{number} changed elsewhere and moved in the list."
        self.notify(said, severity="warning")

    class Pruned(Message):
        def __init__(self, selected: set[int], still: set[int]) -> None:
            super().__init__()
            self.selected, self.still = selected, still

    @on(Pruned)
    def _pruned(self, message: Pruned) -> None:
        gone = message.selected - message.still
        if gone:
            self.conversations.selection.difference_update(gone)
            self.conversations.select([])  # redraw and recount
            self.notify(
                f"{plural(len(gone), 'selected conversation')} were deleted elsewhere; "
                "they are no longer selected.",
                severity="warning",
            )

    def on_resize(self, event: Resize) -> None:
        self.set_class(is_narrow(event.size.width), "narrow")

    # filter and search ------------------------------------------------------
    def show_search(self, text: str, keep_cursor: bool = False) -> bool:
        try:
            search = ConversationSearch(text, status=self.status)
        except HushdeskError as error:
            self.notify(safe(error), severity="error", markup=False)
            return False
        self.query_text = text
        self.conversations.show(search, keep_cursor)
        self._list_shown()
        return True

    def refresh_all(self) -> None:
        self.conversations.reload(keep_cursor=True)
        self._list_shown()
        self.refresh_counts()

    def _list_shown(self) -> None:
        """The info line and panes at once, so they show in the list's first frame.

        The list's TotalChanged and Highlighted messages then find nothing new
        to show; a count that arrives later updates the info line through them.
        """
        self.refresh_info()
        row = self.conversations.current
        self.show_panes(row.id if row else None)

    @work(thread=True, exclusive=True, group="counts")
    def refresh_counts(self) -> None:
        """The two filters' counts, in a thread: each costs an index scan at scale."""
        try:
            with models.connection():
                self.post_message(self.Counted(models.counts()))
        except HushdeskError:
            pass  # the tabs keep their last counts; the list says what is wrong

    class Counted(Message):
        def __init__(self, counts: dict[str, int]) -> None:
            super().__init__()
            self.counts = counts

    @on(Counted)
    def _show_counts(self, message: Counted) -> None:
        counts = message.counts
        for tab_id, label in (
            ("#tab-open", f"Open {counts[OPEN]:,}"),
            ("#tab-archived", f"Archived {counts[ARCHIVED]:,}"),
        ):
            tab = self.query_one(tab_id, Tab)
            if str(tab.label) != label:
                tab.label = label

    def refresh_info(self) -> None:
        text = Text(f" {'Open' if self.status == OPEN else 'Archived'} · ", style="bold")
        total = self.conversations.total
        if self.query_text:
            text.append(f"{total:,} {'match' if total == 1 else 'matches'} for ")
            text.append_text(plain(self.query_text, "italic"))
        else:
            text.append(plural(total, "conversation"))
        if not self.conversations.counted:
            text.append(" or more, counting…", style="dim")
        if self.conversations.selection:
            text.append(
                f" · ● {len(self.conversations.selection):,} selected", style="bold yellow"
            )
        if text != self._info:  # an unchanged line would still cost a layout
            self._info = text
            self.query_one("#info", Static).update(text)

    def watch_status(self, status: str) -> None:
        self.query_one(Tabs).active = f"tab-{status}"
        self.conversations.selection.clear()
        self.show_search(self.query_text)
        self.refresh_bindings()

    @on(Tabs.TabActivated, "#filters")
    def _tab(self, event: Tabs.TabActivated) -> None:
        self.status = OPEN if event.tab.id == "tab-open" else ARCHIVED

    def action_filter(self, status: str) -> None:
        self.status = status

    def action_search(self) -> None:
        box = self.query_one("#search", Input)
        if self.focused is box:  # typing "/" in the box: queue it behind the keys before it
            box.post_message(events.Key("slash", "/"))
        else:
            self.set_focus(box)

    @on(Input.Submitted, "#search")
    def _search(self, event: Input.Submitted) -> None:
        if self.show_search(event.value):
            self.set_focus(self.conversations)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "archive":
            return self.status == OPEN
        if action == "unarchive":
            return self.status == ARCHIVED
        return True

    # selection ----------------------------------------------------------------
    def action_toggle_row(self) -> None:
        self.conversations.toggle_current()

    def action_select_all(self) -> None:
        """Every match's id, read in a thread: hundreds of thousands take a moment."""
        search = self.conversations.search
        if search is not None:
            self.run_read(lambda: self.Matched(search, search.ids()))

    class Matched(Message):
        def __init__(self, search: ConversationSearch, ids: list[int]) -> None:
            super().__init__()
            self.search, self.ids = search, ids

    @on(Matched)
    def _select_matches(self, message: Matched) -> None:
        if message.search is self.conversations.search:  # else the search changed meanwhile
            self.conversations.select(message.ids)

    @on(ConversationList.SelectionChanged)
    @on(ConversationList.TotalChanged)
    def _list_changed(self) -> None:
        self.refresh_info()

    def action_clear(self) -> None:
        search_box = self.query_one("#search", Input)
        if self.focused is search_box:
            search_box.value = ""
            self.show_search("")
            self.set_focus(self.conversations)
        elif self.focused is not self.conversations:
            self.set_focus(self.conversations)
        elif self.conversations.selection:
            self.conversations.clear_selection()
        elif self.query_text:
            search_box.value = ""
            self.show_search("")

    def targets(self) -> list[int]:
        if self.conversations.selection:
            return sorted(self.conversations.selection)
        row = self.conversations.current
        return [row.id] if row else []

    # panes --------------------------------------------------------------------
    @on(ConversationList.Highlighted)
    def _highlighted(self, event: ConversationList.Highlighted) -> None:
        conversation_id = event.row.id if event.row else None
        if conversation_id != self._panes_for:  # else a reload's message, already shown
            self.show_panes(conversation_id)

    def show_panes(self, conversation_id: int | None) -> None:
        self._panes_for = conversation_id
        detail = contact = None
        pending: list[models.Pending] = []
        try:  # lookups by key: reads never wait for a lock in WAL mode
            if conversation_id is not None:
                detail = models.get_conversation(conversation_id)
                if detail.contact_id is not None:
                    contact = models.get_contact(detail.contact_id)
                if detail.kind == "email":
                    pending = models.pending_replies(conversation_id)
        except models.NotFound:
            detail = contact = None
        except HushdeskError as error:
            detail = contact = None
            self.notify(safe(error), severity="error", markup=False)
        self.query_one(ConversationPane).show(detail, pending)
        self.query_one(ContactPane).show(contact)

    @on(ConversationList.Opened)
    def _opened(self) -> None:
        self.set_focus(self.query_one(ConversationPane))

    def action_contact(self) -> None:
        self.query_one(ContactPane).focus_attributes()

    def show_conversation(self, conversation_id: int) -> None:
        """Go to one conversation: its filter, searched by id."""
        try:
            status = models.get_conversation(conversation_id).status  # one row, by key
        except HushdeskError as error:
            self.notify(safe(error), severity="error", markup=False)
            return
        text = f"id:{conversation_id}"
        self.query_one("#search", Input).value = text
        self.query_text = text
        if status != self.status:
            self.status = status  # shows the search in the other filter
        else:
            self.show_search(text)

    def in_open_filter(self) -> bool:
        return self.status == OPEN
