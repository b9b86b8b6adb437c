"""`hushdesk serve`: the demo in a browser, one throwaway demo inbox per browser session.

The page and its terminal (xterm.js) come from textual-serve's static files;
the server is hushdesk's own, because a public demo must hold what a stranger
can do: a session limit, an idle and a time limit, a bound on the input one
session may queue (a flood of keys closes it), validated sizes, no downloads,
and a process that surely ends, with its folder, when its socket closes or
the server stops (see `children`). One clean log line per session start and end.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from aiohttp import WSMsgType, web

from . import children
from .oplog import clean, log

MAX_MESSAGE = 64 * 1024  # bytes of one websocket message
BURST, RATE = 256 * 1024, 32 * 1024  # input a session may send at once, and per second after
WRITE_WAIT = 5.0  # seconds the app may take to accept input before the session ends
COLS, ROWS = (20, 500), (5, 200)
FULL = b"\r\n The hushdesk demo is full right now; please come back in a few minutes.\r\n"
PAGE = (Path(__file__).parent / "serve_page.html").read_text(encoding="utf-8")


@dataclass
class ServeSettings:
    max_sessions: int = 10
    session_minutes: float = 30.0
    idle_minutes: float = 10.0
    theme: str | None = None
    sessions: set[BrowserSession] = field(default_factory=set)
    started: int = 0


def packet(kind: bytes, payload: bytes) -> bytes:
    """The web driver's framing: a type byte, a 4-byte length, the payload."""
    return kind + len(payload).to_bytes(4, "big") + payload


def size(value: object, limits: tuple[int, int], default: int) -> int:
    if isinstance(value, int | str) and str(value).isascii() and str(value).isdigit():
        return max(limits[0], min(limits[1], int(str(value)[:5])))
    return default


class Flooded(Exception):
    """The visitor sent more input than a session may queue."""


