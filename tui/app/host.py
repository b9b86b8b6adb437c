"""What screens may ask of the app, typed without importing it (the app imports the screens)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Protocol, cast

from textual.dom import DOMNode

import models


class Host(Protocol):
    agent: str
    schedule: models.SweepSchedule
    demo_folder: Path | None  # a visitor's session: nothing may be written outside it

    def start_sweep(self, channels: list[str]) -> None: ...

    def set_sweep_interval(self, interval: timedelta) -> None: ...

    def send_replies(self) -> None: ...


def host(node: DOMNode) -> Host:
    """The running hushdesk app, as the screens know it."""
    return cast(Host, node.app)
