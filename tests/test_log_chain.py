import pytest

import models
from models.store import engine

from .helpers import conversation

pytestmark = pytest.mark.both_engines


def three_deletions():
    for i in range(3):
        cid = conversation(email=f"{i}@example.com", status="archived")
        models.delete_conversations([cid], "sam")


def test_chain_verifies_and_links(db):
    three_deletions()
    check = models.verify_log()
    assert check.ok and check.entries == 3
    entries = models.list_log()
    assert check.head == entries[0].hash


def tamper(db_path, sql):
    """Someone with the database's password edits the log behind hushdesk's back."""
    engine.db.execute_sql(sql)


def test_changed_count_is_named(db):
    three_deletions()
    tamper(db, "UPDATE deletion_log SET count = 99 WHERE id = 2")
    check = models.verify_log()
    assert not check.ok and check.first_broken == 2


def test_removed_entry_is_named(db):
    three_deletions()
    tamper(db, "DELETE FROM deletion_log WHERE id = 2")
    assert models.verify_log().first_broken == 3


def test_sweep_keeps_one_entry_unless_interleaved(db, clock):
    from datetime import timedelta

    from .conftest import NOW

    for i in range(7):
        conversation(
            channel="Chat", kind="chat", email=f"c{i}@example.com", at=NOW - timedelta(days=60)
        )
    models.set_assistant("Chat", 30)
    models.sweep_channel("Chat", chunk=3)
    assert [e.count for e in models.list_log()] == [7]
    assert models.verify_log().ok
    entry = engine.db.execute_sql("SELECT id FROM deletion_log").fetchone()
    assert entry == (1,)


def test_cli_log_verify(db_path, clock):
    from .test_cli import cli

    models.open_database(db_path, create=True)
    three_deletions()
    models.close_database()
    code, out, _ = cli(db_path, "log", "--verify")
    assert code == 0 and "intact" in out and "3 entries" in out
    models.open_database(db_path)
    tamper(db_path, "UPDATE deletion_log SET actor = 'mallory' WHERE id = 1")
    models.close_database()
    code, out, err = cli(db_path, "log", "--verify")
    assert code == 1 and "#1" in err
