"""A real `hushdesk api` on 127.0.0.1 for the tests, and a webhook receiver beside it."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web

READY = "hushdesk api listening on "


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hushdesk(db: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    """The command line, through its entry point."""
    return subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(db), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HUSHDESK_AGENT": "tester"},
    )


def token(db: Path | str, name: str, *scopes: str) -> str:
    made = hushdesk(db, "token", "create", name, "--scope", *scopes, "--json")
    assert made.returncode == 0, made.stderr
    return str(json.loads(made.stdout)["token"])


@dataclass
class Server:
    process: subprocess.Popen[str]
    base: str  # http://127.0.0.1:PORT/api/v1
    lines: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    def read_log(self) -> None:
        """Read the server's log as it comes (a full pipe would stop the server)."""
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)

    def log(self) -> str:
        """Everything the server logged, once it has stopped."""
        if self.reader is not None:
            self.reader.join(30)
        return "".join(self.lines)


@contextmanager
def running(db: Path | str, *options: str) -> Iterator[Server]:
    """`hushdesk api` on a free port until the block ends (then SIGTERM, and it stops)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "tui", "--db", str(db), "api", "--port", str(port), *options],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert process.stderr is not None
    first = process.stderr.readline()  # the server says when it listens
    assert READY in first, first + process.stderr.read()
    server = Server(process, f"http://127.0.0.1:{port}/api/v1", [first])
    server.reader = threading.Thread(target=server.read_log, daemon=True)
    server.reader.start()
    try:
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Receiver:
    """An HTTP server that records each webhook delivery it is sent."""

    answers: list[int] = field(default_factory=lambda: [200])  # statuses to answer, in turn
    got: list[tuple[dict[str, str], str]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    url: str = ""
    runner: web.AppRunner | None = None
    taken: int = 0

    async def start(self) -> None:
        async def hook(request: web.Request) -> web.Response:
            self.got.append((dict(request.headers), await request.text()))
            self.arrived.set()
            status = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
            return web.Response(status=status)

        app = web.Application()
        app.router.add_post("/hook", hook)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        port = free_port()
        await web.TCPSite(self.runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}/hook"

    async def next(self, timeout: float = 30) -> tuple[dict[str, str], str]:
        """The next delivery (waits for it, at most `timeout` seconds)."""
        while len(self.got) <= self.taken:
            self.arrived.clear()
            await asyncio.wait_for(self.arrived.wait(), timeout)
        self.taken += 1
        return self.got[self.taken - 1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


async def hushdesk_async(db: Path | str, *args: str) -> tuple[int, str, str]:
    """The command line, while this event loop goes on (a receiver in it can answer)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tui",
        "--db",
        str(db),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "HUSHDESK_AGENT": "tester"},
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    return int(process.returncode or 0), out.decode(), err.decode()
