"""Following other agents: a thread that tells the app when the database changed elsewhere.

SQLite: `PRAGMA data_version`, polled on a connection of its own (cheap: no table
is read). PostgreSQL: LISTEN, woken the moment another agent's change commits.
The app then refreshes what it shows; nothing here reads or writes a table.
"""

from __future__ import annotations

import threading

from textual.app import App

import models

from .messages import DataChanged

WAIT_SECONDS = 0.5


class ChangeWatch:
    def __init__(self, app: App[None]) -> None:
        self.app = app
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="hushdesk-watch", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()

    def _run(self) -> None:
        try:
            watcher = models.watch_changes()
        except models.HushdeskError:
            return  # the inbox still works; it follows changes when the agent moves
        try:
            while not self.stopped.is_set():
                if watcher.wait(WAIT_SECONDS) and not self.stopped.is_set():
                    self.app.post_message(DataChanged())
        except models.HushdeskError:
            pass
        finally:
            watcher.close()
