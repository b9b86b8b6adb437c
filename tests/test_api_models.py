"""The API's data: tokens stored as a hash, the outbox written with the deletion, pages."""

import json

import pytest

import models
from models.api import idempotency, outbox, pages, requests, signing, tokens, webhooks
from models.store import engine

from .helpers import conversation

pytestmark = pytest.mark.both_engines

SECRET = "whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQtMTIzNA=="


def test_a_token_is_stored_only_as_a_hash_and_revoked_at_once(db):
    made = tokens.create_token("shop", ["read", "attributes"])
    stored = engine.db.execute_sql("SELECT name, lookup, hash, scopes FROM api_token").fetchall()
    assert made.token not in json.dumps(stored)
    caller = tokens.authenticate(made.token)
    assert caller is not None and caller.scopes == {"read", "attributes"}
    assert tokens.authenticate(made.token[:-1] + "x") is None
    assert tokens.authenticate("") is None
    tokens.revoke_token("shop")
    assert tokens.authenticate(made.token) is None
    (row,) = tokens.list_tokens()
    assert row.revoked_at is not None and row.last_used_at is not None


def test_unknown_scopes_and_names_are_refused(db):
    with pytest.raises(models.InvalidInput, match="unknown scope"):
        tokens.create_token("x", ["everything"])
    tokens.create_token("x", ["read"])
    with pytest.raises(models.InvalidInput, match="exists"):
        tokens.create_token("x", ["read"])


def test_deleting_anywhere_writes_its_event_in_the_same_transaction(db):
    webhooks.add_webhook("http://127.0.0.1:9/hook", list(outbox.EVENTS), SECRET)
    cid = conversation(status="archived")
    contact = models.get_conversation(cid).contact_id
    models.set_attribute(contact, "plan", "gold")
    models.delete_attribute(contact, "plan", "sam")
    models.delete_conversations([cid], "sam")
    models.forget_contact(contact, "sam")
    kinds = [d.kind for d in outbox.due()]
    assert kinds == ["attribute.deleted", "conversation.deleted", "contact.deleted"]
    bodies = " ".join(d.body for d in outbox.due())
    for personal in ("Ada", "ada@example.com", "plan", "gold", "refund", "555"):
        assert personal not in bodies


def test_a_refused_deletion_writes_no_event(db):
    webhooks.add_webhook("http://127.0.0.1:9/hook", ["conversation.deleted"], SECRET)
    cid = conversation(status="open")
    with pytest.raises(models.Refused):
        models.delete_conversations([cid], "sam")
    assert outbox.due() == []


def test_failed_deliveries_back_off_then_give_up(db, clock):
    from datetime import timedelta

    webhooks.add_webhook("http://127.0.0.1:9/hook", ["conversation.deleted"], SECRET)
    models.delete_conversations([conversation(status="archived")], "sam")
    (first,) = outbox.due()
    for wait in outbox.BACKOFF:
        later = outbox.failed(first.delivery, first.attempts, "connection refused")
        assert later == clock.now() + wait and outbox.due() == []
        clock.advance(wait)
        (first,) = outbox.due()
    assert outbox.failed(first.delivery, first.attempts, "still refused") is None
    clock.advance(timedelta(days=30))
    assert outbox.due() == []
    (row,) = webhooks.list_webhooks()
    assert (row.failed, row.waiting, row.last_error) == (1, 0, "still refused")


def test_signatures_follow_standard_webhooks():
    header = signing.sign(
        SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}'
    )
    # the example of the Standard Webhooks specification
    key = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    assert (
        signing.sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')
        == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    )
    assert signing.verify(
        SECRET, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}', header
    )


def test_an_idempotency_key_replays_and_refuses_another_body(db):
    token = tokens.create_token("shop", ["read"])
    caller = tokens.authenticate(token.token)
    assert caller is not None
    assert idempotency.claim(caller.id, "k1", "PUT /a {}") is None
    with pytest.raises(idempotency.InFlight):
        idempotency.claim(caller.id, "k1", "PUT /a {}")
    idempotency.keep(caller.id, "k1", 200, '{"ok": true}')
    assert idempotency.claim(caller.id, "k1", "PUT /a {}") == idempotency.Answer(
        200, '{"ok": true}'
    )
    with pytest.raises(idempotency.KeyReused):
        idempotency.claim(caller.id, "k1", 'PUT /a {"x": 1}')


