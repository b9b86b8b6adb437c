"""Deleted means gone on PostgreSQL, as far as PostgreSQL allows, and said honestly.

After a deletion reports done, no live row and no search-index entry holds the
text (pg_dump --data-only of the database contains none of it) and the tables
it touched were VACUUMed. While an older transaction still sees the rows, the
deletion says what is pending, and the next hushdesk finishes it.
"""

import subprocess

import psycopg
import pytest

import models
from models.store import engine

from .test_cli import cli
from .test_gone import secret_conversation

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def pg(db):
    return db


def dump(request, url: str) -> str:
    cluster = request.getfixturevalue("pg_cluster")
    done = subprocess.run(
        [str(cluster.bin / "pg_dump"), "--data-only", url], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.lower()


@pytest.mark.parametrize("how", ["delete", "forget", "attribute", "sweep", "erase"])
def test_no_live_row_or_index_entry_holds_deleted_text(pg, bystanders, request, how):
    status = "open" if how == "sweep" else "archived"
    cid, contact, texts, phone = secret_conversation(status=status, days_old=100)
    assert all(t.lower() in dump(request, pg) for t in texts)
    if how == "delete":
        models.delete_conversations([cid], "sam")
        gone = texts[2:4]
    elif how == "forget":
        models.forget_contact(contact, "sam")
        gone = [texts[0], texts[1], texts[4]]
    elif how == "attribute":
        models.delete_attribute(contact, "note", "sam")
        gone = [texts[4]]
    elif how == "sweep":
        models.set_assistant("Email", 30)
        models.sweep()
        gone = texts[2:4]
    else:
        models.erase([str(contact)], "R-9", "sam")
        gone = texts
    left = dump(request, pg)
    assert not [t for t in gone if t.lower() in left]
    assert not engine.backend().traces(gone)
    assert models.finish_cleanup() is None, "nothing is left owed"


def test_an_older_snapshot_keeps_the_rows_and_the_deletion_says_so(pg, bystanders, request):
    cid, _, texts, _ = secret_conversation()
    models.close_database()
    reader = psycopg.connect(pg, autocommit=False, application_name="nightly-report")
    reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    reader.execute("SELECT count(*) FROM message").fetchone()  # a backup's snapshot
    try:
        code, out, _ = cli(pg, "delete", str(cid))
        assert code == 3 and "Not yet gone" in out and "still sees the deleted rows" in out
        holder = f"in nightly-report, pid {reader.info.backend_pid}"
        assert "a transaction open for 00:00:" in out and holder in out, out
        code, out, _ = cli(pg, "verify-gone", texts[3])
        assert code == 1 and "PENDING" in out and "not yet vacuumed" in out
    finally:
        reader.rollback()
        reader.close()
    assert cli(pg, "log")[0] == 0  # the next hushdesk finishes the clean-up
    code, out, _ = cli(pg, "verify-gone", texts[3])
    assert code == 0 and "gone:" in out and "Not checked" in out
    assert texts[3].lower() not in dump(request, pg)
    models.open_database(pg)


def test_a_busy_team_gets_no_false_alarm(pg):
    """Four agents archive and delete while a sweep runs; each command's own snapshot lasts
    milliseconds: no deletion may say "not yet gone"."""
    import sys
    from pathlib import Path

    from .helpers import conversation

    for i in range(400):
        conversation(email=f"t{i}@example.com", subject=f"team {i}", status="archived")
    for i in range(300):  # the sweep's: another channel's, all due
        conversation(channel="Chat", kind="chat", email=f"w{i}@example.com", subject="swept")
    models.set_assistant("Chat", 1)
    models.close_database()
    child = Path(__file__).parent / "team_child.py"
    agents = [
        subprocess.Popen(
            [sys.executable, str(child), pg, f"agent{n}", str(n)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(4)
    ]
    sweeper = subprocess.Popen(
        [sys.executable, str(child), pg, "sweeper", "sweep"], stdout=subprocess.PIPE, text=True
    )
    said = [
        line
        for process in [*agents, sweeper]
        for line in process.communicate(timeout=300)[0].splitlines()
    ]
    deleted = [line for line in said if line.startswith("deleted")]
    pending = [line for line in said if line.startswith("pending")]
    assert len(deleted) + len(pending) >= 200, said[-5:]
    assert pending == [], pending[:3]
    models.open_database(pg)


def test_an_agents_insert_during_a_bulk_load_never_collides(pg):
    """A bulk load takes a block of ids from the sequence before it writes: another agent
    who inserts meanwhile takes an id past the block, and both stand."""
    from models.store.schema import CONVERSATION_COLUMNS

    from .helpers import conversation

    conversation(subject="before")
    channel = models.get_channel("Email").id
    with engine.db.atomic():  # the import's transaction, as mail_import and the demo run it
        first = engine.reserve_ids("conversation", 50)
        with psycopg.connect(pg, autocommit=True) as agent:  # another agent, meanwhile
            (theirs,) = agent.execute(
                "INSERT INTO conversation (channel_id, subject, status, created_at, "
                "last_activity, held) VALUES (%s, 'theirs', 'open', now(), now(), false) "
                "RETURNING id",
                (channel,),
            ).fetchone()
        stamp = "2026-06-01 12:00:00"
        rows = [
            (i, channel, None, f"bulk {i}", "open", None, stamp, stamp, False)
            for i in range(first, first + 50)
        ]
        engine.insert_rows("conversation", CONVERSATION_COLUMNS, rows)
        engine.index_from(first, first + 49)
    assert theirs not in range(first, first + 50)
    assert models.ConversationSearch("bulk").count() == 50
    assert models.get_conversation(theirs).subject == "theirs"
