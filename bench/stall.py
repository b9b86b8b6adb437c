"""Select every match and ask to delete them, in the real app: how long the screen goes unanswered.

Selecting every match (`*`) reads all their ids and the delete summary counts
what may go; both run in threads. A heartbeat on the app's event loop records
the longest gap between its beats: the longest the screen could not have
answered a key. (The heartbeat is a plain asyncio task, not a Textual timer: a
timer firing every few milliseconds would keep Pilot waiting for the app to be
idle.) Run in this process with Textual's Pilot on a real database.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BEAT_S = 0.005


@dataclass
class Stall:
    matches: int
    select_s: float  # `*` until every match is selected
    select_gap_s: float  # ...the longest the event loop did not beat meanwhile
    summary_s: float  # `d` until the question with its summary is on screen
    summary_gap_s: float


class Heartbeat:
    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0

    def beat(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last, self.worst = time.perf_counter(), 0.0

    async def run(self) -> None:
        while True:
            await asyncio.sleep(BEAT_S)
            self.beat()


async def _until(done: Callable[[], bool], limit: float = 120) -> None:
    deadline = time.perf_counter() + limit
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app never got there")
        await asyncio.sleep(BEAT_S)


async def _measure(query: str) -> Stall:
    from textual.pilot import Pilot

    from tui.app import make_app
    from tui.app.dialogs.confirm import ConfirmDialog
    from tui.app.widgets.conversation_list import ConversationList

    app = make_app("bench", own_process=True)  # as the command line runs it
    heart = Heartbeat()
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(pilot, Pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.press("2", "slash", *query, "enter")
        view = app.screen.query_one(ConversationList)
        await _until(lambda: view.search is not None and view.search.text == query)
        await _until(lambda: view.counted)
        beating = asyncio.create_task(heart.run())
        heart.reset()
        started = time.perf_counter()
        app.simulate_key("asterisk")  # not pilot.press: it waits up to 1 s for an idle CPU
        await _until(lambda: len(view.selection) == view.total)
        select_s, select_gap = time.perf_counter() - started, heart.worst
        heart.reset()
        started = time.perf_counter()
        app.simulate_key("d")
        await _until(lambda: isinstance(app.screen, ConfirmDialog))
        summary_s, summary_gap = time.perf_counter() - started, heart.worst
        beating.cancel()
        await pilot.press("n")
        return Stall(view.total, select_s, select_gap, summary_s, summary_gap)


def measure(db: Path, query: str) -> Stall:
    """Archived, search `query`, `*`, `d`, and no: nothing is deleted."""
    import models

    models.open_database(db)
    try:
        return asyncio.run(_measure(query))
    finally:
        models.close_database()
