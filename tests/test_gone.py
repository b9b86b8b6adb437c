"""Deleted means gone: after every deleting path no byte of any database file holds the text."""

import uuid
from datetime import timedelta

import models
from models.store import engine
from models.store.forensics import scan

from .conftest import NOW


def marker(kind: str) -> str:
    return f"Zq{kind}{uuid.uuid4().hex[:12]}"


def secret_conversation(status="archived", channel="Email", kind="email", days_old=0):
    texts = {k: marker(k) for k in ("name", "email", "subject", "body", "value")}
    phone = f"+1 (555) {uuid.uuid4().int % 1000:03d}-{uuid.uuid4().int % 10000:04d}"
    email = f"{texts['email']}@example.com"
    contact = models.create_contact(texts["name"], email, phone)
    models.set_attribute(contact, "note", texts["value"])
    cid = models.create_conversation(
        channel,
        contact,
        f"About {texts['subject']}",
        [
            models.NewMessage(
                "customer", f"My secret is {texts['body']} ok", NOW - timedelta(days=days_old)
            )
        ],
        status=status,
        kind=kind,
        created_at=NOW - timedelta(days=days_old),
    )
    return cid, contact, list(texts.values()), phone


def assert_present_then_gone(db_path, texts, delete):
    """Scan for each text and for its last 10 characters: the search index stores a word
    after the prefix it shares with the word before it, so only the tail is sure to be whole."""
    texts = texts + [t[-10:] for t in texts]
    assert scan(db_path, texts), "the scanner must see the text before it is deleted"
    delete()
    found = scan(db_path, texts)
    assert found == [], [(f.text, f.file.name, f.table) for f in found[:5]]


def test_delete_leaves_no_trace(db, bystanders):
    cid, contact, texts, _ = secret_conversation()
    forgotten = texts[2:4]  # subject and body go with the conversation
    assert_present_then_gone(db, forgotten, lambda: models.delete_conversations([cid], "sam"))


def test_bulk_delete_leaves_no_trace(db, bystanders):
    made = [secret_conversation() for _ in range(30)]
    texts = [t for _, _, ts, _ in made for t in ts[2:4]]
    ids = [cid for cid, _, _, _ in made]
    assert_present_then_gone(db, texts, lambda: models.delete_conversations(ids, "sam"))


def test_forget_contact_leaves_no_trace(db, bystanders):
    cid, contact, texts, phone = secret_conversation()
    profile = [texts[0], texts[1], texts[4], phone, models.text.phones.digits(phone)]
    assert_present_then_gone(db, profile, lambda: models.forget_contact(contact, "sam"))
    assert models.get_conversation(cid).contact == "Someone"


def test_attribute_x_leaves_no_trace(db, bystanders):
    _, contact, texts, _ = secret_conversation()
    assert_present_then_gone(
        db, [texts[4]], lambda: models.delete_attribute(contact, "note", "sam")
    )


def test_sweep_leaves_no_trace(db, bystanders):
    old = [
        secret_conversation(status="open", channel="Chat", kind="chat", days_old=90)
        for _ in range(5)
    ]
    models.set_assistant("Chat", 30)
    texts = [t for _, _, ts, _ in old for t in ts[2:4]]
    assert_present_then_gone(db, texts, lambda: models.sweep())


def test_scan_finds_utf16_and_any_case(db, tmp_path):
    raw = tmp_path / "plain.db"
    raw.write_bytes(b"x" * 10 + "HeLLo-World".encode("utf-16-le") + b"y" + b"MIXED-case")
    assert {f.encoding for f in scan(raw, ["hello-world"])} == {"utf-16-le"}
    assert [f.offset for f in scan(raw, ["mixed-CASE"])] == [33]


def test_interrupted_purge_is_finished_at_next_open(db, bystanders):
    cid, _, texts, _ = secret_conversation()
    with engine.db.atomic():
        models.conversations.remove([cid])
    assert engine.pending_purge()
    assert scan(db, texts[2:4])
    models.close_database()
    models.open_database(db)
    assert engine.pending_purge() == []
    assert scan(db, texts[2:4]) == []


def test_verify_gone_command(db, bystanders):
    from .test_cli import cli

    cid, contact, texts, _ = secret_conversation()
    engine.backend().checkpoint()
    code, out, _ = cli(db, "verify-gone", texts[3])
    assert code == 1 and "FOUND" in out
    assert "(page" in out and ("message" in out or "search_" in out)
    models.delete_conversations([cid], "sam")
    code, out, _ = cli(db, "verify-gone", texts[2], texts[3])
    assert code == 0 and out.count("gone:") == 2
    code, _, err = cli(db, "verify-gone", "abc")
    assert code == 1 and "4 to 1000" in err
