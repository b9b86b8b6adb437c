"""A deletion says "gone" only when no byte remains; otherwise it says what is pending.

Another process really holds a read snapshot (a backup, a report) or the write
lock (another agent) while hushdesk deletes; the report, the exit code and
`verify-gone` must agree with the bytes on disk, and the next hushdesk (or the
running app) finishes what was left.
"""

import sqlite3
from contextlib import contextmanager

import models
from models.store import engine
from models.store.forensics import scan
from tui.app import make_app

from .test_cli import cli
from .test_gone import secret_conversation


@contextmanager
def reader(path):
    """Another program reading the database: its snapshot keeps the WAL from being truncated."""
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("BEGIN")
    con.execute("SELECT count(*) FROM message").fetchone()
    try:
        yield con
    finally:
        con.execute("COMMIT")
        con.close()


def test_delete_under_a_reader_says_pending_and_the_next_start_finishes_it(db, bystanders):
    cid, _, texts, _ = secret_conversation()
    models.close_database()
    with reader(db):
        code, out, err = cli(db, "delete", str(cid))
        assert code == 3, err
        assert "Deleted 1 conversation" in out and "Not yet gone from every byte" in out
        assert "write-ahead log" in out and "gone:" not in out
        assert scan(db, texts[2:4]), "the text really is still in the files"
        code, out, _ = cli(db, "verify-gone", *texts[2:4])
        assert code == 1 and "FOUND" in out and "PENDING" in out
    code, _, _ = cli(db, "log")  # any hushdesk that opens the database finishes the clean-up
    assert code == 0
    code, out, _ = cli(db, "verify-gone", *texts[2:4], *[t[-10:] for t in texts[2:4]])
    assert code == 0 and out.count("gone:") == 4 and "PENDING" not in out
    models.open_database(db)


def test_forget_and_attribute_under_a_reader_are_pending_too(db, bystanders):
    _, contact, texts, _ = secret_conversation()
    models.close_database()
    with reader(db):
        assert cli(db, "attr", "rm", str(contact), "note")[0] == 3
        assert cli(db, "forget", str(contact))[0] == 3
        assert scan(db, [texts[0]])
    assert cli(db, "log")[0] == 0
    assert scan(db, [texts[0], texts[4]]) == []
    models.open_database(db)


def test_a_writer_taking_the_lock_after_the_commit_leaves_the_purge_pending(db, bystanders):
    """The deletion committed; a second writer then holds the lock: say so, never "failed"."""
    cid, _, texts, _ = secret_conversation()
    blocker = sqlite3.connect(db, isolation_level=None)
    seen = {"commit": False, "blocked": False}

    def trace(statement: str) -> None:
        if statement == "COMMIT":
            seen["commit"] = True
        elif statement.startswith("BEGIN") and seen["commit"] and not seen["blocked"]:
            seen["blocked"] = True
            blocker.execute("BEGIN IMMEDIATE")  # another agent's write, right after our commit

    engine.db.connection().set_trace_callback(trace)
    try:
        result = models.delete_conversations([cid], "sam")
    finally:
        engine.db.connection().set_trace_callback(None)
    assert seen["blocked"]
    assert result.count == 1 and not result.cleanup.done
    assert result.cleanup.shards == 1 and "held" in result.cleanup.reason
    assert not models.ConversationSearch(f"{texts[3]}").ids()
    assert models.list_log()[0].count == 1, "the deletion is committed and logged"
    assert scan(db, [texts[3][-10:]]), "its words wait in the index"
    blocker.execute("COMMIT")
    blocker.close()
    finished = models.finish_cleanup()
    assert finished is not None and finished.done
    assert scan(db, texts[2:4] + [t[-10:] for t in texts[2:4]]) == []


async def test_the_app_says_pending_then_finishes_when_the_reader_leaves(db, bystanders):
    cid, _, texts, _ = secret_conversation()
    app = make_app("sam")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        with reader(db):
            await pilot.press("2", "d")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.press("y")
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            said = [n.message for n in app._notifications]
            assert any("Deleted 1 conversation" in m for m in said)
            assert any("Not yet gone from every byte" in m for m in said)
            assert scan(db, texts[2:4])
        app.sweep_tick()  # the app's own timer: the reader has gone
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert any("now gone from every byte" in n.message for n in app._notifications)
    assert scan(db, texts[2:4]) == []
    assert models.owed(db) == models.Owed(0, False)
