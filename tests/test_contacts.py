import pytest

import models
from models.store.schema import Attribute, Contact

from .helpers import conversation

pytestmark = pytest.mark.both_engines


def test_forget_contact_keeps_conversations_as_someone(db):
    cid = conversation(name="Grace Hopper", email="grace@example.com")
    contact_id = models.get_conversation(cid).contact_id
    models.set_attribute(contact_id, "plan", "pro")
    assert models.forget_contact(contact_id, "sam").kept == 1
    detail = models.get_conversation(cid)
    assert detail.contact == "Someone" and detail.contact_id is None
    assert models.ConversationSearch("").page()[0].contact == "Someone"
    assert not Contact.select().exists() and not Attribute.select().exists()
    assert models.ConversationSearch("grace").count() == 0
    assert models.ConversationSearch("refund").count() == 1
    assert models.list_log()[0].action == "delete contact profile"


def test_forget_missing_contact(db):
    with pytest.raises(models.NotFound):
        models.forget_contact(42, "sam")


def test_attributes_set_replace_list_delete(db):
    contact_id = models.create_contact("Ada", "ada@example.com")
    models.set_attribute(contact_id, "plan", "free")
    models.set_attribute(contact_id, "plan", "pro", source="api")
    models.set_attribute(contact_id, "language", "en")
    rows = models.list_attributes(contact_id)
    assert [(a.key, a.value, a.source) for a in rows] == [
        ("language", "en", "manual"),
        ("plan", "pro", "api"),
    ]
    models.delete_attribute(contact_id, "plan", "sam")
    assert [a.key for a in models.list_attributes(contact_id)] == ["language"]
    entry = models.list_log()[0]
    assert (entry.action, entry.count) == ("delete attribute", 1)
    assert "plan" not in entry.reason and "pro" not in entry.reason


@pytest.mark.parametrize(
    "key, value, source",
    [
        ("", "v", "manual"),
        ("k" * 101, "v", "manual"),
        ("k", "v" * 10_001, "manual"),
        ("k", "v", "robot"),
        ("a\x1bb", "v", "manual"),
    ],
)
def test_bad_attributes_refused(db, key, value, source):
    contact_id = models.create_contact("Ada")
    with pytest.raises(models.InvalidInput):
        models.set_attribute(contact_id, key, value, source)
    assert models.list_attributes(contact_id) == []


def test_delete_missing_attribute_refused_and_not_logged(db):
    contact_id = models.create_contact("Ada")
    with pytest.raises(models.NotFound):
        models.delete_attribute(contact_id, "nope", "sam")
    assert models.list_log() == []


def test_resolve_contact_by_id_email_phone(db):
    contact_id = models.create_contact("Ada", "Ada@Example.com", "+1 (555) 014-2000")
    assert models.resolve_contact(str(contact_id)) == contact_id
    assert models.resolve_contact("ada@example.com") == contact_id
    assert models.resolve_contact("1 555 014 2000") == contact_id
    with pytest.raises(models.NotFound):
        models.resolve_contact("nobody@example.com")


def test_resolve_ambiguous_contact(db):
    models.create_contact("A", "same@example.com")
    models.create_contact("B", "same@example.com")
    with pytest.raises(models.InvalidInput, match="2 contacts"):
        models.resolve_contact("same@example.com")