def test_conversation_pages_are_stable_while_rows_come_and_go(db, clock):
    from datetime import timedelta

    ids = []
    for i in range(7):
        ids.append(
            conversation(
                subject=f"s{i}",
                status="archived",
                email=f"p{i}@example.com",
                at=clock.now() - timedelta(hours=i),
            )
        )
    first = pages.conversations("", None, 3)
    assert [r.id for r in first.rows] == ids[:3]
    conversation(subject="newer", email="new@example.com")  # newest: before the cursor
    models.delete_conversations([ids[3]], "sam")
    second = pages.conversations("", first.next, 3)
    assert [r.id for r in second.rows] == ids[4:7]
    assert second.next is None
    with pytest.raises(models.InvalidInput, match="cursor"):
        pages.conversations("", "garbage!", 3)


def test_contact_pages_take_only_contact_filters(db):
    for i in range(5):
        models.create_contact(f"Person {i}", f"p{i}@example.com", "")
    page = pages.contacts('email:example.com -name:"person 2"', None, 2)
    assert [c.name for c in page.rows] == ["Person 0", "Person 1"]
    rest = pages.contacts('email:example.com -name:"person 2"', page.next, 10)
    assert [c.name for c in rest.rows] == ["Person 3", "Person 4"] and rest.next is None
    with pytest.raises(models.InvalidInput, match="only name"):
        pages.contacts("is:open", None, 10)


def test_a_sweep_and_an_erasure_fire_their_events_too(db, clock):
    from datetime import timedelta

    webhooks.add_webhook("http://127.0.0.1:9/hook", list(outbox.EVENTS), SECRET)
    old = conversation(at=clock.now() - timedelta(days=90), email="old@example.com")
    models.set_assistant("Email", 30)
    (result,) = models.sweep()
    assert result.deleted == 1
    (swept,) = outbox.due()
    assert swept.kind == "conversation.deleted"
    assert json.loads(swept.body)["data"] == {
        "cause": "sweep",
        "conversations": [old],
        "count": 1,
        "log_entry": 1,
    }
    outbox.delivered(swept.delivery)
    erased = conversation(status="archived", email="gone@example.com")
    receipt = models.erase(["gone@example.com"], "REQ-7", "sam")
    kinds = [d.kind for d in outbox.due()]
    assert kinds == ["contact.deleted", "conversation.deleted", "erasure.completed"]
    done = json.loads(outbox.due()[-1].body)["data"]
    assert done["reference"] == "REQ-7" and done["log_entry"] == receipt.log_entry
    assert json.loads(outbox.due()[1].body)["data"]["conversations"] == [erased]


@pytest.mark.parametrize(
    "attempt",
    [
        lambda c: pages.conversations("\x00", None, 5),
        lambda c: pages.conversations("name:a\x00b", None, 5),
        lambda c: pages.contacts("name:\x00", None, 5),
        lambda c: models.set_attribute(c, "k", "v\x00", "api"),
        lambda c: models.delete_attribute(c, "k\x00", "sam"),
        lambda c: models.delete_attributes(c, ["k", "\x00"], "sam"),
        lambda c: webhooks.add_webhook(
            "http://127.0.0.1:9/", ["contact.deleted"], "s" * 20 + "\x00"
        ),
        lambda c: requests.access_document(["ann\x00@example.com"]),
        lambda c: requests.access_document(["+1 555\x00 0100"]),
        lambda c: requests.erasure_preview(["ann@example.com"], "REF\x00"),
        lambda c: tokens.authenticate("hd_aaaaaaaaaaaa_\x00"),
        lambda c: idempotency.claim(1, "k\x00", "x"),
    ],
)
def test_a_nul_character_is_refused_or_matches_nothing_on_both_engines(db, attempt):
    """PostgreSQL cannot hold a NUL in text: found by schemathesis as a 503."""
    contact = models.create_contact("Ann Lee", "ann@example.com", "")
    try:
        attempt(contact)
    except models.HushdeskError as error:
        assert not isinstance(error, models.DatabaseUnavailable), error
