"""The demo sessions' processes: how each starts, what it may see, and how it surely ends.

Every session is `hushdesk demo-session` in a process of its own, in a new
session (so a signal for it reaches nothing else), with a throwaway folder as
its home and temporary folder: nothing it does can land elsewhere on the host.
It ends politely (SIGHUP or SIGTERM, which demo-session answers by leaving at
once) and, after a grace period, surely (SIGKILL); its folder goes after it.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from .demo_session import PREFIX

GRACE_SECONDS = 2.0
PASSED_ON = ("PATH", "LANG", "LC_ALL", "PYTHONPATH")


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


async def stop(process: asyncio.subprocess.Process, first: int = signal.SIGHUP) -> None:
    """Ask the process to end, then end it: it is gone when this returns."""
    for signum in (first, signal.SIGKILL):
        if process.returncode is not None:
            return
        try:
            os.killpg(process.pid, signum)
        except ProcessLookupError:
            return
        try:
            await asyncio.wait_for(process.wait(), GRACE_SECONDS)
        except TimeoutError:
            continue
    await process.wait()


def remove(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
