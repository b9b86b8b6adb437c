"""Starting the real demo hosts for tests, and looking at what they left behind."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

HUSHDESK = str(Path(sys.executable).parent / "hushdesk")

# A fault for crash tests, loaded by every Python process that has this folder on its path:
# the inbox's `h` raises an error that names a secret path and a secret local value.
CRASH = """
import tui.app.screens.inbox as inbox


def boom(self):
    secret_local = "SECRET-LOCAL-VALUE"
    raise RuntimeError("boom in /srv/secret/path " + secret_local)


inbox.InboxScreen.action_hold = boom
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def crash_path(tmp_path: Path) -> dict[str, str]:
    """An environment whose Python processes load the CRASH fault."""
    folder = tmp_path / "fault"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(CRASH)
    return {"PYTHONPATH": str(folder)}


def start(
    tmp_path: Path, command: str, *options: str, env: dict[str, str] | None = None
) -> tuple[int, subprocess.Popen[str], Path]:
    """`hushdesk ssh-demo` or `hushdesk serve` on a free port; returns once it listens.

    Demo folders go to tmp_path/tmp; the server's log is its stderr, a pipe.
    """
    port, scratch = free_port(), tmp_path / "tmp"
    scratch.mkdir(exist_ok=True)
    args = [HUSHDESK, command, "--port", str(port), *options]
    if command == "ssh-demo":
        args += ["--host-key", str(tmp_path / "key")]
    proc = subprocess.Popen(
        args,
        env={**os.environ, "TMPDIR": str(scratch), **(env or {})},
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stderr is not None
    line = proc.stderr.readline()
    assert "listening" in line, line
    wait_for_port(port)
    return port, proc, scratch


def wait_for_port(port: int) -> None:
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"nothing listens on {port}")


def stop(proc: subprocess.Popen[str]) -> list[str]:
    """SIGTERM the server and return its whole log; a server that will not stop is killed
    (and the test fails), so a failed test leaves no server behind."""
    proc.terminate()
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise AssertionError("the server did not stop within 60s of SIGTERM") from None
    return err.splitlines()


def demo_dirs(scratch: Path) -> list[Path]:
    return sorted(p for p in scratch.iterdir() if p.name.startswith("hushdesk-demo-"))


def processes_with(*words: str) -> list[int]:
    """Pids of processes whose command line holds every one of `words`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if all(word in line for word in words):
            found.append(int(entry.name))
    return found


def gone_soon(check, seconds: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    """True once `check()` is falsy, polling for at most `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check():
            return True
        time.sleep(0.1)
    return not check()


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, killed but not yet reaped by its server, is gone)."""
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def resident_kb(pid: int) -> int:
    """The process's resident memory in KiB, 0 once it is gone."""
    try:
        status = (Path("/proc") / str(pid) / "status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def limit(pid: int, name: str) -> str:
    """The soft limit the kernel holds for `pid`, as /proc/PID/limits shows it: "unlimited"
    or a number."""
    for line in (Path("/proc") / str(pid) / "limits").read_text().splitlines():
        if line.startswith(name):
            return line[len(name) :].split()[0]
    raise AssertionError(f"no limit {name!r} for {pid}")
