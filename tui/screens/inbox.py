"""The inbox: Open and Archived filters, search, selection, and the conversation and contact panes.

Every change goes through a `models` function; slow ones run in a thread
worker and report back, so the screen never freezes.
"""

from __future__ import annotations

from collections.abc import Callable

from peewee import DatabaseError, OperationalError
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Input, ProgressBar, Static, Tab, Tabs

import models
from models import ARCHIVED, OPEN, ConversationSearch, HushdeskError

from ..dialogs.attribute import AttributeDialog
from ..dialogs.confirm import ConfirmDialog
from ..messages import Swept
from ..text import plain, plural
from ..widgets.contact_pane import ContactPane
from ..widgets.conversation_list import ConversationList
from ..widgets.conversation_pane import ConversationPane
from ..widgets.keys_footer import KeysFooter
from ..wording import attribute_question, delete_question, forget_question, social_notice

NARROW = 110


class InboxScreen(Screen[None]):
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
            "space", "toggle", "Select", tooltip="Select or unselect the highlighted conversation"
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
        yield KeysFooter(compact=True)

    @property
    def list(self) -> ConversationList:
        return self.query_one(ConversationList)

    def on_mount(self) -> None:
        self.list.focus()
        self.show_search("")
        self.refresh_counts()

    def on_screen_resume(self) -> None:
        if self.resumed:  # back from another screen: its changes show here
            self.refresh_all()
        self.resumed = True

    def on_swept(self, _: Swept) -> None:
        self.refresh_all()

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < NARROW, "narrow")

    # filter and search ------------------------------------------------------
    def show_search(self, text: str, keep_cursor: bool = False) -> bool:
        try:
            search = ConversationSearch(text, status=self.status)
        except HushdeskError as error:
            self.notify(str(error), severity="error", markup=False)
            return False
        self.query_text = text
        self.list.show(search, keep_cursor)
        self._list_shown()
        return True

    def refresh_all(self) -> None:
        self.list.reload(keep_cursor=True)
        self._list_shown()
        self.refresh_counts()

    def _list_shown(self) -> None:
        """The info line and panes at once, so they show in the list's first frame.

        The list's TotalChanged and Highlighted messages then find nothing new
        to show; a count that arrives later updates the info line through them.
        """
        self.refresh_info()
        row = self.list.current
        self.show_panes(row.id if row else None)

    @work(thread=True, exclusive=True, group="counts")
    def refresh_counts(self) -> None:
        """The two filters' counts, in a thread: each costs an index scan at scale."""
        try:
            counts = models.counts()
        except DatabaseError:
            return
        finally:
            models.engine.close_database()
        self.app.call_from_thread(self._show_counts, counts)

    def _show_counts(self, counts: dict[str, int]) -> None:
        for tab_id, label in (
            ("#tab-open", f"Open {counts[OPEN]:,}"),
            ("#tab-archived", f"Archived {counts[ARCHIVED]:,}"),
        ):
            tab = self.query_one(tab_id, Tab)
            if str(tab.label) != label:
                tab.label = label

    def refresh_info(self) -> None:
        text = Text(f" {'Open' if self.status == OPEN else 'Archived'} · ", style="bold")
        total = self.list.total
        if self.query_text:
            text.append(f"{total:,} {'match' if total == 1 else 'matches'} for ")
            text.append_text(plain(self.query_text, "italic"))
        else:
            text.append(plural(total, "conversation"))
        if not self.list.counted:
            text.append(" or more, counting…", style="dim")
        if self.list.selection:
            text.append(f" · ● {len(self.list.selection):,} selected", style="bold yellow")
        if text != self._info:  # an unchanged line would still cost a layout
            self._info = text
            self.query_one("#info", Static).update(text)

    def watch_status(self, status: str) -> None:
        self.query_one(Tabs).active = f"tab-{status}"
        self.list.selection.clear()
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
            self.set_focus(self.list)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "archive":
            return self.status == OPEN
        if action == "unarchive":
            return self.status == ARCHIVED
        return True

    # selection ----------------------------------------------------------------
    def action_toggle(self) -> None:
        self.list.toggle_current()

    def action_select_all(self) -> None:
        if self.list.search is not None:
            self.list.select(self.list.search.ids())

    @on(ConversationList.SelectionChanged)
    @on(ConversationList.TotalChanged)
    def _list_changed(self) -> None:
        self.refresh_info()

    def action_clear(self) -> None:
        search_box = self.query_one("#search", Input)
        if self.focused is search_box:
            search_box.value = ""
            self.show_search("")
            self.set_focus(self.list)
        elif self.focused is not self.list:
            self.set_focus(self.list)
        elif self.list.selection:
            self.list.clear_selection()
        elif self.query_text:
            search_box.value = ""
            self.show_search("")

    def targets(self) -> list[int]:
        if self.list.selection:
            return sorted(self.list.selection)
        row = self.list.current
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
        try:
            if conversation_id is not None:
                detail = models.get_conversation(conversation_id)
                if detail.contact_id is not None:
                    contact = models.get_contact(detail.contact_id)
        except HushdeskError:
            detail = contact = None
        self.query_one(ConversationPane).show(detail)
        self.query_one(ContactPane).show(contact)

    @on(ConversationList.Opened)
    def _opened(self) -> None:
        self.set_focus(self.query_one(ConversationPane))

    def action_contact(self) -> None:
        self.query_one(ContactPane).focus_attributes()

    # operations ---------------------------------------------------------------
    def action_archive(self) -> None:
        ids = self.targets()
        if ids:
            self.run_operation(
                lambda: models.archive(ids),
                self._done(f"Archived {plural(len(ids), 'conversation')}."),
            )

    def action_unarchive(self) -> None:
        ids = self.targets()
        if ids:
            self.run_operation(
                lambda: models.unarchive(ids),
                self._done(f"Moved {plural(len(ids), 'conversation')} to Open."),
            )

    def action_hold(self) -> None:
        ids = self.targets()
        if not ids:
            return
        current = self.list.current
        release = not self.list.selection and current is not None and current.held
        op, verb = (models.release, "Released") if release else (models.hold, "Put on legal hold:")
        self.run_operation(
            lambda: op(ids), self._done(f"{verb} {plural(len(ids), 'conversation')}.")
        )

    def action_delete(self) -> None:
        ids = self.targets()
        if not ids:
            return
        if self.status == OPEN:
            self.notify(
                "Archive first: only archived conversations can be deleted. Nothing was deleted.",
                severity="warning",
            )
            return
        try:
            summary = models.summarize(ids)
        except HushdeskError as error:
            self.notify(str(error), severity="error", markup=False)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.delete(ids)

        self.app.push_screen(ConfirmDialog(delete_question(summary)), answered)

    def delete(self, ids: list[int]) -> None:
        """Delete in a worker, with a progress bar; the agent can keep reading meanwhile."""
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=len(ids), progress=0)
        bar.display = True

        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(bar.update, total=total, progress=done)

        self.run_operation(
            lambda: models.delete_conversations(ids, self.app.agent, progress=progress),
            self._deleted,
        )

    def _deleted(self, result: models.DeletionResult) -> None:
        self._done(f"Deleted {plural(result.count, 'conversation')} permanently.")(result)
        if result.social_channels:
            self.notify(
                social_notice(result.social_channels), severity="warning", timeout=15, markup=False
            )

    def _failed(self, error: Exception) -> None:
        message = (
            str(error)
            if isinstance(error, HushdeskError)
            else f"database busy: {error}; try again"
        )
        self.query_one("#progress", ProgressBar).display = False
        self.notify(message, severity="error", markup=False)
        self.refresh_all()

    @work(thread=True, exclusive=True, group="database")
    def run_operation(
        self, operation: Callable[[], object], after: Callable[[object], None]
    ) -> None:
        """Run a models operation in a thread; `after` gets its result on the UI thread."""
        try:
            result = operation()
        except (HushdeskError, OperationalError) as error:
            self.app.call_from_thread(self._failed, error)
            return
        finally:
            models.engine.close_database()
        self.app.call_from_thread(after, result)

    def _done(self, message: str) -> Callable[[object], None]:
        """What follows a finished operation: selection cleared, all refreshed, said."""

        def after(_: object) -> None:
            self.query_one("#progress", ProgressBar).display = False
            self.list.selection.clear()
            self.refresh_all()
            self.notify(message)

        return after

    # contact pane ---------------------------------------------------------------
    @on(ContactPane.DeleteAttribute)
    def _delete_attribute(self, event: ContactPane.DeleteAttribute) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.apply_now(
                    lambda: models.delete_attribute(event.contact.id, event.key, self.app.agent),
                    "Attribute deleted.",
                )

        self.app.push_screen(ConfirmDialog(attribute_question(event.contact, event.key)), answered)

    @on(ContactPane.NewAttribute)
    def _new_attribute(self, event: ContactPane.NewAttribute) -> None:
        def answered(pair: tuple[str, str] | None) -> None:
            if pair:
                self.apply_now(
                    lambda: models.set_attribute(event.contact_id, *pair, source="manual"),
                    "Attribute saved.",
                )

        self.app.push_screen(AttributeDialog(), answered)

    @on(ContactPane.Forget)
    def _forget(self, event: ContactPane.Forget) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.apply_now(
                    lambda: models.forget_contact(event.contact.id, self.app.agent),
                    "Profile deleted; its conversations now show “Someone”.",
                )

        self.app.push_screen(ConfirmDialog(forget_question(event.contact)), answered)

    def apply_now(self, operation: Callable[[], object], done: str) -> None:
        """Small, single-row operations run at once, then the panes refresh."""
        try:
            operation()
        except HushdeskError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.refresh_all()  # the list's reload reloads the panes too
        self.notify(done)
