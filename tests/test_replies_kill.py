"""kill -9 at any moment of sending: the reply is sent once or not at all, never twice.

A real child process sends through a real SMTP server, which the test holds at
one moment of the session; the child is killed there with SIGKILL (no handler,
no clean-up), and a new sender runs later (its clock past every lease and
backoff). The server must then have ended the DATA of the reply at most once,
and exactly once when the kill came before the commit point.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

import models
from models.outbound import outbox
from models.store.schema import Outbox

from .smtp_server import WAIT_S, Behaviour, smtp_server
from .test_replies import CUSTOMER_MAIL, imported

CHILD = Path(__file__).with_name("reply_child.py")


def sender(db: Path, at: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(db), at],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def killed(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    assert child.wait(WAIT_S) == -signal.SIGKILL


def killed_then_sent_again(
    child: subprocess.Popen[str], lock: sqlite3.Connection, gate: threading.Event, db: Path
) -> str:
    """The child killed, the test's lock and the server let go, and a sender run after every
    lease; what it printed."""
    killed(child)
    if lock.in_transaction:
        lock.rollback()
    gate.set()
    later = models.now() + outbox.LEASE + timedelta(minutes=1)
    again = sender(db, later.isoformat())
    out, err = again.communicate(timeout=WAIT_S)
    assert again.returncode == 0, err
    return out


# moment: where the server holds the child when it is killed, and whether that is
# before the commit point (the reply is then sent by the next sender, once)
MOMENTS = {
    "at RCPT": ("rcpt", True),
    "in DATA, before its end": ("data", True),
    "after the end of DATA, before the server's answer": ("end", False),
    "after the server's answer, before hushdesk records it": ("answered", False),
}


@pytest.mark.parametrize("moment", list(MOMENTS))
def test_a_sender_killed_at_any_moment_sends_once_or_not_at_all(db, tmp_path, clock, moment):
    step, before_the_point = MOMENTS[moment]
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Your order ships today.")
    gate = threading.Event()
    behaviour = Behaviour(hold=gate, hold_at="rcpt" if step in ("rcpt", "data") else "end")
    lock = sqlite3.connect(db, timeout=WAIT_S, isolation_level=None)
    with smtp_server(behaviour=behaviour) as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        child = sender(db, models.now().isoformat())
        assert behaviour.holding.wait(WAIT_S)
        if step == "data":
            lock.execute("BEGIN IMMEDIATE")  # the child will wait at its commit point
            gate.set()
            assert behaviour.data_started.wait(WAIT_S)
        if step == "answered":
            lock.execute("BEGIN IMMEDIATE")  # the child cannot record what was taken
            gate.set()
        out = killed_then_sent_again(child, lock, gate, db)
    lock.close()
    report = json.loads(out.splitlines()[-1])
    delivered = [m for m in server.messages if b"ships today" in m]
    if before_the_point:
        assert len(delivered) == 1, "sent by the next sender, once"
        assert report["sent"] == [cid]
        assert Outbox.select().count() == 0
    else:
        assert len(delivered) == 1, "the server took it before the kill: not sent again"
        (row,) = models.pending_replies(cid)
        assert row.shown == "failed" and "may have been sent" in row.reason


def wait_until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"not within {WAIT_S} s: {what}")
        time.sleep(0.01)  # polling a condition, not waiting for time to pass


def test_two_senders_never_both_end_the_data_of_one_reply(db, tmp_path, clock):
    """A sender slower than its lease is taken over; only one of the two ends the DATA."""
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Only once, please.")
    gate = threading.Event()
    behaviour = Behaviour(hold=gate, hold_at="rcpt")
    with smtp_server(behaviour=behaviour) as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        slow = sender(db, models.now().isoformat())
        wait_until(lambda: len(behaviour.arrived) == 1, "the first sender at RCPT")
        later = models.now() + outbox.LEASE + timedelta(seconds=1)
        second = sender(db, later.isoformat())  # its clock says the first one died
        wait_until(lambda: len(behaviour.arrived) == 2, "the second sender at RCPT")
        gate.set()
        outs = [child.communicate(timeout=WAIT_S) for child in (slow, second)]
    assert [child.returncode for child in (slow, second)] == [0, 0], outs
    delivered = [m for m in server.messages if b"Only once" in m]
    assert len(delivered) == 1
    sent = [json.loads(out.splitlines()[-1])["sent"] for out, _ in outs]
    assert sorted(sent) == [[], [cid]]
    assert Outbox.select().count() == 0
    assert [m.author for m in models.get_conversation(cid).messages].count("Sam") == 1
