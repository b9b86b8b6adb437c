"""`hushdesk demo-session` (for ForceCommand), `hushdesk serve`, and themes."""

import os
import pty
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyte
import pytest

from .test_cli import cli

HUSHDESK = str(Path(sys.executable).parent / "hushdesk")


def start_in_pty(args, scratch, env_extra=None):
    env = {**os.environ, "TMPDIR": str(scratch), "TERM": "xterm-256color", **(env_extra or {})}
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(HUSHDESK, [HUSHDESK, *args], env)
    return pid, fd


def read_until(fd, needle):
    """The raw bytes drawn until `needle` shows on the emulated screen."""
    screen = pyte.Screen(80, 24)
    stream = pyte.ByteStream(screen)
    seen = b""
    while needle not in "\n".join(screen.display):
        chunk = os.read(fd, 65536)
        assert chunk, f"ended before {needle!r}"
        seen += chunk
        stream.feed(chunk)
    return seen


def drain(fd, seconds=30):
    """Read until the process closes its terminal; fail instead of hanging."""
    import select

    try:
        while True:
            ready, _, _ = select.select([fd], [], [], seconds)
            assert ready, "the session did not end"
            if not os.read(fd, 65536):
                return
    except OSError:
        return


@pytest.mark.parametrize("ending", ["quit", "hangup"])
def test_demo_session_leaves_no_folder(tmp_path, ending):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    pid, fd = start_in_pty(["demo-session"], scratch)
    read_until(fd, "Archived")
    assert [p.name[:14] for p in scratch.iterdir()] == ["hushdesk-demo-"]
    if ending == "quit":
        os.write(fd, b"q")
    else:
        os.kill(pid, signal.SIGHUP)
    drain(fd)
    _, status = os.waitpid(pid, 0)
    assert list(scratch.iterdir()) == []
    if ending == "hangup":
        assert os.waitstatus_to_exitcode(status) == 128 + signal.SIGHUP


@pytest.mark.parametrize(
    "colorterm, expect, never", [("", b"38;5;", b"38;2;"), ("truecolor", b"38;2;", None)]
)
def test_256_colour_and_truecolor_terminals(tmp_path, colorterm, expect, never):
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    pid, fd = start_in_pty(["demo-session"], scratch, {"COLORTERM": colorterm})
    drawn = read_until(fd, "Archived")
    os.write(fd, b"q")
    drain(fd)
    os.waitpid(pid, 0)
    assert expect in drawn and (never is None or never not in drawn)


async def test_theme_from_flag_or_environment(db, monkeypatch):
    from tui.app import make_app
    from tui.cli import resolve_theme
    from tui.cli.parser import build_parser

    assert resolve_theme(build_parser().parse_args(["--theme", "nord"])) == "nord"
    assert resolve_theme(build_parser().parse_args(["--theme", "nord", "log"])) is None
    monkeypatch.setenv("HUSHDESK_THEME", "ansi-dark")
    theme = resolve_theme(build_parser().parse_args([]))
    app = make_app("sam", theme=theme)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "ansi-dark"


def test_unknown_theme_is_refused(tmp_path):
    code, _, err = cli(tmp_path / "x.db", "--theme", "neon-pink")
    assert code == 1 and "unknown theme" in err and "ansi-dark" in err


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_answers_on_localhost(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [HUSHDESK, "serve", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        page = None
        for _ in range(100):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
                break
            except OSError:
                time.sleep(0.1)
        assert page is not None and b"hushdesk" in page
    finally:
        proc.terminate()
        proc.wait(timeout=20)


async def test_no_palette_command_writes_a_file(db, tmp_path, monkeypatch):
    from tui.app import make_app

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    app = make_app("visitor", demo_folder=tmp_path / "session")
    async with app.run_test() as pilot:
        await pilot.pause()
        titles = {command.title for command in app.get_system_commands(app.screen)}
        assert "Theme" in titles and "Channel assistants" in titles
        assert not {"Screenshot", "Save", "Export"} & titles
        app.action_screenshot()
        await pilot.pause()
        assert any("no screenshots" in n.message for n in app._notifications)
    assert not (tmp_path / "home").exists()
