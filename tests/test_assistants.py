from datetime import timedelta

import pytest

import models
from models.store.engines import sqlite as lite

from .conftest import NOW
from .helpers import conversation

pytestmark = pytest.mark.both_engines


def chat(days_old, held=False, status="open", email=None):
    return conversation(
        channel="Chat",
        kind="chat",
        at=NOW - timedelta(days=days_old),
        held=held,
        status=status,
        email=email or f"{days_old}@example.com",
    )


def test_sweep_deletes_exactly_older_than_days(db, clock):
    older = chat(31)
    at_cutoff = chat(30)
    newer = chat(29)
    archived_old = chat(90, status="archived")
    models.set_assistant("Chat", 30)
    [result] = models.sweep()
    assert (result.channel, result.deleted) == ("Chat", 2)
    left = set(models.ConversationSearch("").ids())
    assert left == {at_cutoff, newer}
    assert older not in left and archived_old not in left
    entry = models.list_log()[0]
    assert (entry.actor, entry.count, entry.reason) == ("assistant:Chat", 2, "older than 30 days")


def test_sweep_skips_held_and_other_channels(db):
    held = chat(100, held=True)
    other = conversation(channel="Email", kind="email", at=NOW - timedelta(days=100))
    models.set_assistant("Chat", 30)
    models.set_assistant("Email", 365)
    assert {r.channel: r.deleted for r in models.sweep()} == {"Chat": 0, "Email": 0}
    assert set(models.ConversationSearch("").ids()) == {held, other}
    assert models.list_log() == []


def test_preview_equals_sweep_and_dry_run_deletes_nothing(db):
    for age in (10, 40, 50, 60):
        chat(age)
    models.set_assistant("Chat", 30)
    preview = models.due_search("Chat").count()
    assert preview == 3
    [dry] = models.sweep(dry_run=True)
    assert dry.deleted == 3 and models.ConversationSearch("").count() == 4
    [done] = models.sweep()
    assert done.deleted == preview


def test_sweep_in_chunks_logs_one_entry(db):
    for i in range(7):
        chat(40 + i)
    models.set_assistant("Chat", 30)
    result = models.sweep_channel("Chat", chunk=3)
    assert result.deleted == 7
    assert [(e.actor, e.count) for e in models.list_log()] == [("assistant:Chat", 7)]
    row = models.list_assistants()[0]
    assert (row.last_run_count, row.due) == (7, 0)


@pytest.mark.sqlite_only  # the shards are SQLite's
def test_each_sweep_transaction_deletes_within_one_index_shard(db, monkeypatch):
    ids = [chat(40 + i % 5) for i in range(140)]  # more than two rounds of the shards
    batches: list[list[int]] = []
    remove = models.assistants.remove
    monkeypatch.setattr(models.assistants, "remove", lambda b: (batches.append(b), remove(b)))
    models.set_assistant("Chat", 30)
    assert models.sweep_channel("Chat", chunk=2).deleted == len(ids)
    assert sorted(i for batch in batches for i in batch) == sorted(ids)
    assert all(len({i % lite.SHARDS for i in batch}) == 1 for batch in batches)


def test_only_enabled_assistants_sweep(db):
    chat(400)
    assert models.sweep() == []
    with pytest.raises(models.Refused, match="off"):
        models.sweep("Chat")
    models.set_assistant("Chat", 30)
    models.set_assistant("Chat", None)
    row = models.list_assistants()[0]
    assert (row.enabled, row.days) == (False, 30)


@pytest.mark.parametrize("days", [0, -1, 36501, "1.5", "ten", "", "1e3"])
def test_invalid_days_refused(db, days):
    chat(1)
    with pytest.raises(models.InvalidInput, match="whole number"):
        models.set_assistant("Chat", days)
    assert not models.list_assistants()[0].enabled


def test_unknown_channel(db):
    with pytest.raises(models.NotFound, match="no channel"):
        models.set_assistant("Pigeon", 3)


def test_ages_histogram(db):
    for age in (1, 2, 50, 200):
        chat(age)
    assert models.ages("Chat", 4, 100) == [2, 0, 1, 1]


@pytest.mark.postgres_only
def test_a_channel_another_hushdesk_is_sweeping_is_left_alone(db, capsys):
    """PostgreSQL: an advisory lock per channel; a second sweep says so and deletes nothing."""
    import psycopg

    from tui.cli import main

    old = [chat(100 + i) for i in range(5)]
    models.set_assistant("Chat", 30)
    channel = models.get_channel("Chat").id
    with psycopg.connect(str(db), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(hashtext(%s))", (f"hushdesk sweep {channel}",))
        with pytest.raises(SystemExit) as done:
            main(["--db", str(db), "sweep", "--channel", "Chat"])
        assert done.value.code == 0
        assert (
            "Chat: skipped, another hushdesk is sweeping it right now." in capsys.readouterr().out
        )
        assert set(old) <= set(models.ConversationSearch("").ids())
    [result] = models.sweep()
    assert (result.deleted, result.busy) == (5, False)
    assert [e.count for e in models.list_log()] == [5]
