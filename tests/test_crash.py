"""All or nothing: SIGKILL a process in the middle of bulk deletes and sweeps, many times."""

import random
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import models
from models.store import engine
from models.store.engines import sqlite as lite

from .conftest import NOW

CHILD = str(Path(__file__).parent / "crash_child.py")


def build(db_path, count=3000):
    """Archived Email conversations and old Chat ones, each with two messages."""
    contact = models.create_contact("Ada", "ada@example.com")
    engine_rows = []
    with engine.db.atomic():
        for i in range(count):
            channel, kind = ("Chat", "chat") if i % 2 else ("Email", "email")
            engine_rows.append(
                models.create_conversation(
                    channel,
                    contact,
                    f"subject {i}",
                    [
                        models.NewMessage("customer", f"one {i}"),
                        models.NewMessage("Sam", f"two {i}"),
                    ],
                    status="archived" if kind == "email" else "open",
                    kind=kind,
                    created_at=NOW - timedelta(days=100),
                )
            )
    models.set_assistant("Chat", 30)
    return engine_rows


def state(db_path, ids):
    """(present ids, gone ids) after checking each conversation is whole or wholly gone."""
    raw = sqlite3.connect(db_path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        for shard in range(lite.SHARDS):
            table = lite.shard_table(shard)
            raw.execute(f"INSERT INTO {table}({table}) VALUES('integrity-check')")
        present = {i for (i,) in raw.execute("SELECT id FROM conversation")}
        messages = dict(
            raw.execute("SELECT conversation_id, count(*) FROM message GROUP BY conversation_id")
        )
        indexed = set()
        for shard in range(lite.SHARDS):
            indexed |= {i for (i,) in raw.execute(f"SELECT rowid FROM {lite.shard_table(shard)}")}
        logged = raw.execute("SELECT coalesce(sum(count), 0) FROM deletion_log").fetchone()[0]
    finally:
        raw.close()
    for cid in ids:
        if cid in present:
            assert messages.get(cid) == 2 and cid in indexed, cid
        else:
            assert cid not in messages and cid not in indexed, cid
    gone = set(ids) - present
    assert logged == len(gone)
    return present, gone


@pytest.mark.parametrize("mode", ["delete", "sweep"])
def test_kill_at_random_moments(db, mode):
    ids = build(db)
    models.close_database()
    rng = random.Random(5)
    kills = 0
    for _ in range(16):
        child = subprocess.Popen(
            [sys.executable, CHILD, str(db), mode], stdout=subprocess.PIPE, text=True
        )
        lines = rng.randint(1, 5)
        seen = [child.stdout.readline() for _ in range(lines)]
        child.kill()
        child.wait()
        kills += "done\n" not in seen
        state(db, ids)
        models.open_database(db)
        assert models.verify_log().ok
        assert engine.pending_purge() == []
        models.close_database()
    assert kills >= 4, "runs must have been killed mid-way"
    models.open_database(db)
