"""A throwaway demo inbox: a fresh demo database in a temporary folder, removed at the end.

Used on its own (OpenSSH's ForceCommand), by `hushdesk ssh-demo` for each
connection and by `hushdesk serve` for each browser session. The folder goes
however the session ends: quit, SIGHUP (the client went away), SIGTERM.

A visitor is a stranger: the app runs in demo mode (nothing it offers writes
outside the folder), and an unexpected error shows them one line, never a
traceback with the server's paths and variables. Textual draws on stderr's
file descriptor, so what Python writes to `sys.stderr` (tracebacks, warnings)
goes to a file instead: `--error-log`, which the hosts read and log, else one
in the folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import models

DEMO_CONVERSATIONS = 1000
PREFIX = "hushdesk-demo-"
SORRY = "\r\nhushdesk's demo stopped after an unexpected error. Sorry! Please connect again.\r\n"


def _ending(folder: Path) -> Callable[[int, FrameType | None], None]:
    """On hang-up or termination: remove the folder and leave at once.

    The terminal is gone, so there is nothing to restore; exiting immediately
    also leaves no input or output thread of the app waiting on it.
    """

    def end(signum: int, frame: FrameType | None) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(128 + signum)

    return end


def _confine(folder: Path, error_log: Path | None) -> None:
    """Every place the process could write by default is the folder; errors stay off-screen."""
    for name in ("HOME", "TMPDIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        os.environ[name] = str(folder)
    tempfile.tempdir = str(folder)
    sys.stderr = open(error_log or folder / "errors.log", "a", encoding="utf-8", buffering=1)


def _run(folder: Path, theme: str | None, seed: int) -> int:
    models.open_database(folder / "demo.db", create=True)
    models.generate_demo(DEMO_CONVERSATIONS, seed=seed)
    from ..app import make_app

    app = make_app(agent="visitor", theme=theme, demo_folder=folder, own_process=True)
    app.run()
    if app.return_code:
        _sorry()
    return app.return_code or 0


def _sorry() -> None:
    sys.stdout.write(SORRY)
    sys.stdout.flush()


def run_demo_session(
    folder: Path | None, theme: str | None, seed: int = 7, error_log: Path | None = None
) -> int:
    """Run the app on a new demo database; the folder is removed when it returns."""
    folder = folder or Path(tempfile.mkdtemp(prefix=PREFIX))
    folder.mkdir(parents=True, exist_ok=True)
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, _ending(folder))
    try:
        _confine(folder, error_log)
        return _run(folder, theme, seed)
    except Exception as error:  # a stranger sees one line; the host's log gets the rest
        print(f"hushdesk demo-session: {type(error).__name__}: {error}", file=sys.stderr)
        _sorry()
        return 1
    finally:
        models.close_database()
        shutil.rmtree(folder, ignore_errors=True)
