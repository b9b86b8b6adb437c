"""`hushdesk serve` flooded: every message is charged as it arrives; a flood ends with its visitor.

A real server on 127.0.0.1 and real websocket clients; the visitors' apps are
found, measured and watched in /proc.
"""

import asyncio
import json
import time
from collections.abc import Callable, Iterator
from itertools import count

import aiohttp
import pytest

from tui.hosting.children import Limits

from .hosting import (
    alive,
    demo_dirs,
    gone_soon,
    limit,
    processes_with,
    resident_kb,
    start,
    stop,
)
from .test_ssh_abuse import clean_log

ENDED = (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING, aiohttp.WSMsgType.CLOSED)
ENDED += (aiohttp.WSMsgType.ERROR,)
GONE_WITHIN = 1.0  # seconds from the socket closing to the app's process having ended


@pytest.fixture
def host(tmp_path):
    port, proc, scratch = start(tmp_path, "serve", "--max-sessions", "10")
    yield port, proc, scratch
    if proc.poll() is None:
        stop(proc)


class Visitor:
    """One browser session: its socket, its app's pid, and when the server closed it."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, pid: int) -> None:
        self.ws, self.pid = ws, pid
        self.closed_at: float | None = None
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        while (await self.ws.receive()).type not in ENDED:
            pass
        self.closed_at = time.monotonic()

    async def flood(self, messages: Iterator[Callable[[], object]], most: int) -> int:
        """Send up to `most` messages as fast as the socket takes them; how many went."""
        for sent in range(most):
            if self.closed_at is not None:
                return sent
            if sent % 64 == 0:
                await asyncio.sleep(0)  # let the reader see a close
            try:
                await next(messages)()  # type: ignore[misc]
            except ConnectionError:
                return sent
        return most

    async def closed(self, seconds: float = 30) -> float:
        """When the server closed the socket, waiting for it at most `seconds`."""
        await asyncio.wait_for(asyncio.shield(self.reader), seconds)
        assert self.closed_at is not None
        return self.closed_at


async def visitor(client: aiohttp.ClientSession, port: int, scratch) -> Visitor:
    """A new browser session, once its app has drawn the inbox."""
    before = set(processes_with("demo-session", str(scratch)))
    ws = await client.ws_connect(f"http://127.0.0.1:{port}/ws?width=100&height=30")
    seen = b""
    async with asyncio.timeout(60):
        while b"Archived" not in seen:
            message = await ws.receive()
            assert message.type not in ENDED, seen
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
    [pid] = set(processes_with("demo-session", str(scratch))) - before
    return Visitor(ws, pid)


class Watch:
    """When a process ended, seen by polling /proc from the moment the watch starts."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.task = asyncio.ensure_future(self._poll())

    async def _poll(self) -> float:
        while alive(self.pid):
            await asyncio.sleep(0.01)
        return time.monotonic()

    async def ended_within(self, since: float, seconds: float = GONE_WITHIN) -> None:
        """The process ended no later than `seconds` after `since`, or the test fails."""
        try:
            ended = await asyncio.wait_for(asyncio.shield(self.task), 30)
        except TimeoutError:
            raise AssertionError(
                f"the app {self.pid} still ran 30s after its socket closed"
            ) from None
        took = ended - since
        assert took <= seconds, f"the app ran {took:.1f}s after its socket closed"


def keys(ws: aiohttp.ClientWebSocketResponse, size: int = 1000) -> Iterator[Callable[[], object]]:
    text = json.dumps(["stdin", "j" * size])
    while True:
        yield lambda: ws.send_str(text)


@pytest.mark.parametrize("amount", [1_200_000, 100_000], ids=["1.2 MB", "100 KB"])
async def test_keys_then_the_page_closed_end_the_app_within_a_second(host, amount):
    port, proc, scratch = host
    async with aiohttp.ClientSession() as client:
        guest = await visitor(client, port, scratch)
        await guest.flood(keys(guest.ws), amount // 1000)
        watch = Watch(guest.pid)
        closing = time.monotonic()
        await guest.ws.close()
        await watch.ended_within(closing)
    assert gone_soon(lambda: demo_dirs(scratch))
    starts, ends = clean_log(stop(proc))
    why = "too much input" if amount > 500_000 else "browser gone"
    assert len(starts) == 1 and why in ends[0], ends


def focus_and_blur(ws):
    for turn in count():
        yield lambda turn=turn: ws.send_str(json.dumps(["focus" if turn % 2 else "blur"]))


def resizes(ws):
    for turn in count():
        yield lambda turn=turn: ws.send_json(["resize", {"width": 80 + turn % 40, "height": 30}])


def pings(ws):
    for turn in count():
        yield lambda turn=turn: ws.send_json(["ping", str(turn)])


def protocol_pings(ws):
    while True:
        yield lambda: ws.ping(b"x")


def binary(ws):
    while True:
        yield lambda: ws.send_bytes(b"\x00")


@pytest.mark.parametrize(
    "messages, why",
    [
        (focus_and_blur, "too much input"),
        (resizes, "too much input"),
        (pings, "too much input"),
        (protocol_pings, "too much input"),
        (binary, "bad message"),
    ],
    ids=["focus and blur", "resize", "ping", "websocket ping", "binary"],
)
async def test_every_kind_of_message_is_charged(host, messages, why):
    port, proc, scratch = host
    async with aiohttp.ClientSession() as client:
        guest = await visitor(client, port, scratch)
        watch = Watch(guest.pid)
        sent = await guest.flood(messages(guest.ws), 200_000)
        assert sent < 200_000, "every message was accepted"
        await watch.ended_within(await guest.closed())
    starts, ends = clean_log(stop(proc))
    assert len(starts) == 1 and why in ends[0], ends


async def test_ten_flooding_visitors_end_each_within_its_limits(host):
    port, proc, scratch = host
    caps = Limits.for_session(30.0)
    async with aiohttp.ClientSession() as client:
        guests = [await visitor(client, port, scratch) for _ in range(10)]
        for guest in guests:
            assert limit(guest.pid, "Max address space") == str(caps.memory_bytes)
            assert limit(guest.pid, "Max cpu time") == str(caps.cpu_seconds)
        peaks = {guest.pid: 0 for guest in guests}

        async def sample() -> None:
            while True:
                for pid in peaks:
                    peaks[pid] = max(peaks[pid], resident_kb(pid))
                await asyncio.sleep(0.05)

        sampler = asyncio.ensure_future(sample())
        watches = [Watch(guest.pid) for guest in guests]
        floods = [keys, focus_and_blur, resizes, pings, protocol_pings] * 2
        sends = (
            g.flood(messages(g.ws), 100_000) for g, messages in zip(guests, floods, strict=True)
        )
        sent = await asyncio.gather(*sends)
        assert all(n < 100_000 for n in sent), sent
        for guest, watch in zip(guests, watches, strict=True):
            await watch.ended_within(await guest.closed())
        sampler.cancel()
        assert max(peaks.values()) * 1024 < caps.memory_bytes, peaks
        assert processes_with("demo-session", str(scratch)) == []
        after = await visitor(client, port, scratch)  # the host is free for the next one
        watch = Watch(after.pid)
        closing = time.monotonic()
        await after.ws.close()
        await watch.ended_within(closing)
    starts, ends = clean_log(stop(proc))
    assert len(starts) == 11
    assert sum("too much input" in line for line in ends) == 10, ends
    assert demo_dirs(scratch) == []
