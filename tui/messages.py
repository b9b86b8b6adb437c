"""Messages shared between the app and several screens."""

from __future__ import annotations

from textual.message import Message

from models import SweepResult


class Swept(Message):
    """Assistants deleted conversations: lists, counts and tables should refresh."""

    def __init__(self, results: list[SweepResult]) -> None:
        super().__init__()
        self.results = results
