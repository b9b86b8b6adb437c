"""The one clock every operation reads, so tests and screenshots can fix time.

Times are always timezone-aware UTC. Tests call `set_clock(FixedClock(...))`
and move it with `advance`; nothing in hushdesk reads the wall clock directly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC).replace(microsecond=0)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self.at = to_utc(at)

    def now(self) -> datetime:
        return self.at

    def advance(self, delta: timedelta) -> None:
        self.at = self.at + delta


_clock: Clock = SystemClock()


def set_clock(clock: Clock) -> Clock:
    """Install `clock` for every operation; returns the previous one."""
    global _clock
    previous, _clock = _clock, clock
    return previous


def get_clock() -> Clock:
    return _clock


def now() -> datetime:
    return _clock.now()


def to_utc(value: datetime) -> datetime:
    """Aware UTC from any datetime; naive values are taken to be UTC already."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
