"""The Textual app: opens the inbox, knows the other screens, and runs the assistants' timer."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from functools import partial

from peewee import DatabaseError
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.screen import Screen

import models
from models import HushdeskError, SweepResult, clock
from models.schedule import DEFAULT_INTERVAL, SweepSchedule

from .messages import Swept
from .screens.assistants import AssistantsScreen
from .screens.deletion_log import DeletionLogScreen
from .screens.inbox import InboxScreen
from .text import plural
from .widgets.contact_pane import ContactPane
from .wording import social_notice

logger = logging.getLogger("hushdesk")
TICK_SECONDS = 1.0


class HushdeskApp(App[None]):
    TITLE = "hushdesk"
    CSS_PATH = "app.tcss"

    def __init__(
        self, agent: str, sweep_interval: timedelta = DEFAULT_INTERVAL, theme: str | None = None
    ) -> None:
        super().__init__()
        self.agent = agent
        if theme:
            self.theme = theme
        self.schedule = SweepSchedule(sweep_interval, clock.now())
        self.sweeping = False

    def on_mount(self) -> None:
        self.schedule.set_interval(self.schedule.interval, clock.now())
        self.set_interval(TICK_SECONDS, self.sweep_tick)
        self.push_screen(InboxScreen())

    # assistants' timer ------------------------------------------------------
    def set_sweep_interval(self, interval: timedelta) -> None:
        self.schedule.set_interval(interval, clock.now())

    def sweep_tick(self) -> None:
        """Start the sweeps whose slots have come (time from the injected clock)."""
        if self.sweeping:
            return
        try:
            due = self.schedule.due(models.enabled_channels(), clock.now())
        except DatabaseError as error:
            logger.warning("assistant schedule skipped: %s", error)
            return
        if due:
            self.start_sweep(due)

    def start_sweep(self, channels: list[str]) -> None:
        if self.sweeping:
            self.notify("An assistant sweep is already running.", severity="warning")
            return
        self.sweeping = True
        self.sweep_worker(channels)

    @work(thread=True, group="sweep")
    def sweep_worker(self, channels: list[str]) -> None:
        results: list[SweepResult] = []
        failures: list[str] = []
        for channel in channels:
            try:
                results.append(models.sweep_channel(channel))
            except (HushdeskError, DatabaseError) as error:
                logger.warning(
                    "assistant:%s sweep failed, retried at its next slot: %s", channel, error
                )
                failures.append(f"{channel} ({error})")
        models.close_database()
        self.call_from_thread(self.swept, results, failures)

    def swept(self, results: list[SweepResult], failures: list[str]) -> None:
        self.sweeping = False
        for result in results:
            if result.deleted:
                self.notify(
                    f"The {result.channel} assistant deleted "
                    f"{plural(result.deleted, 'conversation')} "
                    f"({models.rule(result.days)}).",
                    markup=False,
                )
        social = [r.channel for r in results if r.social and r.deleted]
        if social:
            self.notify(social_notice(social), severity="warning", timeout=15, markup=False)
        for failure in failures:
            self.notify(
                f"Assistant sweep failed: {failure}; it retries at its next slot.",
                severity="error",
                markup=False,
            )
        if any(r.deleted for r in results):
            for screen in self.screen_stack:
                screen.post_message(Swept(results))

    # screens ------------------------------------------------------------------
    def action_assistants(self) -> None:
        if not isinstance(self.screen, AssistantsScreen):
            self.push_screen(AssistantsScreen())

    def action_log(self) -> None:
        if not isinstance(self.screen, DeletionLogScreen):
            self.push_screen(DeletionLogScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, InboxScreen):
            for target in (screen, screen.list, screen.query_one(ContactPane)):
                yield from self._palette(target)
        yield SystemCommand(
            "Channel assistants", "Retention per channel (A)", self.action_assistants
        )
        yield SystemCommand(
            "Deletion log", "What was deleted, by whom and why (L)", self.action_log
        )

    def _palette(self, target: DOMNode) -> Iterable[SystemCommand]:
        """Every binding of `target` that has a tooltip, as a palette command."""
        for binding in target.BINDINGS:
            if isinstance(binding, Binding) and binding.tooltip:
                key = self.get_key_display(Binding(binding.key.split(",")[0], binding.action))
                yield SystemCommand(
                    binding.description,
                    f"{binding.tooltip} ({key})",
                    partial(target.run_action, binding.action),
                )


def make_app(
    agent: str, sweep_interval: timedelta = DEFAULT_INTERVAL, theme: str | None = None
) -> HushdeskApp:
    """Build the app for the command line and for tests alike."""
    return HushdeskApp(agent=agent, sweep_interval=sweep_interval, theme=theme)
