"""Several agents at once: processes archive, unarchive, delete and sweep the same database."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import models

from .conftest import NOW
from .helpers import conversation

pytestmark = pytest.mark.both_engines

CHILD = str(Path(__file__).parent / "agent_child.py")


def test_concurrent_agents_lose_nothing_and_do_nothing_twice(db):
    for i in range(40):
        conversation(
            email=f"c{i}@example.com",
            status="archived" if i % 2 else "open",
            held=i % 10 == 0,
            at=NOW - timedelta(days=i),
        )
    for i in range(30):
        conversation(
            channel="Chat", kind="chat", email=f"old{i}@example.com", at=NOW - timedelta(days=400)
        )
    models.set_assistant("Chat", 30)
    models.close_database()
    children = [
        subprocess.Popen(
            [sys.executable, CHILD, str(db), f"agent{n}", str(n)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    outputs = [child.communicate(timeout=300) for child in children]
    models.open_database(db)
    deleted_ok = []
    for child, (out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err
        assert "Traceback" not in err and "locked" not in err
        lines = out.splitlines()
        assert lines[-1] == "finished" and len(lines) == 61
        deleted_ok += [int(line.split()[2]) for line in lines if line.startswith("ok delete")]
    assert len(deleted_ok) == len(set(deleted_ok)), "a conversation deleted twice"
    present = set(models.ConversationSearch("").ids())
    assert not present & set(deleted_ok)
    gone_agents = set(range(1, 41)) - present
    assert gone_agents == set(deleted_ok)
    assert {1, 11, 21, 31} <= present, "held conversations are never deleted"
    log = models.list_log(0)
    assert sum(e.count for e in log if e.actor.startswith("agent")) == len(deleted_ok)
    assert sum(e.count for e in log if e.actor == "assistant:Chat") == 30
    assert models.verify_log().ok
