"""The Textual app: a small shell that opens the inbox and knows the other screens."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import App, SystemCommand
from textual.screen import Screen

from .screens.assistants import AssistantsScreen
from .screens.deletion_log import DeletionLogScreen
from .screens.inbox import COMMANDS, InboxScreen


class HushdeskApp(App[None]):
    TITLE = "hushdesk"
    CSS_PATH = "app.tcss"

    def __init__(self, agent: str) -> None:
        super().__init__()
        self.agent = agent

    def on_mount(self) -> None:
        self.push_screen(InboxScreen())

    def action_assistants(self) -> None:
        if not isinstance(self.screen, AssistantsScreen):
            self.push_screen(AssistantsScreen())

    def action_log(self) -> None:
        if not isinstance(self.screen, DeletionLogScreen):
            self.push_screen(DeletionLogScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if isinstance(screen, InboxScreen):
            for action, title, help_text in COMMANDS:
                yield SystemCommand(title, help_text, partial(screen.run_action, action))
        yield SystemCommand(
            "Channel assistants", "Retention per channel (A)", self.action_assistants
        )
        yield SystemCommand(
            "Deletion log", "What was deleted, by whom and why (L)", self.action_log
        )


def make_app(agent: str) -> HushdeskApp:
    """Build the app for the command line and for tests alike."""
    return HushdeskApp(agent=agent)
