"""The Textual app: opens the inbox, knows the other screens, and keeps house in the background.

Every second a tick starts, in a thread, what the app does without being asked:
the assistants whose slot has come sweep, and a deletion's clean-up that
another program held up is finished. Results come back as messages; a failure
is a notification, never an exit.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget

import models

from ..layout import LIST_SHARE
from ..text import plural, safe
from ..wording import cleanup_note, social_notice
from .fetching import MailFetch
from .messages import (
    CleanupFinished,
    ConnectionBack,
    ConnectionLost,
    DataChanged,
    SweepsDone,
    Swept,
)
from .screens.assistants import AssistantsScreen
from .screens.deletion_log import DeletionLogScreen
from .screens.inbox import InboxScreen
from .screens.reply import ReplyScreen
from .screens.requests import RequestsScreen, summary
from .watch import ChangeWatch
from .widgets.contact_pane import ContactPane
from .widgets.conversation_list import ConversationList

logger = logging.getLogger("hushdesk")
TICK_SECONDS = 1.0
OUTBOX_SECONDS = 5.0  # how often the outbox is looked at for replies that are due


class RepliesSent(Message):
    """A background run of the outbox: what it sent, and what it could not."""

    def __init__(self, report: models.SendReport) -> None:
        super().__init__()
        self.report = report


class HushdeskApp(App[None]):
    TITLE = "hushdesk"
    CSS_PATH = "app.tcss"

    def get_css_variables(self) -> dict[str, str]:
        """The theme's variables, and the inbox's layout (`tui.layout`, stated once)."""
        return {**super().get_css_variables(), "list-share": f"{LIST_SHARE}%"}

    def __init__(
        self,
        agent: str,
        sweep_interval: timedelta = models.DEFAULT_INTERVAL,
        theme: str | None = None,
        demo_folder: Path | None = None,
        own_process: bool = False,
    ) -> None:
        super().__init__()
        self.agent = agent
        self.own_process = own_process  # the only app in its process: see `_freeze_heap`
        self.demo_folder = demo_folder  # a visitor's session: nothing is written outside it
        if theme:
            self.theme = theme
        self.schedule = models.SweepSchedule(sweep_interval, models.now())
        self.sweeping = False
        self.sending = False
        self.said_of_outbox = ""  # said once, not at every look

    def on_mount(self) -> None:
        self.schedule.set_interval(self.schedule.interval, models.now())
        self.set_interval(TICK_SECONDS, self.sweep_tick)
        self.set_interval(OUTBOX_SECONDS, self.send_replies)
        self.push_screen(InboxScreen())
        self.follower = ChangeWatch(self)
        self.follower.start()
        self.call_after_refresh(self.tell_due)
        self.mail = MailFetch(self)
        if self.demo_folder is None:  # a visitor's demo fetches nothing
            self.mail.start()
        if self.own_process:
            self.call_after_refresh(self._freeze_heap)

    def _freeze_heap(self) -> None:
        """Leave what exists once the inbox is up (Textual, the screens, their styles) out of
        the garbage collector's full passes. A full pass over all of it took the screen
        away for 0.1-0.15 s while a thread summarized 68,000 selected conversations; it
        now looks only at what came later. Only in a process of its own: frozen objects'
        garbage is never collected, so a process running app after app (the tests) must
        not."""
        gc.freeze()

    def on_unmount(self) -> None:
        self.follower.stop()
        self.mail.stop()

    @on(ConnectionLost)
    def _connection_lost(self, message: ConnectionLost) -> None:
        self._offline(True)
        self.notify(
            f"Lost the connection to the database ({safe(message.said, 200)}); trying again.",
            severity="error",
            markup=False,
        )

    def _offline(self, offline: bool) -> None:
        """Lists read nothing on the screen's own thread while the database is away."""
        for screen in self.screen_stack:
            for listing in screen.query(ConversationList):
                listing.offline = offline

    @on(ConnectionBack)
    def _connection_back(self) -> None:
        self._offline(False)
        self.notify("Connected to the database again; what you see is read anew.", markup=False)

    @on(DataChanged)
    def _data_changed(self, message: DataChanged) -> None:
        """Another agent changed the database: every screen shows it (only the app hears)."""
        if message.forwarded:
            return
        for screen in self.screen_stack:
            screen.post_message(DataChanged(forwarded=True))

    @on(MailFetch.Fetched)
    def _mail_fetched(self, message: MailFetch.Fetched) -> None:
        """New mail is a notification (the lists follow the commit); a failing source too."""
        for result in message.results:
            if result.messages:
                self.notify(
                    f"{plural(result.messages, 'new message')} from {safe(result.name)}.",
                    markup=False,
                )
            if result.error:
                self.notify(
                    f"Fetching from {safe(result.name)} failed: {safe(result.error, 200)}; "
                    "it is tried again later.",
                    severity="error",
                    markup=False,
                )
        for screen in self.screen_stack:
            screen.post_message(DataChanged(forwarded=True))

    # the background tick -------------------------------------------------------
    def set_sweep_interval(self, interval: timedelta) -> None:
        self.schedule.set_interval(interval, models.now())

    def sweep_tick(self) -> None:
        """Sweep the channels whose slots have come, and finish owed clean-ups (in a thread)."""
        if not self.sweeping:
            self.sweeping = True
            self.housekeeping(None)

    def start_sweep(self, channels: list[str]) -> None:
        """Run these channels' assistants now (the assistants screen's "run now")."""
        if self.sweeping:
            self.notify("An assistant sweep is already running.", severity="warning")
            return
        self.sweeping = True
        self.housekeeping(channels)

    @work(thread=True, group="sweep")
    def housekeeping(self, channels: list[str] | None) -> None:
        """Sweep `channels` (None: those whose slot has come), then finish owed clean-ups."""
        results: list[models.SweepResult] = []
        try:
            with models.connection():
                if channels is None:
                    channels = self.schedule.due(models.enabled_channels(), models.now())
                for channel in channels:
                    results.append(self._sweep_one(channel))
                finished = models.finish_cleanup()
        except models.HushdeskError as error:
            logger.warning("housekeeping skipped: %s", safe(error))
            finished = None
        self.post_message(SweepsDone(results))
        if finished is not None:
            self.post_message(CleanupFinished(finished))

    def _sweep_one(self, channel: str) -> models.SweepResult:
        try:
            return models.sweep_channel(channel)
        except models.HushdeskError as error:
            logger.warning("assistant:%s sweep failed: %s", safe(channel), safe(error))
            return models.SweepResult(channel, 0, 0, False, str(error))

    @on(SweepsDone)
    def _swept(self, message: SweepsDone) -> None:
        self.sweeping = False
        results = message.results
        for result in results:
            self._report_sweep(result)
        social = [r.channel for r in results if r.social and r.deleted]
        if social:
            self.notify(social_notice(social), severity="warning", timeout=15, markup=False)
        if any(r.deleted for r in results):
            for screen in self.screen_stack:
                screen.post_message(Swept(results))

    def _report_sweep(self, result: models.SweepResult) -> None:
        if result.deleted:
            self.notify(
                f"The {safe(result.channel)} assistant deleted "
                f"{plural(result.deleted, 'conversation')} ({models.rule(result.days)}).",
                markup=False,
            )
        if result.stopped:
            self.notify(
                f"The {safe(result.channel)} assistant's sweep failed: {safe(result.stopped)}; "
                "it retries at its next slot.",
                severity="error",
                markup=False,
            )
        if not result.cleanup.done:
            self.notify(cleanup_note(result.cleanup), severity="warning", markup=False)

    @on(CleanupFinished)
    def _cleanup_finished(self, message: CleanupFinished) -> None:
        if message.cleanup.done:
            self.notify("An earlier deletion is now gone from every byte of the database.")

    # the outbox -----------------------------------------------------------------
    def send_replies(self) -> None:
        """Send the replies that are due, in a thread (one run at a time). Only what an agent
        wrote is ever in the outbox: the app answers nothing by itself."""
        if not self.sending:
            self.sending = True
            self._send_replies()

    @work(thread=True, group="outbox")
    def _send_replies(self) -> None:
        try:
            with models.connection():
                report = models.send_due()
        except models.HushdeskError as error:
            report = models.SendReport(said=str(error))
        self.post_message(RepliesSent(report))

    @on(RepliesSent)
    def _replies_sent(self, message: RepliesSent) -> None:
        self.sending = False
        report = message.report
        if report.sent:
            self.notify(f"Sent {plural(len(report.sent), 'reply')}.", markup=False)
        for line in report.waiting:
            self.notify(f"Not sent yet: {safe(line, 300)}.", severity="warning", markup=False)
        for line in report.failed:
            self.notify(f"Failed: {safe(line, 300)}.", severity="error", markup=False)
        if report.said and report.said != self.said_of_outbox:
            self.notify(f"Replies wait: {safe(report.said)}.", severity="warning", markup=False)
        self.said_of_outbox = report.said
        if report.sent or report.waiting or report.failed:
            for screen in self.screen_stack:
                screen.post_message(DataChanged(forwarded=True))

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        """Not offered: a screenshot would copy customer data into a file outside hushdesk."""
        self.notify("hushdesk takes no screenshots: they would copy customer data to a file.")

    async def action_quit(self) -> None:
        """Quit; from the reply editor, once its draft is kept."""
        if isinstance(self.screen, ReplyScreen):
            self.screen.action_keep(quitting=True)
            return
        self.exit()

    # screens ------------------------------------------------------------------
    def action_assistants(self) -> None:
        if not isinstance(self.screen, AssistantsScreen):
            self.push_screen(AssistantsScreen())

    def action_log(self) -> None:
        if not isinstance(self.screen, DeletionLogScreen):
            self.push_screen(DeletionLogScreen())

    def action_requests(self) -> None:
        if not isinstance(self.screen, RequestsScreen):
            self.push_screen(RequestsScreen(), self._from_requests)

    def _from_requests(self, conversation: int | None) -> None:
        if conversation is not None and isinstance(self.screen, InboxScreen):
            self.screen.show_conversation(conversation)

    @work(thread=True, group="due")
    def tell_due(self) -> None:
        """At start: the requests overdue or due within a week, said once (Q shows them)."""
        try:
            with models.connection():
                due = models.due_requests()
        except models.HushdeskError as error:
            logger.warning("requests not read: %s", safe(error))
            return
        said = summary(due)
        if said:
            self.call_from_thread(
                self.notify, f"{said} (Q: requests).", severity="warning", markup=False
            )

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title in SAFE_SYSTEM_COMMANDS:
                yield command
        if isinstance(screen, InboxScreen):
            for target in (screen, screen.conversations, screen.query_one(ContactPane)):
                yield from self._palette(target)
        yield SystemCommand(
            "Channel assistants", "Retention per channel (A)", self.action_assistants
        )
        yield SystemCommand(
            "Deletion log", "What was deleted, by whom and why (L)", self.action_log
        )
        yield SystemCommand(
            "Requests", "Access and erasure requests against their clock (Q)", self.action_requests
        )

    def _palette(self, target: Widget) -> Iterable[SystemCommand]:
        """Every binding of `target` that has a tooltip, as a palette command."""
        for binding in target.BINDINGS:
            if isinstance(binding, Binding) and binding.tooltip:
                key = self.get_key_display(Binding(binding.key.split(",")[0], binding.action))
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip} ({key})",
                    partial(target.run_action, binding.action),
                )


# Textual's own palette commands that write nothing to disk (its "Screenshot" does).
SAFE_SYSTEM_COMMANDS = frozenset({"Theme", "Quit", "Keys", "Maximize", "Minimize"})


def make_app(
    agent: str,
    sweep_interval: timedelta = models.DEFAULT_INTERVAL,
    theme: str | None = None,
    demo_folder: Path | None = None,
    own_process: bool = False,
) -> HushdeskApp:
    """Build the app for the command line, the demo sessions and the tests alike."""
    return HushdeskApp(agent, sweep_interval, theme, demo_folder, own_process)
