"""Odd files and no terminal: refused in one line, never a hang."""

from __future__ import annotations

import os
import subprocess

import pytest

from .helpers import terminal_output
from .test_cli import HUSHDESK

LIMIT = 30  # seconds: a bound on a failure (a hang), not a timing


@pytest.mark.parametrize("command", [["search", "x"], ["log"], ["archive", "1"], []])
def test_a_fifo_as_the_database_is_refused_at_once(tmp_path, command):
    fifo = tmp_path / "hushdesk.db"
    os.mkfifo(fifo)
    args = [HUSHDESK, "--db", str(fifo), *command]
    if command:
        done = subprocess.run(args, capture_output=True, text=True, timeout=LIMIT)
        out = done.stderr
        assert done.returncode == 1 and out.count("\n") == 1, out
    else:  # the app, on a terminal
        out = terminal_output(args, "not a regular file", limit=LIMIT)
    assert "is not a regular file" in out and "Traceback" not in out


def test_the_app_without_a_terminal_is_refused(tmp_path):
    db = tmp_path / "hushdesk.db"
    subprocess.run([HUSHDESK, "--db", str(db), "demo", "--conversations", "10"], check=True)
    done = subprocess.run(
        [HUSHDESK, "--db", str(db)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=LIMIT,
    )
    assert done.returncode == 1 and "needs a terminal" in done.stderr, done.stderr
    assert done.stdout == ""
