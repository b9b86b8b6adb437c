"""The app's background fetch: new mail comes in while agents work, and open inboxes show it.

A thread of its own fetches every source that is due (`models.fetch_due`:
each source's next fetch, later after each failure), then waits: in IMAP
IDLE on a source whose server offers it, so a delivered message is fetched
within a second or two, else for the next tick (sources are polled at their
interval). What it fetched, and each source's new trouble, comes back to the
app as `MailFetch.Fetched`; the import commits, and every open inbox (this one
and other agents') follows it as it follows any change.
"""

from __future__ import annotations

import logging
import threading

from textual.app import App
from textual.message import Message

import models

from ..text import safe

logger = logging.getLogger("hushdesk")
TICK_SECONDS = 1.0  # between looks at which sources are due, when none can be waited on
IDLE_SECONDS = 25.0  # one IDLE, then the due sources are looked at again


class MailFetch:
    class Fetched(Message):
        """A background fetch's results (only those that read mail or failed)."""

        def __init__(self, results: list[models.FetchResult]) -> None:
            super().__init__()
            self.results = results

    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="hushdesk-fetch", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        while not self.stopped.is_set():
            self._fetch(None)
            if not self._wait():
                self.stopped.wait(TICK_SECONDS)

    def _fetch(self, name: str | None) -> None:
        try:
            with models.connection():
                if name is None:
                    results = models.fetch_due(self.stopped.is_set)
                else:
                    results = models.fetch(name, self.stopped.is_set)
        except models.HushdeskError as error:
            logger.warning("background fetch skipped: %s", safe(error))
            return
        for result in results:
            if result.error:
                logger.warning("fetch from %s failed: %s", safe(result.name), safe(result.error))
        shown = [r for r in results if r.messages or r.error]
        if shown:
            self.app.post_message(self.Fetched(shown))

    def _wait(self) -> bool:
        """Wait in IDLE for new mail, and fetch it; False when there is nothing to wait on."""
        try:
            with models.connection():
                name = models.idle_source()
            if name is None:
                return False
            if models.wait_for_mail(name, IDLE_SECONDS, self.stopped.is_set):
                self._fetch(name)
            return True
        except models.HushdeskError as error:  # its next fetch says so, in intake ls too
            logger.warning("waiting for mail stopped: %s", safe(error))
            return False
