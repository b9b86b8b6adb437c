from datetime import timedelta

import pytest

import models
from models.store.schema import Conversation, Message

from .helpers import conversation

pytestmark = pytest.mark.both_engines


def test_archive_and_unarchive(db, clock):
    cid = conversation()
    assert models.archive([cid]) == 1
    detail = models.get_conversation(cid)
    assert detail.status == "archived" and detail.archived_at == clock.now()
    models.unarchive([str(cid)])
    assert models.get_conversation(cid).status == "open"
    assert models.get_conversation(cid).archived_at is None


def test_archive_refuses_missing_and_changes_nothing(db):
    cid = conversation()
    with pytest.raises(models.NotFound, match="#999"):
        models.archive([cid, 999])
    assert models.get_conversation(cid).status == "open"


@pytest.mark.parametrize("bad", [[], ["x"], ["-1"], ["0"], ["1.5"], [str(2**70)], [""]])
def test_bad_ids_are_refused(db, bad):
    with pytest.raises(models.InvalidInput):
        models.archive(bad)


def test_delete_archived_removes_messages_and_index(db):
    cid = conversation(body="platypus", status="archived")
    result = models.delete_conversations([cid], "sam")
    assert result.count == 1 and result.social_channels == []
    assert not Conversation.select().where(Conversation.id == cid).exists()
    assert not Message.select().where(Message.conversation == cid).exists()
    assert models.ConversationSearch("platypus").count() == 0
    entry = models.list_log()[0]
    assert (entry.actor, entry.action, entry.count) == ("sam", "delete conversations", 1)


def test_delete_refuses_whole_request_if_any_is_open(db):
    archived = conversation(status="archived")
    opened = conversation(email="b@example.com")
    with pytest.raises(models.Refused, match="open"):
        models.delete_conversations([archived, opened], "sam")
    assert Conversation.select().count() == 2
    assert models.list_log() == []


def test_delete_refuses_held(db):
    held = conversation(status="archived", held=True)
    with pytest.raises(models.Refused, match="legal hold"):
        models.delete_conversations([held], "sam")
    models.release([held])
    assert models.delete_conversations([held], "sam").count == 1


def test_hold_and_release(db):
    cid = conversation()
    models.hold([cid])
    assert models.get_conversation(cid).held
    models.release([cid])
    assert not models.get_conversation(cid).held


def test_delete_names_social_channels(db):
    cid = conversation(channel="Facebook", kind="facebook", status="archived")
    summary = models.summarize([cid])
    assert summary.social_channels == ["Facebook"]
    assert (summary.contact, summary.subject) == ("Ada Lovelace", "refund please")
    assert models.delete_conversations([cid], "sam").social_channels == ["Facebook"]


def test_bad_actor_refused(db):
    cid = conversation(status="archived")
    with pytest.raises(models.InvalidInput):
        models.delete_conversations([cid], "")
    assert models.get_conversation(cid)


def test_add_message_moves_activity_and_is_searchable(db, clock):
    cid = conversation()
    clock.advance(timedelta(days=1))
    models.add_message(cid, "Sam", "wombat reply")
    detail = models.get_conversation(cid)
    assert detail.last_activity == clock.now()
    assert [m.author for m in detail.messages] == ["customer", "Sam"]
    assert models.ConversationSearch("wombat").ids() == [cid]


def test_counts(db):
    conversation()
    conversation(status="archived", email="x@example.com")
    assert models.counts() == {"open": 1, "archived": 1}
