"""`hushdesk ssh-demo`: an SSH server that gives each visitor a throwaway demo inbox.

Anyone may connect and nobody is trusted. Each connection that asks for a
terminal gets `hushdesk demo-session` in its own process (see `children`) on a
pseudo-terminal of its own, with a demo database in a temporary folder that
goes when the session ends, however it ends. Nothing else is offered: no
shell, no command execution, no SFTP or SCP, no port, X11 or agent forwarding.

Everything a client sends is checked before anything starts: the terminal
type must look like one, sizes are kept to a sane range, and the client's
environment is ignored but for COLORTERM. No visitor holds the host: every
connection counts against a limit and against its address's limit, one that
runs no app soon is closed, one runs at most one app, and one whose last
session has ended is closed. A session's input and window changes are charged
to a budget (see `budget`) and its app is held to its share of memory and CPU
(see `children`). The operator's log has one clean line per session start and
end. Needs `pip install 'hushdesk[ssh]'`.
"""

from __future__ import annotations

import asyncio
import fcntl
import ipaddress
import os
import re
import signal
import struct
import termios
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from pathlib import Path

from . import children
from .budget import Budget
from .oplog import clean, log
from .sshlib import asyncssh

NO_TERMINAL = b"hushdesk's demo needs a terminal: connect with ssh -t.\r\n"
FULL = b"The hushdesk demo is full right now; please come back in a few minutes.\r\n"
TIME_UP = b"\r\nThis demo session has reached its time limit. Thank you for trying hushdesk!\r\n"
IDLE = b"\r\nThis demo session was idle too long and has ended.\r\n"
BAD_TERMINAL = b"hushdesk's demo cannot use this terminal type.\r\n"
ONE_EACH = b"hushdesk's demo runs one demo session per connection.\r\n"
FLOODED = b"\r\nThis demo session received too much input and has ended.\r\n"
TERM_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")
COLS, ROWS = (20, 500), (5, 200)
READ_SIZE = 65536
MAX_CHANNELS = 3  # sessions one connection may have open at once (one of them runs the app)
CLOSE_GRACE = 5.0  # seconds to close a session the server ended, before the connection goes
BURST, RATE = 128 * 1024, 4 * 1024  # input a session may send at once, and per second after
WINDOW_CHANGE = 16  # bytes a window-change request is charged, on top of the message cost


@dataclass
class DemoSettings:
    max_sessions: int = 10
    session_minutes: float = 30.0
    idle_minutes: float = 10.0
    theme: str | None = None
    authorized_keys: str | None = None
    login_seconds: float = 30.0  # a connection that runs no app by then is closed
    per_address: int = 3  # connections open at once from one address (a /64 for IPv6)
    active: set[DemoSession] = field(default_factory=set)
    connections: set[DemoServer] = field(default_factory=set)
    endings: set[asyncio.Task[None]] = field(default_factory=set)
    started: int = 0

    @property
    def max_connections(self) -> int:
        """Room for every session, and as many connections again still logging in."""
        return 2 * self.max_sessions

    @property
    def limits(self) -> children.Limits:
        return children.Limits.for_session(self.session_minutes)

    def from_address(self, address: str) -> int:
        return sum(conn.address == address for conn in self.connections)


def set_size(fd: int, cols: int, rows: int) -> None:
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def clamp(value: int, limits: tuple[int, int], default: int) -> int:
    return default if not value else max(limits[0], min(limits[1], value))


def source(host: str) -> str:
    """The address a visitor is counted under: IPv4 as it is (also when mapped into IPv6),
    IPv6 by its /64, since one visitor may hold a whole /64."""
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


