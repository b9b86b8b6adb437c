"""`hushdesk ssh-demo` under attack, driven by a scripted client that sends what OpenSSH won't.

After each: exactly one server process listens, no session process or folder is
left, and the operator's log has one clean line per session start and end.
"""

import asyncio
import re

import asyncssh
import pytest

from .hosting import alive, crash_path, demo_dirs, gone_soon, processes_with, start, stop
from .test_ssh_demo import Terminal

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [ -~]*$")  # stamp, then printable ASCII


async def connect(port, address="127.0.0.1"):
    """A visitor from `address`: any in 127.0.0.0/8, to stand for visitors of their own."""
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username="visitor",
        known_hosts=None,
        client_keys=None,
        local_addr=(address, 0),
    )


async def session(conn, term_type="xterm-256color", size=(100, 30)):
    chan, term = await conn.create_session(
        lambda: Terminal(100, 30), term_type=term_type, term_size=size, encoding=None
    )
    return chan, term


def clean_log(lines):
    for line in lines:
        assert LINE.match(line), f"log line not clean: {line!r}"
    starts = [line for line in lines if " start from " in line]
    ends = [line for line in lines if re.search(r"session \d+ end after", line)]
    assert len(starts) == len(ends), lines
    return starts, ends


@pytest.fixture
def host(tmp_path):
    port, proc, scratch = start(
        tmp_path, "ssh-demo", "--max-sessions", "2", "--login-seconds", "2"
    )
    yield port, proc, scratch
    if proc.poll() is None:  # a failed test left it running
        stop(proc)


def no_children_left(scratch):
    assert gone_soon(lambda: processes_with("demo-session", str(scratch)))
    assert gone_soon(lambda: demo_dirs(scratch))


async def test_hostile_terminal_types_are_refused_before_anything_starts(host):
    port, proc, scratch = host
    for term_type in ("xterm\x00evil", "\x1b]0;owned\x07", "vt100\r\n2026-01-01 forged line"):
        async with await connect(port) as conn:
            with pytest.raises(asyncssh.ChannelOpenError, match="PTY request failed"):
                await session(conn, term_type=term_type)
    assert len(processes_with("ssh-demo", "--port", str(port))) == 1, "one server, not a fork"
    async with await connect(port) as conn:  # the next visitor is served as usual
        _, term = await session(conn)
        await term.wait_for("Archived")
    lines = stop(proc)
    starts, _ = clean_log(lines)
    assert len(starts) == 1
    refused = [line for line in lines if "refused a terminal" in line]
    assert len(refused) == 3 and all("\\x" in line or "\\r" in line for line in refused)
    no_children_left(scratch)


async def test_absurd_sizes_are_kept_sane_and_logged_in_pairs(host):
    port, proc, scratch = host
    for size in ((0, 0), (65535, 65535), (1, 1)):
        async with await connect(port) as conn:
            chan, term = await session(conn, size=(*size, 0, 0))
            await term.wait_for("\x1b[?1049h")  # the app took the screen
            chan.change_terminal_size(70000 % 65536, 3)
            chan.write(b"q")
            await asyncio.wait_for(term.closed.wait(), 20)
    starts, _ = clean_log(stop(proc))
    assert [s.split("(")[1].split(",")[0] for s in starts] == ["80x24", "500x200", "20x5"]
    no_children_left(scratch)


async def test_connections_without_a_session_are_counted_and_closed(host):
    port, proc, scratch = host
    idle = [await connect(port, f"127.0.0.{11 + n}") for n in range(4)]  # ssh -N: no session
    with pytest.raises((asyncssh.Error, OSError)):
        extra = await connect(port, "127.0.0.15")  # beyond 2 x --max-sessions
        await extra.create_session(asyncssh.SSHClientSession)
    for conn in idle:
        await asyncio.wait_for(conn.wait_closed(), 15)  # closed after --login-seconds
    async with await connect(port) as conn:
        _, term = await session(conn)
        await term.wait_for("Archived")
    lines = stop(proc)
    clean_log(lines)
    assert sum("no app running within 2s" in line for line in lines) == 4
    assert any("refused a connection" in line for line in lines)
    no_children_left(scratch)


async def test_a_visitor_cannot_take_a_screenshot_or_write_on_the_host(host, tmp_path):
    port, proc, scratch = host
    async with await connect(port) as conn:
        chan, term = await session(conn)
        await term.wait_for("Archived")
        chan.write(b"\x10")  # ctrl+p: the command palette
        await term.wait_for("Search for commands")
        chan.write(b"assist")
        await term.wait_for("Retention per channel")  # the palette finds what is offered
        for _ in range(6):
            chan.write(b"\x7f")
        await term.wait_for("Search for commands")  # the search box is empty again
        chan.write(b"screensh")
        await term.wait_for("No matches found")
        assert "Save an SVG" not in term.text()
        chan.write(b"\x1b")
        await term.wait_until(lambda text: "No matches found" not in text)
        [folder] = demo_dirs(scratch)
        chan.write(b"q")
        try:
            await asyncio.wait_for(term.closed.wait(), 20)
        except TimeoutError:
            raise AssertionError(term.text()) from None
    stop(proc)
    assert not folder.exists()
    assert not list(scratch.iterdir()), "nothing written beside the session folder"


@pytest.fixture
def crashing_host(tmp_path):
    port, proc, scratch = start(tmp_path, "ssh-demo", env=crash_path(tmp_path))
    yield port, proc, scratch
    if proc.poll() is None:
        stop(proc)


async def test_a_crash_shows_the_visitor_one_line_and_the_operator_the_cause(crashing_host):
    port, proc, scratch = crashing_host
    async with await connect(port) as conn:
        chan, term = await session(conn)
        await term.wait_for("Archived")
        chan.write(b"h")
        await term.wait_for("unexpected error")
        await asyncio.wait_for(term.closed.wait(), 20)
    seen = term.raw.decode("utf-8", "replace")
    assert "Traceback" not in seen and "/srv/secret" not in seen
    assert "SECRET-LOCAL-VALUE" not in seen
    lines = stop(proc)
    clean_log(lines)
    assert any("boom in /srv/secret/path" in line for line in lines), lines
    no_children_left(scratch)


def key_flood(chan):
    chan.write(b"j" * 1000)


def window_flood(chan):
    chan.change_terminal_size(80, 24)


@pytest.mark.parametrize("send", [key_flood, window_flood], ids=["keys", "window changes"])
async def test_a_flood_of_input_ends_its_session(host, send):
    port, proc, scratch = host
    async with await connect(port) as conn:
        chan, term = await session(conn)
        await term.wait_for("Archived")
        [pid] = processes_with("demo-session", str(scratch))
        for turn in range(20_000):  # 20 MB of keys, or 20,000 window changes
            if term.closed.is_set():
                break
            try:
                send(chan)
            except BrokenPipeError:  # the server has closed the channel
                break
            if turn % 64 == 0:
                await asyncio.sleep(0)  # let the client read what the server says
        await term.wait_for("too much input")
        await asyncio.wait_for(term.closed.wait(), 20)
        assert gone_soon(lambda: alive(pid), 5)
    starts, ends = clean_log(stop(proc))
    assert len(starts) == 1 and "too much input" in ends[0], ends
    no_children_left(scratch)
