"""Rate limits per token, in memory (connections per address: `guard`).

Each token has a bucket of RATE requests a window that refills steadily: a
request finds it empty gets 429 with `Retry-After`. Every answer to an
authenticated request says where its token stands, in the IETF draft's
`RateLimit-Policy` and `RateLimit` headers. Time is the event loop's clock
(monotonic), which tests may replace.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Bucket:
    tokens: float
    at: float


@dataclass
class RateLimits:
    """`rate` requests per `window` seconds for each token."""

    rate: int = 600
    window: int = 60
    clock: Callable[[], float] = time.monotonic
    buckets: dict[int, Bucket] = field(default_factory=dict)

    @property
    def policy(self) -> str:
        return f'"default";q={self.rate};w={self.window}'

    def take(self, token: int) -> tuple[bool, dict[str, str]]:
        """Whether the token may send a request now, and the headers to say so."""
        now = self.clock()
        bucket = self.buckets.setdefault(token, Bucket(float(self.rate), now))
        per_second = self.rate / self.window
        bucket.tokens = min(float(self.rate), bucket.tokens + (now - bucket.at) * per_second)
        bucket.at = now
        allowed = bucket.tokens >= 1
        if allowed:
            bucket.tokens -= 1
        full_in = math.ceil((self.rate - bucket.tokens) / per_second)
        headers = {
            "RateLimit-Policy": self.policy,
            "RateLimit": f'"default";r={int(bucket.tokens)};t={min(full_in, self.window)}',
        }
        if not allowed:
            headers["Retry-After"] = str(max(1, math.ceil((1 - bucket.tokens) / per_second)))
        return allowed, headers