class DemoSession(asyncssh.SSHServerSession[bytes]):
    def __init__(self, settings: DemoSettings, owner: DemoServer) -> None:
        self.settings, self.owner, self.peer = settings, owner, owner.peer
        self.term: str | None = None
        self.size = (80, 24)
        self.process: asyncio.subprocess.Process | None = None
        self.master = -1
        self.folder: Path | None = None
        self.number = 0
        self.began = self.last_input = time.monotonic()
        self.ended = False
        self.timers: list[asyncio.TimerHandle] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.logged_start = False
        self.budget = Budget(BURST, RATE)

    def connection_made(self, chan: asyncssh.SSHServerChannel[bytes]) -> None:
        self.chan = chan

    def pty_requested(
        self, term_type: str, term_size: tuple[int, int, int, int], term_modes: object
    ) -> bool:
        term = term_type or "xterm-256color"
        if not TERM_RE.fullmatch(term):
            log(f"refused a terminal from {self.peer}: terminal type {clean(term, 40)!r}")
            return False
        self.term = term
        self.size = (clamp(term_size[0], COLS, 80), clamp(term_size[1], ROWS, 24))
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
        elif self.owner.app is not None:
            log(f"turned away {self.peer}: a second session on one connection")
            self._refuse(ONE_EACH)
        elif len(self.settings.active) >= self.settings.max_sessions:
            log(f"turned away {self.peer}: {len(self.settings.active)} sessions running")
            self._refuse(FULL)
        else:
            self.owner.app = self
            self.settings.started += 1
            self.number = self.settings.started
            self.settings.active.add(self)
            self.folder = children.new_folder()
            self._track(self._start(self.folder))

    def _track(self, work: Coroutine[object, object, None]) -> None:
        task = asyncio.ensure_future(work)
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def _refuse(self, message: bytes) -> None:
        self.chan.write(message)
        self.chan.exit(1)
        self.owner.ending()

    def _colorterm(self) -> dict[str, str]:
        sent = self.chan.get_environment().get("COLORTERM", "")
        return {"COLORTERM": sent} if sent in ("truecolor", "24bit") else {}

    async def _start(self, folder: Path) -> None:
        env = children.environment(folder, {"TERM": self.term or "xterm", **self._colorterm()})
        master, slave = os.openpty()
        set_size(slave, *self.size)
        try:
            process = await children.start(
                folder,
                self.settings.theme,
                env,
                self.settings.limits,
                stdin=slave,
                stdout=slave,
                stderr=slave,
            )
        except OSError as error:
            os.close(master)
            log(f"session {self.number} could not start: {clean(error)}")
            self.end("could not start")
            return
        finally:
            os.close(slave)
        if self.ended:  # the visitor left while it started
            await children.stop(process)
            os.close(master)
            children.remove(folder)
            return
        self.process, self.master = process, master
        os.set_blocking(master, False)
        self._begin_timers()
        cols, rows, term = *self.size, clean(self.term, 40)
        log(f"session {self.number} start from {self.peer} ({cols}x{rows}, {term})")
        self.logged_start = True

    def _begin_timers(self) -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(self.master, self._pty_readable)
        self.timers.append(loop.call_later(self.settings.session_minutes * 60, self._time_up))
        self.timers.append(loop.call_later(30, self._check_idle))

    def _pty_readable(self) -> None:
        try:
            data = os.read(self.master, READ_SIZE)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            self.chan.write(data)
        else:
            self.end("quit")

    def data_received(self, data: bytes, datatype: object) -> None:
        self.last_input = time.monotonic()
        if not self._charged(len(data)) or self.master < 0:
            return
        try:
            os.write(self.master, data)
        except BlockingIOError:
            pass  # the app is behind: keys beyond what its terminal holds are dropped
        except OSError:
            self.end("quit")

    def _charged(self, size: int) -> bool:
        """Charge what the visitor sent as it arrives; over budget, the session ends."""
        if self.budget.spend(size):
            return True
        if self.number and not self.ended:
            self.chan.write(FLOODED)
            self.end("too much input")
        return False

    def terminal_size_changed(self, width: int, height: int, pw: int, ph: int) -> None:
        if not self._charged(WINDOW_CHANGE):
            return
        self.size = (clamp(width, COLS, self.size[0]), clamp(height, ROWS, self.size[1]))
        if self.master >= 0 and self.process is not None:
            set_size(self.master, *self.size)
            try:  # the app has no controlling terminal: tell it itself
                os.kill(self.process.pid, signal.SIGWINCH)
            except ProcessLookupError:
                pass

    def _time_up(self) -> None:
        self.chan.write(TIME_UP)
        self.end("time limit")

    def _check_idle(self) -> None:
        if time.monotonic() - self.last_input >= self.settings.idle_minutes * 60:
            self.chan.write(IDLE)
            self.end("idle")
        else:
            self.timers.append(asyncio.get_running_loop().call_later(30, self._check_idle))

    def eof_received(self) -> bool:
        self.end("client gone")
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.end("client gone")
        self.owner.session_over(self)

    def end(self, why: str) -> None:
        """Stop the app, remove its folder, close the channel: once, however it ends."""
        if self.ended or not self.number:
            return
        self.ended = True
        for timer in self.timers:
            timer.cancel()
        if self.master >= 0:
            asyncio.get_running_loop().remove_reader(self.master)
        task = asyncio.ensure_future(self._finish(why))
        self.settings.endings.add(task)
        task.add_done_callback(self.settings.endings.discard)

    async def _finish(self, why: str) -> None:
        if self.process is not None:
            await children.stop(self.process)
        for task in list(self.tasks):
            task.cancel()
        if self.master >= 0:
            os.close(self.master)
            self.master = -1
        said = ""
        if self.folder is not None:
            said = children.last_error(self.folder)
            children.remove(self.folder)
        self.settings.active.discard(self)
        if self.logged_start:
            seconds = int(time.monotonic() - self.began)
            note = f"; the app said: {clean(said, 160)}" if said else ""
            log(f"session {self.number} end after {seconds}s ({why}){note}")
        try:  # the visitor's channel closes once nothing of the session is left
            self.chan.exit(0)
        except OSError:
            pass
        self.owner.ending()


