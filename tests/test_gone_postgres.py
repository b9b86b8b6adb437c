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
    reader = psycopg.connect(pg, autocommit=False)
    reader.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
    reader.execute("SELECT count(*) FROM message").fetchone()  # a backup's snapshot
    try:
        code, out, _ = cli(pg, "delete", str(cid))
        assert code == 3 and "Not yet gone" in out and "still sees the deleted rows" in out
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
