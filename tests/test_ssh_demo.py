"""`hushdesk ssh-demo` for real: a server on 127.0.0.1, asyncssh and OpenSSH clients."""

import asyncio
import os
import pty
import re
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import asyncssh
import pyte
import pytest

HUSHDESK = str(Path(sys.executable).parent / "hushdesk")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(tmp_path, *options):
    """`hushdesk ssh-demo` on a free port; returns once it listens."""
    port, scratch = free_port(), tmp_path / "tmp"
    scratch.mkdir()
    proc = subprocess.Popen(
        [HUSHDESK, "ssh-demo", "--port", str(port), "--host-key", str(tmp_path / "key"), *options],
        env={**os.environ, "TMPDIR": str(scratch)},
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stderr.readline()
    assert "listening" in line, line
    return port, proc, scratch


@pytest.fixture
def server(tmp_path):
    """The real server in its own process; demo folders go to tmp_path/tmp."""
    port, proc, scratch = start_server(tmp_path, "--max-sessions", "2")
    yield port, scratch, proc
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=30)


class Terminal(asyncssh.SSHClientSession):
    """Feeds what the server draws into a pyte screen."""

    def __init__(self, cols=100, rows=30):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.changed = asyncio.Event()
        self.closed = asyncio.Event()

    def data_received(self, data, datatype):
        self.raw += data
        self.stream.feed(data)
        self.changed.set()

    def connection_lost(self, exc):
        self.closed.set()

    def text(self) -> str:
        return "\n".join(self.screen.display)

    async def count(self, label):
        """The number on a filter tab (the top line), once the tab shows one."""
        pattern = re.compile(rf"{label} ([\d,]+) ")

        async def until():
            while not pattern.search(self.screen.display[0]):
                self.changed.clear()
                await self.changed.wait()

        await asyncio.wait_for(until(), 30)
        return int(pattern.search(self.screen.display[0]).group(1).replace(",", ""))

    async def wait_for(self, needle, timeout=30):
        def shown(text):
            return needle in text or needle.encode() in self.raw

        await self.wait_until(shown, timeout, f"{needle!r} never appeared")

    async def wait_until(self, check, timeout=30, failure="never true"):
        async def until():
            while not check(self.text()):
                self.changed.clear()
                await self.changed.wait()

        try:
            await asyncio.wait_for(until(), timeout)
        except TimeoutError:
            raise AssertionError(f"{failure}:\n{self.text()}") from None

    def resize(self, cols, rows):
        self.screen.resize(rows, cols)


async def open_session(port, cols=100, rows=30):
    conn = await asyncssh.connect(
        "127.0.0.1", port, username="visitor", known_hosts=None, client_keys=None
    )
    chan, term = await conn.create_session(
        lambda: Terminal(cols, rows),
        term_type="xterm-256color",
        term_size=(cols, rows),
        encoding=None,
    )
    return conn, chan, term


def demo_dirs(scratch):
    return sorted(p for p in scratch.iterdir() if p.name.startswith("hushdesk-demo-"))


async def test_session_draws_archives_searches_resizes_and_cleans_up(server):
    port, scratch, _ = server
    conn, chan, term = await open_session(port)
    await term.wait_for("Archived")
    await term.wait_for("conversations")
    assert len(demo_dirs(scratch)) == 1
    open_before = await term.count("Open")
    chan.write(b"a")
    await term.wait_for(f"Open {open_before - 1:,}")
    chan.write(b"/name:ada\r")
    await term.wait_for("for name:ada")
    chan.change_terminal_size(140, 40)
    term.resize(140, 40)
    await term.wait_for("╮╭─ Conversation")
    assert any(len(line.rstrip()) > 120 for line in term.screen.display)
    chan.write(b"q")
    await asyncio.wait_for(term.closed.wait(), 30)
    conn.close()
    assert demo_dirs(scratch) == []


