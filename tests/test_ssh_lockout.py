"""`hushdesk ssh-demo`: no visitor holds the host.

A real server on 127.0.0.1; visitors are asyncssh clients, each from an
address of its own in 127.0.0.0/8 (the kernel routes the whole range to this
machine), so the per-address limit sees them as the strangers they would be.
"""

import asyncio

import asyncssh
import pytest

from tui.hosting.ssh_demo import MAX_CHANNELS, source

from .hosting import demo_dirs, gone_soon, processes_with, start, stop
from .test_ssh_abuse import clean_log
from .test_ssh_demo import Terminal


async def connect(port: int, address: str) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(
        "127.0.0.1",
        port,
        username="visitor",
        known_hosts=None,
        client_keys=None,
        local_addr=(address, 0),
    )


async def inbox(conn: asyncssh.SSHClientConnection) -> Terminal:
    """A session with a terminal, once its app has drawn the inbox."""
    _, term = await conn.create_session(
        lambda: Terminal(100, 30), term_type="xterm-256color", term_size=(100, 30), encoding=None
    )
    await term.wait_for("Archived")
    return term


async def bare_channel(conn: asyncssh.SSHClientConnection) -> asyncssh.SSHClientChannel:
    """A session channel opened and never started (no shell, no command): what OpenSSH never
    leaves."""
    loop = asyncio.get_running_loop()
    chan = asyncssh.SSHClientChannel(conn, loop, "strict", None, "strict", 2**21, 32768)
    await chan._open(b"session")
    return chan


async def closed_by_server(conn: asyncssh.SSHClientConnection, seconds: float = 15) -> None:
    await asyncio.wait_for(conn.wait_closed(), seconds)


def apps(scratch) -> list[int]:
    return processes_with("demo-session", str(scratch))


@pytest.fixture
def host(tmp_path):
    port, proc, scratch = start(
        tmp_path, "ssh-demo", "--max-sessions", "2", "--login-seconds", "60"
    )
    yield port, proc, scratch
    if proc.poll() is None:
        stop(proc)


async def test_sessions_refused_for_want_of_a_terminal_lock_nobody_out(host):
    port, proc, scratch = host
    refused = []
    for n in range(4):  # twice --max-sessions: every connection the server allows
        conn = await connect(port, f"127.0.0.{11 + n}")
        result = await conn.run(term_type=None)
        assert "needs a terminal" in str(result.stdout)
        refused.append(conn)
    for conn in refused:  # long before --login-seconds
        await closed_by_server(conn)
    async with await connect(port, "127.0.0.20") as conn:
        await inbox(conn)
    starts, _ = clean_log(stop(proc))
    assert len(starts) == 1
    assert gone_soon(lambda: demo_dirs(scratch))


@pytest.fixture
def quick_login(tmp_path):
    port, proc, scratch = start(
        tmp_path, "ssh-demo", "--max-sessions", "2", "--login-seconds", "2"
    )
    yield port, proc, scratch
    if proc.poll() is None:
        stop(proc)


async def test_a_connection_is_held_to_the_login_limit_until_it_runs_an_app(quick_login):
    port, proc, _ = quick_login
    conn = await connect(port, "127.0.0.21")
    await bare_channel(conn)  # keeps the connection's sessions from all ending
    result = await conn.run(term_type=None)  # a session opened, and refused
    assert "needs a terminal" in str(result.stdout)
    await closed_by_server(conn)  # at --login-seconds: it never ran an app
    lines = stop(proc)
    clean_log(lines)
    assert any("no app running within 2s" in line for line in lines), lines


async def test_one_connection_runs_one_app(host):
    port, proc, scratch = host
    async with await connect(port, "127.0.0.22") as conn:
        await inbox(conn)
        second = conn.run(term_type="xterm")  # a second session on the same connection
        result = await asyncio.wait_for(second, 30)
        assert "one demo session per connection" in str(result.stdout)
        assert len(apps(scratch)) == 1
        async with await connect(port, "127.0.0.23") as other:  # the host's other place is free
            await inbox(other)
            assert len(apps(scratch)) == 2
    starts, _ = clean_log(stop(proc))
    assert len(starts) == 2
    assert gone_soon(lambda: apps(scratch))


@pytest.mark.parametrize("options, allowed", [((), 3), (("--per-address", "1"), 1)])
async def test_one_address_holds_at_most_per_address_connections(tmp_path, options, allowed):
    port, proc, scratch = start(tmp_path, "ssh-demo", "--max-sessions", "5", *options)
    try:
        held = [await connect(port, "127.0.0.30") for _ in range(allowed)]
        for conn in held:
            await inbox(conn)
        with pytest.raises((asyncssh.Error, OSError)):
            extra = await connect(port, "127.0.0.30")
            await inbox(extra)
        assert len(apps(scratch)) == allowed
        async with await connect(port, "127.0.0.31") as conn:  # another address is served
            await inbox(conn)
        for conn in held:
            conn.close()
    finally:
        lines = stop(proc)
    starts, _ = clean_log(lines)
    assert len(starts) == allowed + 1
    assert any(f"{allowed} open from this address" in line for line in lines), lines
    assert gone_soon(lambda: apps(scratch))


async def test_a_connection_may_open_only_a_few_sessions(quick_login):
    port, proc, _ = quick_login
    conn = await connect(port, "127.0.0.24")
    for _ in range(MAX_CHANNELS):
        await bare_channel(conn)
    with pytest.raises(asyncssh.ChannelOpenError):
        await bare_channel(conn)
    await closed_by_server(conn)  # and none of them ran an app
    clean_log(stop(proc))


def test_a_visitor_is_counted_by_the_address_they_hold():
    assert source("192.0.2.7") == "192.0.2.7"
    assert source("::ffff:192.0.2.7") == "192.0.2.7"
    assert source("2001:db8:1:2:aaaa::1") == source("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert source("2001:db8:1:3::1") != source("2001:db8:1:2::1")
    assert source("fe80::1%eth0") == "fe80::/64"
    assert source("not an address") == "not an address"
