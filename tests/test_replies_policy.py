"""The data policy covers replies: drafts, unsent replies and Message-IDs go with their
conversation (deleted, swept, erased) and are redacted with it; no byte is left."""

from __future__ import annotations

import pytest

import models
from models.store import engine
from models.store.schema import MailReference, Outbox, ReplyDraft

from .test_replies import CUSTOMER_MAIL, imported

pytestmark = pytest.mark.both_engines

DRAFT, QUEUED = "Zq-draft-words-7731", "Zq-queued-words-9902"


def left(texts):
    return engine.backend().traces(texts)


def replies_of(tmp_path) -> int:
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.save_draft(cid, "Kim", f"draft: {DRAFT}")
    models.queue_reply(cid, "Sam", f"queued: {QUEUED}")
    assert left([DRAFT, QUEUED]), "the texts are there to begin with"
    return cid


def nothing_of_replies() -> None:
    for table in (ReplyDraft, Outbox, MailReference):
        assert table.select().count() == 0, table


def test_deleting_a_conversation_leaves_no_byte_of_its_drafts_or_unsent_replies(db, tmp_path):
    cid = replies_of(tmp_path)
    models.archive([cid])
    result = models.delete_conversations([cid], "sam")
    assert result.cleanup.done
    nothing_of_replies()
    assert left([DRAFT, QUEUED, "first@mail.example.com"]) == []


def test_an_erasure_takes_the_replies_of_the_persons_conversations(db, tmp_path):
    replies_of(tmp_path)
    receipt = models.erase(["ada@example.com"], "REQ-1", "sam")
    assert receipt.counts.conversations == 1
    nothing_of_replies()
    models.finish_cleanup()
    assert left([DRAFT, QUEUED]) == []


def test_a_sweep_takes_the_replies_of_what_it_deletes(db, tmp_path, clock):
    from datetime import timedelta

    replies_of(tmp_path)
    models.set_assistant("Email", 1)
    clock.advance(timedelta(days=30))
    assert models.sweep_channel("Email").deleted == 1
    nothing_of_replies()


def test_redaction_reaches_drafts_and_unsent_replies(db, tmp_path):
    cid = replies_of(tmp_path)
    count, _ = models.redact(cid, [DRAFT, QUEUED], "sam")
    assert count == 2
    assert models.draft(cid, "Kim") == "draft: [redacted]"
    (pending,) = models.pending_replies(cid)
    assert pending.body == "queued: [redacted]\n"
    models.finish_cleanup()
    assert left([DRAFT, QUEUED]) == []


def test_a_sent_reply_is_in_the_customers_access_export(db, tmp_path):
    from .smtp_server import smtp_server

    cid = imported(tmp_path, CUSTOMER_MAIL)
    with smtp_server() as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        models.queue_reply(cid, "Sam", "Zq-sent-reply-5521")
        assert models.send_due().sent == [cid]
    out = tmp_path / "export.json"
    models.export_person(["ada@example.com"], out)
    assert "Zq-sent-reply-5521" in out.read_text()
