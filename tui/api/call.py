"""What a handler is given (`Call`) and what it gives back (`Reply`).

A handler parses its part of the request, calls one operation of `models` in
the server's worker threads (`Call.run`), and shapes the answer; the server
around it authenticates, limits, replays idempotent requests and turns every
refusal into a problem document.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web

from models.api.tokens import Caller

from .problems import Problem, invalid

T = TypeVar("T")
MAX_ID = 2**63 - 1


@dataclass
class Reply:
    """An answer: its status and JSON body. `contact`: the contact it is about (its
    idempotency record goes with the contact); `keep` False: too personal to keep."""

    body: dict[str, Any]
    status: int = 200
    contact: int | None = None
    keep: bool = True
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Call:
    request: web.Request
    caller: Caller
    body: dict[str, Any]
    pool: Executor

    async def run(self, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one operation of `models` in a worker thread (the thread keeps its connection)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(operation, *args, **kwargs))

    def id(self, name: str) -> int:
        text = self.request.match_info[name]
        if (
            not (text.isascii() and text.isdigit() and len(text) < 20)
            or not 0 < int(text) <= MAX_ID
        ):
            raise Problem(404, "Not found", f"{name} must be a whole number from 1", "not-found")
        return int(text)

    def text(self, name: str) -> str:
        return _no_nul(name, self.request.match_info[name])

    def query(self, name: str, default: str = "") -> str:
        values = self.request.query.getall(name, [])
        if len(values) > 1:
            raise invalid(f"the parameter {name!r} is given more than once")
        return _no_nul(name, values[0]) if values else default

    def limit(self, default: int = 50) -> int:
        text = self.query("limit", str(default))
        if not (text.isascii() and text.isdigit() and len(text) < 4) or not 1 <= int(text) <= 100:
            raise invalid("limit is a whole number from 1 to 100")
        return int(text)

    def next_link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        query = dict(self.request.query)
        query["cursor"] = cursor
        return str(self.request.rel_url.with_query(query))


def _no_nul(name: str, text: str) -> str:
    """No text hushdesk keeps holds a NUL character (PostgreSQL cannot hold one)."""
    if "\x00" in text:
        raise invalid(f"{name} holds a NUL character")
    return text