async def test_two_sessions_do_not_see_each_others_deletions(server):
    port, scratch, _ = server
    first = await open_session(port)
    second = await open_session(port)
    for _, _, term in (first, second):
        await term.wait_for("Archived")
    assert len(demo_dirs(scratch)) == 2
    first[1].write(b"2")
    await first[2].wait_for("Archived ·")
    archived = await first[2].count("Archived")
    first[1].write(b"d")
    await first[2].wait_for("cannot be undone")
    first[1].write(b"y")
    await first[2].wait_for(f"Archived {archived - 1:,}")
    second[1].write(b"2")
    await second[2].wait_for(f"Archived {archived:,}")
    for conn, _, _ in (first, second):
        conn.close()
    await asyncio.sleep(0)
    for _ in range(100):
        if not demo_dirs(scratch):
            break
        await asyncio.sleep(0.1)
    assert demo_dirs(scratch) == [], "client gone: folders removed"


def visit(port):
    return asyncssh.connect("127.0.0.1", port, username="x", known_hosts=None, client_keys=None)


async def test_exec_sftp_forwarding_and_no_terminal_are_refused(server):
    port, _, _ = server
    async with visit(port) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.create_connection(asyncssh.SSHTCPSession, "127.0.0.1", port)
        with pytest.raises(asyncssh.ChannelListenError):
            await conn.forward_remote_port("127.0.0.1", 0, "127.0.0.1", 22)
    # a refused session ends its connection: each of these on a connection of its own
    async with visit(port) as conn:
        with pytest.raises(asyncssh.ChannelOpenError):
            await conn.run("cat /etc/passwd")
    async with visit(port) as conn:
        with pytest.raises((asyncssh.SFTPError, asyncssh.ChannelOpenError, OSError)):
            async with conn.start_sftp_client():
                pass
    async with visit(port) as conn:
        result = await conn.run(term_type=None)
        assert "needs a terminal" in str(result.stdout)
        await asyncio.wait_for(conn.wait_closed(), 15)


async def test_sessions_beyond_the_limit_are_turned_away(server):
    port, _, _ = server
    sessions = [await open_session(port) for _ in range(2)]
    for _, _, term in sessions:
        await term.wait_for("Archived")
    conn, chan, term = await open_session(port)
    await term.wait_for("come back")
    await asyncio.wait_for(term.closed.wait(), 10)
    for other, _, _ in [*sessions, (conn, None, None)]:
        other.close()


async def test_server_stop_removes_every_session_folder(server):
    port, scratch, proc = server
    conn, _, term = await open_session(port)
    await term.wait_for("Archived")
    assert demo_dirs(scratch)
    proc.send_signal(signal.SIGTERM)
    await asyncio.get_running_loop().run_in_executor(None, proc.wait, 30)
    assert demo_dirs(scratch) == []
    conn.close()


@pytest.mark.skipif(shutil.which("ssh") is None, reason="OpenSSH client not installed")
def test_openssh_client_sees_the_inbox(server):
    port, scratch, _ = server
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(
            "ssh",
            [
                "ssh",
                "-tt",
                "-p",
                str(port),
                "-o",
                "StrictHostKeyChecking=no",
                "-o",
                "UserKnownHostsFile=/dev/null",
                "-o",
                "LogLevel=ERROR",
                "demo@127.0.0.1",
            ],
        )
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    seen = b""
    try:
        while b"Archived" not in seen:
            chunk = os.read(fd, 65536)
            assert chunk, "ssh ended before the inbox appeared"
            seen += chunk
            stream.feed(chunk)
        os.write(fd, b"q")
        while True:
            try:
                if not os.read(fd, 65536):
                    break
            except OSError:
                break
    finally:
        os.waitpid(pid, 0)
    assert "Archived" in "\n".join(screen.display)
    assert demo_dirs(scratch) == []


async def test_authorized_keys_restrict_who_may_log_in(tmp_path):
    allowed = asyncssh.generate_private_key("ssh-ed25519")
    stranger = asyncssh.generate_private_key("ssh-ed25519")
    keys = tmp_path / "authorized_keys"
    keys.write_bytes(allowed.export_public_key())
    port, proc, _ = start_server(tmp_path, "--authorized-keys", str(keys))
    try:
        with pytest.raises(asyncssh.PermissionDenied):
            await asyncssh.connect(
                "127.0.0.1", port, username="demo", known_hosts=None, client_keys=[stranger]
            )
        async with asyncssh.connect(
            "127.0.0.1", port, username="demo", known_hosts=None, client_keys=[allowed]
        ) as conn:
            assert conn.get_extra_info("username") == "demo"
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
