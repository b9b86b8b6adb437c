"""A throwaway demo inbox: a fresh demo database in a temporary folder, removed at the end.

Used on its own (OpenSSH's ForceCommand), by `hushdesk ssh-demo` for each
connection and by `hushdesk serve` for each browser session. The folder goes
however the session ends: quit, SIGHUP (the client went away), SIGTERM.
"""

from __future__ import annotations

import shutil
import signal
import tempfile
from pathlib import Path
from types import FrameType

import models
from models import demo

DEMO_CONVERSATIONS = 1000
PREFIX = "hushdesk-demo-"


class SessionEnded(SystemExit):
    """Raised from a signal handler to leave the app and clean up."""


def _hang_up(signum: int, frame: FrameType | None) -> None:
    raise SessionEnded(128 + signum)


def run_demo_session(folder: Path | None, theme: str | None, seed: int = 7) -> int:
    """Run the app on a new demo database; the folder is removed when it returns."""
    folder = folder or Path(tempfile.mkdtemp(prefix=PREFIX))
    folder.mkdir(parents=True, exist_ok=True)
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, _hang_up)
    try:
        models.open_database(folder / "demo.db")
        demo.generate(DEMO_CONVERSATIONS, seed=seed)
        from .app import make_app

        make_app(agent="visitor", theme=theme).run()
        return 0
    except SessionEnded as ended:
        return int(ended.code or 0)
    finally:
        models.close_database()
        shutil.rmtree(folder, ignore_errors=True)
