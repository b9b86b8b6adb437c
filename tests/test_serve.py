"""`hushdesk serve` as visitors meet it: a real browser, and scripted websockets that misbehave.

After each: no session process or folder is left, and the operator's log has
one clean line per session start and end.
"""

import asyncio
import json
import re
import shutil
from pathlib import Path

import aiohttp
import pyte
import pytest

from .hosting import demo_dirs, gone_soon, processes_with, start, stop
from .test_ssh_abuse import clean_log

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def web(tmp_path):
    port, proc, scratch = start(tmp_path, "serve", "--max-sessions", "2", "--idle-minutes", "0.1")
    yield port, proc, scratch
    if proc.poll() is None:
        stop(proc)


def no_children_left(scratch):
    assert gone_soon(lambda: processes_with("demo-session", str(scratch)))
    assert gone_soon(lambda: demo_dirs(scratch))


TABS = r"(?m)^ Open ([\d,]+) +Archived"  # the tabs' counts (the footer also says "Open")


class Screen:
    """What the browser's terminal was sent, on an emulated screen."""

    def __init__(self) -> None:
        self.screen = pyte.Screen(300, 80)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""

    def feed(self, data: bytes) -> None:
        self.raw += data
        self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def wait_for(self, pattern: str, timeout: float = 40) -> re.Match[str]:
        for _ in range(int(timeout * 10)):
            if found := re.search(pattern, self.text()):
                return found
            await asyncio.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared:\n{self.text()}")


async def websocket(client, port, **query):
    params = "&".join(f"{k}={v}" for k, v in {"width": 100, "height": 30, **query}.items())
    return await client.ws_connect(f"http://127.0.0.1:{port}/ws?{params}")


async def read_until(ws, needle: bytes, seconds: float = 40) -> bytes:
    seen = b""
    async with asyncio.timeout(seconds):
        while needle not in seen:
            message = await ws.receive()
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
            elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break
    return seen


async def until_closed(ws, seconds: float = 40) -> None:
    """Read (and drop) what the server sends until it closes the socket."""
    async with asyncio.timeout(seconds):
        while True:
            message = await ws.receive()
            if message.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
            ):
                return


async def test_a_key_flood_then_a_disconnect_leaves_nothing_running(web):
    port, proc, scratch = web
    async with aiohttp.ClientSession() as client:
        ws = await websocket(client, port)
        await read_until(ws, b"Archived")
        flood = json.dumps(["stdin", "j" * 60_000])
        for _ in range(3000):
            try:
                await ws.send_str(flood)
            except ConnectionError:
                break
        await ws.close()
    no_children_left(scratch)
    lines = stop(proc)
    starts, ends = clean_log(lines)
    assert len(starts) == 1 and ("too much input" in ends[0] or "browser gone" in ends[0])


async def test_sessions_beyond_the_limit_are_turned_away_and_bad_messages_end_one(web):
    port, proc, scratch = web
    async with aiohttp.ClientSession() as client:
        first, second = await websocket(client, port), await websocket(client, port)
        for ws in (first, second):
            await read_until(ws, b"Archived")
        third = await websocket(client, port)
        assert b"come back" in await read_until(third, b"come back")
        await first.send_str(json.dumps(["resize", {"width": "huge", "height": [1]}]))
        await first.send_str("not json at all")
        await until_closed(first)
        await second.send_str(json.dumps(["resize", {"width": 99999, "height": 2}]))
        await second.send_str(json.dumps(["stdin", "2"]))
        assert b"Archived" in await read_until(second, b"Archived \xc2\xb7")  # still served
        await second.close()
    no_children_left(scratch)
    starts, ends = clean_log(stop(proc))
    assert len(starts) == 2 and any("bad message" in line for line in ends)


async def test_idle_sessions_end_and_a_stopped_server_leaves_no_orphan(web):
    port, proc, scratch = web
    async with aiohttp.ClientSession() as client:
        idle = await websocket(client, port)
        await read_until(idle, b"Archived")
        await until_closed(idle, seconds=30)  # --idle-minutes 0.1
        busy = await websocket(client, port)
        await read_until(busy, b"Archived")
        assert demo_dirs(scratch)
        lines = stop(proc)  # SIGTERM with a session running
        await busy.close()
    assert not processes_with("demo-session", str(scratch))
    assert demo_dirs(scratch) == []
    starts, ends = clean_log(lines)
    assert "idle" in ends[0] and "server stopped" in ends[1]


HOSTILE_HOSTS = ['x"><script>alert(1)</script>', "evil.example:1/ws?", "a' onload='alert(1)"]


@pytest.mark.parametrize("hostile", HOSTILE_HOSTS)
async def test_the_page_does_not_reflect_the_host_header(web, hostile):
    port, proc, _ = web
    async with aiohttp.ClientSession() as client:
        async with client.get(f"http://127.0.0.1:{port}/", headers={"Host": hostile}) as reply:
            assert reply.status == 200
            page = await reply.text()
    assert "textual-terminal" in page
    for piece in (hostile, "<script>alert", "evil.example", "onload="):
        assert piece not in page
    stop(proc)


@pytest.fixture
def browser():
    playwright = pytest.importorskip("playwright.async_api", reason="pip install playwright")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed: apt-get install chromium")
    return playwright


def watch(page) -> Screen:
    screen = Screen()

    def on_socket(ws) -> None:
        ws.on("framereceived", lambda payload: isinstance(payload, bytes) and screen.feed(payload))

    page.on("websocket", on_socket)
    return screen


async def test_the_served_inbox_in_a_real_browser(browser, web, tmp_path):
    port, proc, scratch = web
    async with browser.async_playwright() as driver:
        chromium = await driver.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        pages = []
        for _ in range(2):
            context = await chromium.new_context(viewport={"width": 1280, "height": 800})
            page = await context.new_page()
            pages.append((page, watch(page)))
            await page.goto(f"http://127.0.0.1:{port}/")
        (page, screen), (_, other) = pages
        opened = int((await screen.wait_for(TABS)).group(1).replace(",", ""))
        await other.wait_for(rf"Open {opened:,}")
        await page.click("#terminal")
        await page.keyboard.press("/")
        await page.keyboard.type("name:ada")
        await page.keyboard.press("Enter")
        found = await screen.wait_for(r"([\d,]+) match(es)? for name:ada")
        assert int(found.group(1).replace(",", "")) > 0
        await page.keyboard.press("a")
        await screen.wait_for(rf"Open {opened - 1:,}")
        await screen.wait_for("Archived 1 conversation")
        shot = tmp_path / "serve-browser.png"
        await page.screenshot(path=str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert re.search(rf"Open {opened:,}", other.text()), "the other session is untouched"
        await chromium.close()
    no_children_left(scratch)
    starts, ends = clean_log(stop(proc))
    assert len(starts) == 2
