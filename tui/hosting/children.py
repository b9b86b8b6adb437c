"""The demo sessions' processes: how each starts, what it may see, and how it surely ends.

Every session is `hushdesk demo-session` in a process of its own, in a new
session (so a signal for it reaches nothing else), with a throwaway folder as
its home and temporary folder: nothing it does can land elsewhere on the host.
The kernel holds it to a share of the host (`Limits`: address space and CPU
time), so a visitor who makes their app grow or spin ends only their own
session. It ends politely (SIGHUP or SIGTERM, which demo-session answers by
leaving at once) and, half a second later, surely (SIGKILL); its folder goes
after it.
"""

from __future__ import annotations

import asyncio
import os
import resource
import shutil
import signal
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .demo_session import PREFIX

GRACE_SECONDS = 0.5  # an app that has not ended this long after SIGHUP is killed
PASSED_ON = ("PATH", "LANG", "LC_ALL", "PYTHONPATH")
MEMORY_BYTES = 1 << 30  # a session's app starts at about 280 MB of address space
CPU_SHARE = 0.25  # of the session's time limit: an app busy for longer is being flooded
MIN_CPU_SECONDS = 60


@dataclass(frozen=True)
class Limits:
    """What one session's process may take of the host, enforced by the kernel."""

    memory_bytes: int
    cpu_seconds: int

    @classmethod
    def for_session(cls, minutes: float) -> Limits:
        """The limits of a session that may last `minutes`."""
        return cls(MEMORY_BYTES, max(MIN_CPU_SECONDS, int(minutes * 60 * CPU_SHARE)))


def new_folder() -> Path:
    """The host's folder for one session: the session's own folder and its error log inside."""
    return Path(tempfile.mkdtemp(prefix=PREFIX))


def home(folder: Path) -> Path:
    """The session's own folder, inside the host's: all the app may write to."""
    return folder / "session"


def error_log(folder: Path) -> Path:
    return folder / "errors.log"


def command(folder: Path, theme: str | None) -> list[str]:
    args = [sys.executable, "-m", "tui", "demo-session", "--dir", str(home(folder))]
    args += ["--error-log", str(error_log(folder))]
    return [*args, "--theme", theme] if theme else args


def last_error(folder: Path) -> str:
    """The last line the app wrote to its error log (its exception, after a crash)."""
    try:
        text = error_log(folder).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def environment(folder: Path, extra: dict[str, str]) -> dict[str, str]:
    """Only what the app needs from the host; every place it could write is its folder."""
    env = {name: os.environ[name] for name in PASSED_ON if name in os.environ}
    env.setdefault("PATH", os.defpath)
    env.setdefault("LANG", "C.UTF-8")
    place = str(home(folder))
    env.update(HOME=place, TMPDIR=place, XDG_CONFIG_HOME=place, XDG_DATA_HOME=place)
    env.update(XDG_CACHE_HOME=place, XDG_STATE_HOME=place)
    env.update(extra)
    return env


async def start(
    folder: Path, theme: str | None, env: dict[str, str], limits: Limits, **streams: Any
) -> asyncio.subprocess.Process:
    """The session's app, started in a session of its own and held to `limits`.

    `streams` are create_subprocess_exec's stdin, stdout and stderr. The limits
    are set from here once the process exists (a preexec function would run
    Python between fork and exec in a host that has threads); the process has
    been sent nothing of the visitor's yet, so nothing it does before then is
    theirs to choose.
    """
    process = await asyncio.create_subprocess_exec(
        *command(folder, theme), env=env, start_new_session=True, **streams
    )
    confine(process.pid, limits)
    return process


def confine(pid: int, limits: Limits) -> None:
    """Hold a process to `limits`: past its address space an allocation fails (the app
    ends with its error), past its CPU time the kernel kills it; and it dumps no core."""
    held = (
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_CORE, 0),
    )
    try:
        for which, value in held:
            resource.prlimit(pid, which, (value, value))
    except ProcessLookupError:
        pass  # it has ended already: there is nothing left to hold


async def stop(process: asyncio.subprocess.Process, first: int = signal.SIGHUP) -> None:
    """Ask the process to end, then end it: it is gone when this returns, and so are the
    pipes to it (a pipe left open makes asyncio complain when it is collected, in the log)."""
    if process.stdin is not None:
        process.stdin.close()
    for signum in (first, signal.SIGKILL):
        if process.returncode is not None:
            return
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            async with asyncio.timeout(GRACE_SECONDS):
                await process.wait()
        except TimeoutError:
            continue
    await process.wait()


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
