"""Following other agents: a thread that tells the app when the database changed elsewhere.

SQLite: `PRAGMA data_version`, polled on a connection of its own (cheap: no table
is read). PostgreSQL: LISTEN, woken the moment another agent's change commits.
The app then refreshes what it shows; nothing here reads or writes a table.

When the server goes away (a restart, a network cut), the thread says so once,
tries again with a growing wait, and once it listens again it says so and has
every screen read what it shows anew: changes made meanwhile were not heard.
"""

from __future__ import annotations

import threading

from textual.app import App

import models

from .messages import ConnectionBack, ConnectionLost, DataChanged

WAIT_SECONDS = 0.5
RETRY_SECONDS = (0.5, 1.0, 2.0, 4.0, 8.0)  # then every 8 s, for as long as the app runs


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
        lost, tries = False, 0
        while not self.stopped.is_set():
            try:
                watcher = models.watch_changes()
            except models.HushdeskError as error:
                if not lost:
                    lost = True
                    self.app.post_message(ConnectionLost(str(error)))
                self.stopped.wait(RETRY_SECONDS[min(tries, len(RETRY_SECONDS) - 1)])
                tries += 1
                continue
            if lost:
                lost, tries = False, 0
                self.app.post_message(ConnectionBack())
                self.app.post_message(DataChanged())
            lost = self._follow(watcher)
            if lost:
                self.app.post_message(ConnectionLost("the connection to the database was lost"))

    def _follow(self, watcher: models.Watcher) -> bool:
        """Post a change each time one is heard; True when the connection was lost."""
        try:
            while not self.stopped.is_set():
                if watcher.wait(WAIT_SECONDS) and not self.stopped.is_set():
                    self.app.post_message(DataChanged())
            return False
        except models.HushdeskError:
            return True
        finally:
            watcher.close()
