"""What a visitor may send: a budget charged for every message the moment it arrives.

A demo host must not let the pace at which an app takes input decide how much
input a visitor may send: an app can take keys far faster than it acts on them
(and holds each one until it does), so a limit charged as the app drains
would let a flood through. The host charges each message on arrival, whatever
its kind, at its size plus a fixed cost (so a flood of tiny messages costs
too), and ends the session once the visitor is over budget.
"""

from __future__ import annotations

import time
from collections.abc import Callable

MESSAGE_COST = 32  # bytes charged for any message, on top of its size


class Budget:
    """A token bucket: `burst` bytes at once, refilled at `rate` bytes a second."""

    def __init__(
        self, burst: float, rate: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.burst, self.rate, self.clock = burst, rate, clock
        self.tokens, self.refilled = float(burst), clock()

    def spend(self, size: int) -> bool:
        """Charge one message of `size` bytes; False once the visitor is over budget."""
        now = self.clock()
        refill = max(0.0, now - self.refilled) * self.rate
        self.tokens = min(self.burst, self.tokens + refill) - size - MESSAGE_COST
        self.refilled = now
        return self.tokens >= 0
