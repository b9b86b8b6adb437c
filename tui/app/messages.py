"""Messages shared between the app and several screens: what a background job found or did."""

from __future__ import annotations

from textual.message import Message

from models import Cleanup, SweepResult


class Swept(Message):
    """Assistants deleted conversations: lists, counts and tables should refresh."""

    def __init__(self, results: list[SweepResult]) -> None:
        super().__init__()
        self.results = results


class SweepsDone(Message):
    """The background tick's sweeps are over (possibly none ran)."""

    def __init__(self, results: list[SweepResult]) -> None:
        super().__init__()
        self.results = results


class CleanupFinished(Message):
    """The tick tried to finish a clean-up an earlier deletion owed; `cleanup` says how far."""

    def __init__(self, cleanup: Cleanup) -> None:
        super().__init__()
        self.cleanup = cleanup


class DataChanged(Message):
    """Another agent, a sweep or a script changed the database: screens show it."""

    def __init__(self, forwarded: bool = False) -> None:
        super().__init__()
        self.forwarded = forwarded  # the app's copy to a screen


class ConnectionLost(Message):
    """The database's server went away: the app says so once, and keeps trying."""

    def __init__(self, said: str) -> None:
        super().__init__()
        self.said = said


class ConnectionBack(Message):
    """Connected and following other agents again: every screen reads what it shows anew."""
