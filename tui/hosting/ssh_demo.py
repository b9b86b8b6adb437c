"""`hushdesk ssh-demo`: an SSH server that gives each visitor a throwaway demo inbox.

Each connection that asks for a terminal gets `hushdesk demo-session` in its
own process on its own pseudo-terminal, with its own demo database in a
temporary folder that is removed when the session ends, however it ends.
Nothing else is offered: no shell, no command execution, no SFTP or SCP, no
port, X11 or agent forwarding. Needs the optional extra: `pip install 'hushdesk[ssh]'`.
"""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import shutil
import signal
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncssh

from .demo_session import PREFIX

NO_TERMINAL = b"hushdesk's demo needs a terminal: connect with ssh -t.\r\n"
FULL = b"The hushdesk demo is full right now; please come back in a few minutes.\r\n"
TIME_UP = b"\r\nThis demo session has reached its time limit. Thank you for trying hushdesk!\r\n"
IDLE = b"\r\nThis demo session was idle too long and has ended.\r\n"


@dataclass
class DemoSettings:
    max_sessions: int = 10
    session_minutes: float = 30.0
    idle_minutes: float = 10.0
    theme: str | None = None
    authorized_keys: str | None = None
    active: set[DemoSession] = field(default_factory=set)
    started: int = 0


def log(line: str) -> None:
    stamp = time.strftime("%Y-%m-%d %H:%M:%S")
    print(f"{stamp} {line}", file=sys.stderr, flush=True)


def set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class DemoSession(asyncssh.SSHServerSession[bytes]):
    def __init__(self, settings: DemoSettings, peer: str) -> None:
        self.settings = settings
        self.peer = peer
        self.term: str | None = None
        self.size = (80, 24)
        self.pid = 0
        self.master = -1
        self.folder: Path | None = None
        self.number = 0
        self.began = time.monotonic()
        self.last_input = time.monotonic()
        self.ended = False
        self.timers: list[asyncio.TimerHandle] = []

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object
    ) -> bool:
        self.term = term_type or "xterm-256color"
        self.size = (term_size[0] or 80, term_size[1] or 24)
        return True

    def shell_requested(self) -> bool:
        return True

    def exec_requested(self, command: str) -> bool:
        return False

    def subsystem_requested(self, subsystem: str) -> bool:
        return False

    def session_started(self) -> None:
        if self.term is None:
            self._refuse(NO_TERMINAL)
        elif len(self.settings.active) >= self.settings.max_sessions:
            self._refuse(FULL)
        else:
            self._start()

    def _refuse(self, message: bytes) -> None:
        self.chan.write(message)
        self.chan.exit(1)

    def _start(self) -> None:
        self.settings.started += 1
        self.number = self.settings.started
        self.settings.active.add(self)
        self.folder = Path(tempfile.mkdtemp(prefix=PREFIX))
        args = [sys.executable, "-m", "tui", "demo-session", "--dir", str(self.folder)]
        if self.settings.theme:
            args += ["--theme", self.settings.theme]
        env = {**os.environ, "TERM": self.term or "xterm-256color"}
        env.pop("HUSHDESK_DB", None)
        cols, rows = self.size
        self.pid, self.master = pty.fork()
        if self.pid == 0:  # the child: the pty is its controlling terminal
            set_size(0, cols, rows)
            os.execvpe(args[0], args, env)
        set_size(self.master, cols, rows)
        loop = asyncio.get_running_loop()
        loop.add_reader(self.master, self._pty_readable)
        self.timers.append(loop.call_later(self.settings.session_minutes * 60, self._time_up))
        self.timers.append(loop.call_later(30, self._check_idle))
        log(f"session {self.number} start from {self.peer} ({cols}x{rows}, {self.term})")

    def _pty_readable(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:
            data = b""
        if data:
            self.chan.write(data)
        else:
            self.end("quit")

    def data_received(self, data: bytes, datatype: object) -> None:
        self.last_input = time.monotonic()
        if self.master >= 0:
            try:
                os.write(self.master, data)
            except OSError:
                self.end("quit")

    def terminal_size_changed(self, width: int, height: int, pw: int, ph: int) -> None:
        self.size = (width, height)
        if self.master >= 0:
            set_size(self.master, width, height)

    def _time_up(self) -> None:
        self.chan.write(TIME_UP)
        self.end("time limit")

    def _check_idle(self) -> None:
        idle = time.monotonic() - self.last_input
        if idle >= self.settings.idle_minutes * 60:
            self.chan.write(IDLE)
            self.end("idle")
        else:
            self.timers.append(asyncio.get_running_loop().call_later(30, self._check_idle))

    def eof_received(self) -> bool:
        self.end("client gone")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.end("client gone")

    def end(self, why: str) -> None:
        """Stop the app, remove its folder, close the channel: once, however it ends."""
        if self.ended or not self.number:
            return
        self.ended = True
        for timer in self.timers:
            timer.cancel()
        loop = asyncio.get_running_loop()
        loop.remove_reader(self.master)
        _stop_child(self.pid)
        os.close(self.master)
        self.master = -1
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
        self.settings.active.discard(self)
        seconds = int(time.monotonic() - self.began)
        log(f"session {self.number} end after {seconds}s ({why})")
        try:
            self.chan.exit(0)
        except OSError:
            pass


def _stop_child(pid: int) -> None:
    """SIGHUP the session's app (it cleans up itself), then make sure it is gone."""
    for signum in (signal.SIGHUP, signal.SIGKILL):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            break
        for _ in range(50):
            done, _ = os.waitpid(pid, os.WNOHANG)
            if done:
                return
            time.sleep(0.02)
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


class DemoServer(asyncssh.SSHServer):
    def __init__(self, settings: DemoSettings) -> None:
        self.settings = settings
        self.peer = "?"

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        host, port = conn.get_extra_info("peername")[:2]
        self.peer = f"{host}:{port}"

    def begin_auth(self, username: str) -> bool:
        return self.settings.authorized_keys is not None

    def public_key_auth_supported(self) -> bool:
        return True

    def session_requested(self) -> DemoSession:
        return DemoSession(self.settings, self.peer)

    def connection_requested(self, *args: object) -> bool:
        return False

    def server_requested(self, *args: object) -> bool:
        return False

    def unix_connection_requested(self, *args: object) -> bool:
        return False

    def unix_server_requested(self, *args: object) -> bool:
        return False


def load_host_key(path: Path) -> asyncssh.SSHKey:
    """The server's key, made on first start and kept, so clients see the same one."""
    if path.exists():
        return asyncssh.read_private_key(str(path))
    key = asyncssh.generate_private_key("ssh-ed25519")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(key.export_private_key())
    path.chmod(0o600)
    return key


async def serve(host: str, port: int, host_key: Path, settings: DemoSettings) -> None:
    key = load_host_key(host_key)
    server = await asyncssh.create_server(
        lambda: DemoServer(settings),
        host,
        port,
        server_host_keys=[key],
        authorized_client_keys=settings.authorized_keys,
        encoding=None,
        x11_forwarding=False,
        agent_forwarding=False,
        allow_scp=False,
        sftp_factory=None,
        allow_pty=True,
    )
    log(f"hushdesk ssh-demo listening on {host}:{port} (host key {host_key})")
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for session in list(settings.active):
        session.end("server stopped")
    server.close()
    await server.wait_closed()
    log("hushdesk ssh-demo stopped")
