"""A throwaway demo inbox: a fresh demo database in a temporary folder, removed at the end.

Used on its own (OpenSSH's ForceCommand), by `hushdesk ssh-demo` for each
connection and by `hushdesk serve` for each browser session. The folder goes
however the session ends: quit, SIGHUP (the client went away), SIGTERM.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import models

DEMO_CONVERSATIONS = 1000
PREFIX = "hushdesk-demo-"


def _ending(folder: Path) -> Callable[[int, FrameType | None], None]:
    """On hang-up or termination: remove the folder and leave at once.

    The terminal is gone, so there is nothing to restore; exiting immediately
    also leaves no input or output thread of the app waiting on it.
    """

    def end(signum: int, frame: FrameType | None) -> None:
        shutil.rmtree(folder, ignore_errors=True)
        os._exit(128 + signum)

    return end


def run_demo_session(folder: Path | None, theme: str | None, seed: int = 7) -> int:
    """Run the app on a new demo database; the folder is removed when it returns."""
    folder = folder or Path(tempfile.mkdtemp(prefix=PREFIX))
    folder.mkdir(parents=True, exist_ok=True)
    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, _ending(folder))
    try:
        models.open_database(folder / "demo.db", create=True)
        models.generate_demo(DEMO_CONVERSATIONS, seed=seed)
        from ..app import make_app

        make_app(agent="visitor", theme=theme).run()
        return 0
    finally:
        models.close_database()
        shutil.rmtree(folder, ignore_errors=True)
