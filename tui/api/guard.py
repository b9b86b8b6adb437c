"""Holding the server against clients that take more than their share.

`ConnectionGuard` wraps each connection's protocol: an address may hold at
most `most` connections at once (the next is closed at once), and a
connection that has sent part of a request must send the rest of its headers
within `wait` seconds, or it is closed (a slow client cannot hold a connection
open by trickling bytes). The body of a request has the same deadline of its
own (`server`). Behind a proxy every connection comes from the proxy: `most`
is then 0 (no cap here; the proxy's own limits hold the clients).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Connections:
    most: int = 32  # 0: no cap
    wait: float = 10.0
    held: dict[str, int] = field(default_factory=dict)
    by_transport: dict[int, ConnectionGuard] = field(default_factory=dict)

    @staticmethod
    def key(peer: str) -> str:
        """An address; an IPv6 address by its /64."""
        return ":".join(peer.split(":")[:4]) if ":" in peer else peer

    def wrap(self, make: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        return lambda: ConnectionGuard(self, make())

    def of(self, transport: object) -> ConnectionGuard | None:
        return self.by_transport.get(id(transport))


class ConnectionGuard(asyncio.Protocol):
    """Forwards everything to aiohttp's own protocol; counts and times the connection."""

    def __init__(self, connections: Connections, inner: asyncio.Protocol) -> None:
        self.connections, self.inner = connections, inner
        self.transport: asyncio.Transport | None = None
        self.key = ""
        self.timer: asyncio.TimerHandle | None = None
        self.busy = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        peer = transport.get_extra_info("peername")
        self.key = Connections.key(str(peer[0]) if peer else "?")
        held = self.connections.held
        if self.connections.most and held.get(self.key, 0) >= self.connections.most:
            transport.abort()
            self.key = ""
            return
        held[self.key] = held.get(self.key, 0) + 1
        self.transport = transport
        self.connections.by_transport[id(transport)] = self
        self.inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if self.transport is None:
            return
        if not self.busy and self.timer is None:
            wait = self.connections.wait
            self.timer = asyncio.get_running_loop().call_later(wait, self.transport.abort)
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received() if self.transport is not None else None

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_timer()
        if self.transport is None:
            return
        self.connections.by_transport.pop(id(self.transport), None)
        left = self.connections.held.get(self.key, 1) - 1
        if left > 0:
            self.connections.held[self.key] = left
        else:
            self.connections.held.pop(self.key, None)
        self.transport = None
        self.inner.connection_lost(exc)

    def begin(self) -> None:
        """A request's headers are in: the header deadline is met."""
        self.busy = True
        self._stop_timer()

    def end(self) -> None:
        self.busy = False

    def _stop_timer(self) -> None:
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