class BrowserSession:
    def __init__(self, settings: ServeSettings, socket: web.WebSocketResponse, peer: str) -> None:
        self.settings, self.socket, self.peer = settings, socket, peer
        settings.started += 1
        self.number = settings.started
        self.folder = children.new_folder()
        self.process: asyncio.subprocess.Process | None = None
        self.tokens, self.refilled = float(BURST), time.monotonic()
        self.began = self.last_input = time.monotonic()
        self.why = ""

    def ended(self, why: str) -> None:
        """Record why the session ended: the first reason is the one."""
        self.why = self.why or why

    async def run(self, cols: int, rows: int) -> None:
        env = children.environment(self.folder, _web_environment(cols, rows))
        self.process = await asyncio.create_subprocess_exec(
            *children.command(self.folder, self.settings.theme),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        log(f"session {self.number} start from {self.peer} ({cols}x{rows})")
        jobs = (self._output(), self._input(), self._limits())
        tasks = [asyncio.ensure_future(job) for job in jobs]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        await self.finish(tasks)

    async def finish(self, tasks: list[asyncio.Task[None]]) -> None:
        """End the app and remove its folder, whatever ended the session."""
        if self.process is not None:
            await children.stop(self.process)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await self.socket.close()
        said = children.last_error(self.folder)
        children.remove(self.folder)
        seconds = int(time.monotonic() - self.began)
        note = f"; the app said: {clean(said, 160)}" if said else ""
        log(f"session {self.number} end after {seconds}s ({self.why or 'closed'}){note}")

    async def _output(self) -> None:
        """The app's packets: screen data to the browser; an exit ends the session."""
        assert self.process is not None and self.process.stdout is not None
        out = self.process.stdout
        try:
            while (line := await out.readline()) != b"__GANGLION__\n":
                if not line:
                    self.ended("app ended")
                    return
            while True:
                kind = await out.readexactly(1)
                length = int.from_bytes(await out.readexactly(4), "big")
                payload = await out.readexactly(length)
                if kind == b"D":
                    await self.socket.send_bytes(payload)
                elif kind == b"M" and json.loads(payload).get("type") == "exit":
                    self.ended("quit")
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            self.ended("app ended")

    async def _input(self) -> None:
        """The browser's messages, checked and bounded, to the app."""
        try:
            async for message in self.socket:
                if message.type != WSMsgType.TEXT:
                    continue
                await self._handle(message.data)
        except Flooded:
            self.ended("too much input")
            return
        except TimeoutError:
            self.ended("too much input: the app fell behind")
            return
        except (ValueError, TypeError, KeyError, IndexError, ConnectionError):
            self.ended("bad message")
            return
        self.ended("browser gone")

    async def _handle(self, text: str) -> None:
        envelope = json.loads(text)
        kind = envelope[0]
        if kind == "stdin":
            data = str(envelope[1]).encode("utf-8", "replace")
            self._spend(len(data))
            self.last_input = time.monotonic()
            await self._send(packet(b"D", data))
        elif kind == "resize":
            cols, rows = (
                size(envelope[1]["width"], COLS, 80),
                size(envelope[1]["height"], ROWS, 24),
            )
            meta = {"type": "resize", "width": cols, "height": rows}
            await self._send(packet(b"M", json.dumps(meta).encode()))
        elif kind == "ping":
            await self.socket.send_json(["pong", str(envelope[1])[:100]])
        elif kind in ("focus", "blur"):
            await self._send(packet(b"M", json.dumps({"type": kind}).encode()))

    def _spend(self, amount: int) -> None:
        now = time.monotonic()
        self.tokens = min(BURST, self.tokens + (now - self.refilled) * RATE) - amount
        self.refilled = now
        if self.tokens < 0:
            raise Flooded()

    async def _send(self, data: bytes) -> None:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(data)
        await asyncio.wait_for(self.process.stdin.drain(), WRITE_WAIT)

    async def _limits(self) -> None:
        """The session's time limit and idle limit."""
        ends = self.began + self.settings.session_minutes * 60
        while True:
            now = time.monotonic()
            idle_ends = self.last_input + self.settings.idle_minutes * 60
            if now >= ends or now >= idle_ends:
                self.ended("time limit" if now >= ends else "idle")
                return
            await asyncio.sleep(min(ends, idle_ends) - now + 0.05)


def _web_environment(cols: int, rows: int) -> dict[str, str]:
    return {
        "TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver",
        "TEXTUAL_FPS": "60",
        "TEXTUAL_COLOR_SYSTEM": "truecolor",
        "TERM_PROGRAM": "textual",
        "COLUMNS": str(cols),
        "ROWS": str(rows),
    }


class Host:
    """The web server: the page, the static files, one websocket per browser session."""

    def __init__(self, settings: ServeSettings) -> None:
        self.settings = settings
        self.running: set[asyncio.Task[None]] = set()

    def application(self) -> web.Application:
        app = web.Application()
        static = Path(str(files("textual_serve") / "static"))
        app.add_routes(
            [
                web.get("/", self.page),
                web.get("/ws", self.websocket),
                web.static("/static", static),
            ]
        )
        app.on_shutdown.append(self.shutdown)
        return app

    async def page(self, request: web.Request) -> web.Response:
        scheme = "wss" if request.secure else "ws"
        html = PAGE.replace("{{websocket}}", f"{scheme}://{request.host}/ws")
        return web.Response(text=html, content_type="text/html")

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        await socket.prepare(request)
        peer = clean(request.remote or "?", 60)
        if len(self.settings.sessions) >= self.settings.max_sessions:
            log(f"turned away {peer}: {len(self.settings.sessions)} sessions running")
            await socket.send_bytes(FULL)
            await socket.close()
            return socket
        session = BrowserSession(self.settings, socket, peer)
        self.settings.sessions.add(session)
        cols = size(request.query.get("width", "80"), COLS, 80)
        rows = size(request.query.get("height", "24"), ROWS, 24)
        task = asyncio.ensure_future(session.run(cols, rows))
        self.running.add(task)
        try:
            await asyncio.shield(task)
        finally:
            self.running.discard(task)
            self.settings.sessions.discard(session)
        return socket

    async def shutdown(self, app: web.Application) -> None:
        """The server stops: every session's app ends and its folder goes first."""
        for session in list(self.settings.sessions):
            session.ended("server stopped")
            await session.socket.close()
        if self.running:
            await asyncio.wait(list(self.running))


def serve(host: str, port: int, settings: ServeSettings) -> None:
    log(f"hushdesk serve listening on http://{host}:{port}")
    web.run_app(
        Host(settings).application(), host=host, port=port, print=None, shutdown_timeout=10
    )
    log("hushdesk serve stopped")
