"""When each channel's assistant sweeps: staggered slots within one interval.

With n enabled assistants and an interval T, channel k (in channel
order) sweeps at start + (k + 1/2)*T/n, then every T after: nothing at
start itself. Channels never all delete at
once, and a sweep that fails simply waits for its channel's next slot. The
schedule reads time only from the clock it is given, so tests move time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from .store.errors import InvalidInput

MIN_INTERVAL = timedelta(seconds=10)
MAX_INTERVAL = timedelta(days=30)
DEFAULT_INTERVAL = timedelta(hours=1)
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_interval(text: str) -> timedelta:
    """'90s', '15m', '1h', '1d' (a bare number is minutes), within 10 s to 30 days."""
    text = str(text).strip().lower()
    unit = text[-1:] if text[-1:] in UNITS else "m"
    number = text[:-1] if text[-1:] in UNITS else text
    if not (number.isascii() and number.isdigit()) or len(number) > 9:
        raise InvalidInput(f"{text[:20]!r} is not an interval; use e.g. 90s, 15m, 1h or 1d")
    interval = timedelta(seconds=int(number) * UNITS[unit])
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise InvalidInput("the sweep interval must be from 10s to 30d")
    return interval


def describe_interval(interval: timedelta) -> str:
    seconds = int(interval.total_seconds())
    for unit in ("d", "h", "m"):
        if seconds % UNITS[unit] == 0:
            return f"{seconds // UNITS[unit]}{unit}"
    return f"{seconds}s"


class SweepSchedule:
    """Decides which channels' slots have come; keeps no state in the database."""

    def __init__(self, interval: timedelta, start: datetime) -> None:
        self.interval = interval
        self.start = start
        self._next: dict[str, datetime] = {}
        self._order: tuple[str, ...] = ()

    def set_interval(self, interval: timedelta, now: datetime) -> None:
        self.interval = interval
        self.start = now
        self._next.clear()
        self._order = ()

    def _arrange(self, channels: Sequence[str], now: datetime) -> None:
        """Give new channels their slot; one turned on later waits for its next slot."""
        order = tuple(channels)
        if order == self._order:
            return
        later = bool(self._next)
        self._order = order
        step = self.interval / max(1, len(order))
        for index, channel in enumerate(order):
            if channel in self._next:
                continue
            slot = self.start + step * index + step / 2
            if later and slot <= now:
                slot += self.interval * ((now - slot) // self.interval + 1)
            self._next[channel] = slot
        for gone in set(self._next) - set(order):
            del self._next[gone]

    def due(self, channels: Sequence[str], now: datetime) -> list[str]:
        """Channels whose slot has come, each moved on to its next slot after `now`."""
        self._arrange(channels, now)
        ready = []
        for channel in self._order:
            if self._next[channel] <= now:
                ready.append(channel)
                missed = (now - self._next[channel]) // self.interval
                self._next[channel] += self.interval * (missed + 1)
        return ready

    def next_run(self, channel: str) -> datetime | None:
        return self._next.get(channel)
