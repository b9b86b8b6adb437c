"""A change that removes personal data destroys the key of the old version, leaving no byte."""

import subprocess

import pytest

import models
from models.backup.keys import CONTACT, CONVERSATION, key_ring
from models.store.forensics import database_files
from models.store.schema import Message

from .helpers import conversation
from .test_gone import secret_conversation

CHANGES = ["delete", "sweep", "forget", "attribute", "redact", "erase"]


def change(how, cid, contact, texts):
    """Make the change; which keys it must destroy: (kind, id, replaced by a new one)."""
    if how == "delete":
        models.delete_conversations([cid], "sam")
        return [(CONVERSATION, cid, False)]
    if how == "sweep":
        models.set_assistant("Chat", 30)
        models.sweep()
        return [(CONVERSATION, cid, False)]
    if how == "forget":
        models.forget_contact(contact, "sam")
        return [(CONTACT, contact, False)]
    if how == "attribute":
        models.delete_attribute(contact, "note", "sam")
        return [(CONTACT, contact, True)]
    if how == "redact":
        models.redact(cid, [texts[3]], "sam")
        return [(CONVERSATION, cid, True)]
    models.erase([str(contact)], "R-1", "sam")
    return [(CONTACT, contact, False), (CONVERSATION, cid, False)]


def prepare(how):
    status = "open" if how == "sweep" else "archived"
    channel, kind = ("Chat", "chat") if how == "sweep" else ("Email", "email")
    cid, contact, texts, _ = secret_conversation(status, channel, kind, days_old=90)
    assert models.backup.keys.fill() >= 2
    return cid, contact, texts, key_ring()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("how", CHANGES)
def test_the_old_key_is_in_no_byte_of_the_database_files(db, bystanders, how):
    cid, contact, texts, before = prepare(how)
    destroyed = change(how, cid, contact, texts)
    data = b"".join(f.read_bytes() for f in database_files(db))
    after = key_ring()
    for kind, rid, replaced in destroyed:
        old = before[kind][rid]
        assert old.key not in data and old.key_id not in data, (kind, rid)
        if replaced:
            assert after[kind][rid].key_id != old.key_id
        else:
            assert rid not in after[kind]
    others = [(k, r) for k in before for r in before[k] if (k, r, False) not in destroyed]
    kept = [(k, r) for k, r in others if r in after[k] and after[k][r] == before[k][r]]
    assert len(kept) >= 80  # the bystanders' keys stand


@pytest.mark.postgres_only
@pytest.mark.parametrize("how", CHANGES)
def test_no_live_row_or_dump_holds_the_old_key(db, bystanders, request, how):
    cid, contact, texts, before = prepare(how)
    destroyed = change(how, cid, contact, texts)
    cluster = request.getfixturevalue("pg_cluster")
    dump = subprocess.run(
        [str(cluster.bin / "pg_dump"), "--data-only", db], capture_output=True, text=True
    ).stdout
    for kind, rid, _ in destroyed:
        assert before[kind][rid].key.hex() not in dump
        assert before[kind][rid].key not in row_versions(db, f"{kind}_key"), "VACUUMed"
    assert "contact_key" in dump
    assert models.finish_cleanup() is None, "nothing is left owed"


def row_versions(url: str, table: str) -> bytes:
    """Every row version still in the table's pages, dead or alive (pageinspect)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as raw:
        raw.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        (pages,) = raw.execute(
            "SELECT pg_relation_size(%s::regclass) / current_setting('block_size')::int",
            (table,),
        ).fetchone()
        found = b""
        for page in range(int(pages)):
            rows = raw.execute(
                "SELECT t_data FROM heap_page_items(get_raw_page(%s, %s)) "
                "WHERE t_data IS NOT NULL",
                (table, page),
            ).fetchall()
            found += b"".join(bytes(data) for (data,) in rows)
        return found


@pytest.mark.both_engines
def test_a_message_written_by_a_forgotten_contact_renews_that_conversation(db):
    writer = models.create_contact("Wren Writer", "wren@example.com")
    other = conversation(name="Olga Owner", email="olga@example.com")
    models.add_message(other, "Wren Writer", "hello from wren")
    Message.update(contact=writer).where(Message.body == "hello from wren").execute()
    models.backup.keys.fill()
    before = key_ring()
    models.forget_contact(writer, "sam")
    assert key_ring()[CONVERSATION][other].key_id != before[CONVERSATION][other].key_id