class DemoServer(asyncssh.SSHServer):
    """One connection: counted, and held to the login limit until it runs an app.

    It may run one app and have a few sessions open, and it is closed as soon
    as its last session has ended: a refused session holds nothing.
    """

    def __init__(self, settings: DemoSettings) -> None:
        self.settings = settings
        self.peer = self.address = "?"
        self.sessions: set[DemoSession] = set()
        self.app: DemoSession | None = None
        self.timers: list[asyncio.TimerHandle] = []

    def connection_made(self, conn: asyncssh.SSHServerConnection) -> None:
        self.conn = conn
        host, port = conn.get_extra_info("peername")[:2]
        self.peer, self.address = f"{clean(host, 60)}:{clean(port, 10)}", source(str(host))
        refusal = self._refusal()
        if refusal:
            log(f"refused a connection from {self.peer}: {refusal}")
            conn.close()
            return
        self.settings.connections.add(self)
        self._hold(self.settings.login_seconds, "no app running within {}s")

    def _refusal(self) -> str:
        """Why this connection may not stay, if it may not: the host's limit or its address's."""
        settings = self.settings
        if len(settings.connections) >= settings.max_connections:
            return f"{settings.max_connections} open"
        if settings.from_address(self.address) >= settings.per_address:
            return f"{settings.per_address} open from this address"
        return ""

    def _hold(self, seconds: float, why: str) -> None:
        """In `seconds`, close the connection unless it is running an app by then."""
        loop = asyncio.get_running_loop()
        self.timers.append(
            loop.call_later(seconds, self._close_if_idle, why.format(f"{seconds:g}"))
        )

    def _close_if_idle(self, why: str) -> None:
        app = self.app
        if app is None or app.process is None or app.ended:
            log(f"closed a connection from {self.peer}: {why}")
            self.conn.close()

    def ending(self) -> None:
        """The server has ended or refused one of this connection's sessions: the client
        closes it, and the connection with it (see `session_over`), or is made to."""
        self._hold(CLOSE_GRACE, "its session ended {}s ago")

    def session_over(self, session: DemoSession) -> None:
        """A session's channel has closed: the connection goes with its last one, and with
        its app's (it has had the one app it may run)."""
        if session in self.sessions:
            self.sessions.discard(session)
            if not self.sessions or session is self.app:
                self.conn.close()

    def connection_lost(self, exc: Exception | None) -> None:
        self.settings.connections.discard(self)
        for timer in self.timers:
            timer.cancel()

    def begin_auth(self, username: str) -> bool:
        return self.settings.authorized_keys is not None

    def public_key_auth_supported(self) -> bool:
        return True

    def session_requested(self) -> DemoSession | bool:
        if len(self.sessions) >= MAX_CHANNELS:
            return False
        session = DemoSession(self.settings, self)
        self.sessions.add(session)
        return session

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
    server.close()
    for session in list(settings.active):
        session.end("server stopped")
    if settings.endings:
        await asyncio.wait(list(settings.endings))
    await server.wait_closed()
    log("hushdesk ssh-demo stopped")
