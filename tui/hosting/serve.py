"""`hushdesk serve`: the demo in a browser, one throwaway demo inbox per browser session.

The page and its terminal (xterm.js) come from textual-serve's static files;
the server is hushdesk's own, because a public demo must hold what a stranger
can do: a session limit, an idle and a time limit, an input budget charged for
every message as it arrives (see `budget`: a flood of any kind closes the
session), validated sizes, no downloads, an app held to its share of memory
and CPU, and a process that surely ends, with its folder and whatever input
was still queued for it, within a second of its socket closing or the server
stopping (see `children`). One clean log line per session start and end.
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
from .budget import Budget
from .oplog import clean, log

MAX_MESSAGE = 64 * 1024  # bytes of one websocket message
BURST, RATE = 128 * 1024, 4 * 1024  # input a session may send at once, and per second after
WRITE_WAIT = 5.0  # seconds the app may take to accept input before the session ends
CLOSE_WAIT = 1.0  # seconds a closing socket waits for the browser's answer
ENDED = (WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED)
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

    @property
    def limits(self) -> children.Limits:
        return children.Limits.for_session(self.session_minutes)


def packet(kind: bytes, payload: bytes) -> bytes:
    """The web driver's framing: a type byte, a 4-byte length, the payload."""
    return kind + len(payload).to_bytes(4, "big") + payload


def size(value: object, limits: tuple[int, int], default: int) -> int:
    if isinstance(value, int | str) and str(value).isascii() and str(value).isdigit():
        return max(limits[0], min(limits[1], int(str(value)[:5])))
    return default


class Flooded(Exception):
    """The visitor sent more than their budget allows."""


class BadMessage(Exception):
    """The browser sent what textual-serve's page never sends."""


class BrowserSession:
    def __init__(self, settings: ServeSettings, socket: web.WebSocketResponse, peer: str) -> None:
        self.settings, self.socket, self.peer = settings, socket, peer
        settings.started += 1
        self.number = settings.started
        self.folder = children.new_folder()
        self.process: asyncio.subprocess.Process | None = None
        self.budget = Budget(BURST, RATE)
        self.queue: asyncio.Queue[bytes] = asyncio.Queue()  # bounded by the budget
        self.began = self.last_input = time.monotonic()
        self.why = ""

    def ended(self, why: str) -> None:
        """Record why the session ended: the first reason is the one."""
        self.why = self.why or why

    async def run(self, cols: int, rows: int) -> None:
        env = children.environment(self.folder, _web_environment(cols, rows))
        self.process = await children.start(
            self.folder,
            self.settings.theme,
            env,
            self.settings.limits,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        log(f"session {self.number} start from {self.peer} ({cols}x{rows})")
        jobs = (self._output(), self._input(), self._feed(), self._limits())
        tasks = [asyncio.ensure_future(job) for job in jobs]
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        await self.finish(tasks)

    async def finish(self, tasks: list[asyncio.Task[None]]) -> None:
        """End the app and remove its folder, whatever ended the session.

        The visitor's input stops first (what is still queued is dropped, never
        fed), then the app ends, and only then does the socket finish closing.
        """
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.queue = asyncio.Queue()
        if self.process is not None:
            await children.stop(self.process)
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
        """Every message from the browser, charged as it arrives, then queued for the app.

        This never waits for the app, so the budget counts what the visitor
        sends, not what the app has taken so far.
        """
        try:
            while (message := await self.socket.receive()).type not in ENDED:
                if not self.budget.spend(_size(message.data)):
                    raise Flooded()
                await self._handle(message.type, message.data)
        except Flooded:
            self.ended("too much input")
            return
        except (BadMessage, ValueError, TypeError, KeyError, IndexError):
            self.ended("bad message")
            return
        except ConnectionError:  # gone while it was being answered
            pass
        self.ended("browser gone")

    async def _handle(self, kind: WSMsgType, data: object) -> None:
        if kind == WSMsgType.TEXT:
            await self._command(json.loads(str(data)))
        elif kind == WSMsgType.PING:
            await self.socket.pong(data if isinstance(data, bytes) else b"")
        elif kind != WSMsgType.PONG:  # binary, or an error such as a message too large
            raise BadMessage()

    async def _command(self, envelope: object) -> None:
        if not isinstance(envelope, list) or not envelope:
            raise BadMessage()
        kind = envelope[0]
        if kind == "stdin":
            self.last_input = time.monotonic()
            self.queue.put_nowait(packet(b"D", str(envelope[1]).encode("utf-8", "replace")))
        elif kind == "resize":
            shape = envelope[1]
            if not isinstance(shape, dict):
                raise BadMessage()
            cols, rows = size(shape["width"], COLS, 80), size(shape["height"], ROWS, 24)
            meta = {"type": "resize", "width": cols, "height": rows}
            self.queue.put_nowait(packet(b"M", json.dumps(meta).encode()))
        elif kind == "ping":
            await self.socket.send_json(["pong", str(envelope[1])[:100]])
        elif kind in ("focus", "blur"):
            self.queue.put_nowait(packet(b"M", json.dumps({"type": kind}).encode()))

    async def _feed(self) -> None:
        """The queued input to the app, as fast as it takes it."""
        assert self.process is not None and self.process.stdin is not None
        stdin = self.process.stdin
        try:
            while True:
                data = await self.queue.get()
                while not self.queue.empty():
                    data += self.queue.get_nowait()
                stdin.write(data)
                async with asyncio.timeout(WRITE_WAIT):  # wait_for may swallow a cancel (3.11)
                    await stdin.drain()
        except TimeoutError:
            self.ended("too much input: the app fell behind")
        except ConnectionError:
            self.ended("app ended")

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


def _size(data: object) -> int:
    """What a message weighs: its text in UTF-8 or its bytes (an error weighs nothing)."""
    if isinstance(data, str):
        return len(data.encode("utf-8", "replace"))
    return len(data) if isinstance(data, bytes) else 0


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
        """The same page for everyone: it finds its socket from its own address, so nothing
        of the request (the Host header least of all) is written into it."""
        return web.Response(text=PAGE, content_type="text/html")

    async def websocket(self, request: web.Request) -> web.WebSocketResponse:
        socket = web.WebSocketResponse(
            heartbeat=15, max_msg_size=MAX_MESSAGE, autoping=False, timeout=CLOSE_WAIT
        )
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
