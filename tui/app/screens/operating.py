"""A screen that changes data: every change runs in a thread and reports back by message.

No write ever runs on the event loop: another hushdesk holding the write lock,
a full disk or a damaged file then costs the agent a notification, never a
frozen screen or an exit. The operation itself builds the message that says
how it went (`Done`), or fails with a `HushdeskError` (`Failed`); both are
handled here, in one place, and the screen then refreshes what it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual import on, work
from textual.message import Message
from textual.screen import Screen

import models

from ...text import safe
from ...wording import cleanup_note, social_notice

R = TypeVar("R")


class OperatingScreen(Screen[R], Generic[R]):
    class Done(Message):
        """An operation finished: what to say, and what a deletion still owes, if anything."""

        def __init__(
            self,
            said: str,
            cleanup: models.Cleanup | None = None,
            social: list[str] | None = None,
        ) -> None:
            super().__init__()
            self.said = said
            self.cleanup = cleanup
            self.social = social or []

    class Failed(Message):
        """An operation was refused or could not run; nothing of it was applied."""

        def __init__(self, said: str) -> None:
            super().__init__()
            self.said = said

    @work(thread=True, group="database")
    def run_operation(self, operation: Callable[[], OperatingScreen.Done]) -> None:
        """Run a models operation in a thread; its outcome comes back as Done or Failed."""
        try:
            with models.connection():
                outcome: Message = operation()
        except models.DoneButLost as done:
            outcome = self.Done(f"{str(done)[:1].upper()}{str(done)[1:]}.")
        except models.HushdeskError as error:
            outcome = self.Failed(str(error))
        self.post_message(outcome)

    class Unreadable(Message):
        """A read in a thread failed; the screen keeps what it showed."""

        def __init__(self, said: str) -> None:
            super().__init__()
            self.said = said

    @work(thread=True, group="read")
    def run_read(self, read: Callable[[], Message]) -> None:
        """Read in a thread; the message `read` builds comes back, or Unreadable."""
        try:
            with models.connection():
                outcome = read()
        except models.HushdeskError as error:
            outcome = self.Unreadable(str(error))
        self.post_message(outcome)

    @on(Unreadable)
    def _unreadable(self, message: Unreadable) -> None:
        self.notify(safe(message.said), severity="error", markup=False)

    @on(Done)
    def _done(self, message: Done) -> None:
        self.after_operation(failed=False)
        self.notify(safe(message.said), markup=False)
        if message.social:
            self._warn(social_notice(message.social))
        if message.cleanup is not None and not message.cleanup.done:
            self._warn(cleanup_note(message.cleanup))

    def _warn(self, text: str) -> None:
        self.notify(text, severity="warning", timeout=20, markup=False)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.after_operation(failed=True)
        self.notify(safe(message.said), severity="error", markup=False)

    def after_operation(self, failed: bool) -> None:
        """Show what changed (screens override this)."""
