"""A killed import leaves nothing running: its worker processes end with it, whatever kills it.

A real `hushdesk import` of a Maildir large enough to be read by worker
processes runs in a session of its own. Once its workers are reading, they
are stopped (SIGSTOP: frozen mid-batch, as if a batch took forever) and the
import is killed with SIGKILL (no handler, no clean-up). Every process of that
session must then be gone without being woken: only the kernel can end them
(PR_SET_PDEATHSIG), so a worker that merely notices its parent is gone, or
finishes its batch first, fails the test.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from models.mail import reader as mail_reader

from .test_cli import HUSHDESK
from .test_mail_threads import Mailbox

WAIT_S = 60  # the longest a condition is waited for; each wait ends as soon as it holds


def session_members(session: int) -> set[int]:
    """The live processes (not zombies) of a session, from /proc."""
    found: set[int] = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, member_of = fields[0], int(fields[3])
        if member_of == session and state not in ("Z", "X"):
            found.add(int(entry))
    return found


def set_up(workers: set[int]) -> set[int]:
    """The workers, once every one is set up and reading (its lifeline thread runs)."""
    try:
        ready = workers and all(len(os.listdir(f"/proc/{pid}/task")) >= 2 for pid in workers)
    except OSError:
        return set()
    return workers if ready else set()


def wait_for(condition, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)  # polling a condition, not waiting for time to pass
    pytest.fail(f"not within {WAIT_S} s: {what}")


def large_maildir(folder: Path, count: int) -> Path:
    box = Mailbox(folder)
    for n in range(count):
        box.add(
            f"Customer {n} <c{n}@example.com>",
            "support@desk.example",
            f"Question {n}",
            f"<p>Where is order {n}?</p>" * 200,
            n % 300 + 1,
            html=True,
            attachment=(f"order-{n}.pdf", b"%PDF" * 200),
        )
    return box.folder


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc (Linux)")
def test_killing_an_import_mid_read_ends_its_workers(tmp_path):
    folder = large_maildir(tmp_path / "box", mail_reader.PARALLEL_FROM + 500)
    importing = subprocess.Popen(
        [HUSHDESK, "--db", str(tmp_path / "h.db"), "import", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    session = importing.pid
    try:
        workers = wait_for(lambda: set_up(session_members(session) - {session}), "workers")
        for pid in workers:
            os.kill(pid, signal.SIGSTOP)
        os.kill(importing.pid, signal.SIGKILL)
        assert importing.wait(WAIT_S) == -signal.SIGKILL, "killed while still reading"
        wait_for(lambda: not session_members(session), "every worker gone, none woken")
    finally:
        for pid in session_members(session):  # only what this test started: its session
            os.kill(pid, signal.SIGKILL)
    assert workers, "there were workers to end"
