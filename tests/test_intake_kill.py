"""kill -9 in the middle of a fetch loses nothing and doubles nothing.

A real child process fetches from a real Dovecot in batches of four; inside
its second batch's transaction (the messages written, not committed) it is
killed with SIGKILL. The first batch stays taken, the second is rolled back
whole, and the next fetch takes exactly the rest.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import models
from models.inflow.tables import IntakeTaken
from models.store.schema import Message

from . import dovecot
from .test_intake_imap import letter

dovecot_server, account = dovecot.dovecot_server, dovecot.account  # the fixtures
CHILD = Path(__file__).parent / "intake_child.py"


@pytest.mark.both_engines
def test_kill_9_during_a_fetch_loses_nothing_and_doubles_nothing(db, account):
    models.add_source(
        "support",
        account.url(),
        password_file=str(account.password_file),
        ca_file=str(account.server.ca),
        after="move",
    )
    for n in range(1, 13):
        account.deliver(letter(n))
    child = subprocess.Popen(
        [sys.executable, str(CHILD), str(db)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "batch 1 written"
        assert child.stdout.readline().strip() == "batch 2 written"
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(30) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert Message.select().count() == 4  # the first batch, whole; nothing of the second
    assert IntakeTaken.select().count() == 4
    (result,) = models.fetch()
    assert (result.error, result.messages, result.duplicates) == ("", 8, 0)
    bodies = [m.body for m in Message.select()]
    assert len(bodies) == len(set(bodies)) == 12
    assert account.files() == [] and len(account.files("hushdesk/done")) == 12
