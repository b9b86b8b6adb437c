"""Access and erasure requests: find a person everywhere, export, erase, redact, with proof.

Real database files; every erasure and redaction is checked byte by byte
afterwards, as the "deleted means gone" tests do.
"""

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

import models
from models.store import engine

from .helpers import conversation
from .test_cli import cli

pytestmark = pytest.mark.both_engines

EMAIL, PHONE = "zoe.quist@example.org", "+1 (415) 555-0199"


def left(texts):
    """Where the texts still are: every byte of the files (SQLite), every live row (PostgreSQL)."""
    return engine.backend().traces(texts)


@pytest.fixture
def desk(db, bystanders):
    """Zoe Quist with an email contact and an SMS contact; others who mention her."""
    models.set_region("US")
    zoe = models.create_contact("Zoe Quist", EMAIL, PHONE)
    models.set_attribute(zoe, "shoe size", "Zq-secret-size-39")
    sms = models.create_contact("", "", "415.555.0199")
    own = [
        conversation(subject="Zq-subject-one", body="my order Zq-body-one", contact_id=zoe),
        conversation(channel="SMS", kind="sms", body="Zq-body-sms", contact_id=sms),
        conversation(subject="old", body="Zq-body-archived", status="archived", contact_id=zoe),
    ]
    other = models.create_contact("Oskar Other", "oskar@example.net", "+44 20 7946 0018")
    mentions = [
        conversation(contact_id=other, body=f"ask {EMAIL} about it, it is urgent"),
        conversation(contact_id=other, body="her number is (415) 555-0199 ok"),
        conversation(contact_id=other, subject="about zoe quist", body="call 415.555.0199"),
        conversation(contact_id=other, body="or +1 415 555 0199, says Zoe  Quist"),
    ]
    unrelated = conversation(contact_id=other, body="order 4155550198 and 1415555019")
    return {"zoe": zoe, "sms": sms, "own": own, "mentions": mentions, "unrelated": unrelated}


def test_person_finds_both_contacts_and_every_mention(desk):
    person = models.find_person([EMAIL, "(415) 555-0199"])
    assert {c.id for c in person.contacts} == {desk["zoe"], desk["sms"]}
    assert {c.id for c in person.conversations} == set(desk["own"])
    assert {m.conversation for m in person.mentions} == set(desk["mentions"])
    kinds = {(m.conversation, m.identifier) for m in person.mentions}
    assert (desk["mentions"][0], "email") in kinds and (desk["mentions"][3], "name") in kinds
    subject = [m for m in person.mentions if m.field == "subject"]
    assert subject and subject[0].message is None
    line = next(m for m in person.mentions if m.conversation == desk["mentions"][1])
    assert line.line[line.start : line.end] == "(415) 555-0199"


@pytest.mark.parametrize(
    "given", ["+1 415 555 0199", "(415) 555-0199", "415.555.0199", "4155550199", "14155550199"]
)
def test_a_phone_in_any_punctuation_names_the_same_contacts(desk, given):
    person = models.find_person([given])
    assert {c.id for c in person.contacts} == {desk["zoe"], desk["sms"]}


def test_person_json_has_the_documented_keys(desk, db):
    code, out, _ = cli(db, "person", EMAIL, "--json")
    data = json.loads(out)
    assert code == 0 and set(data) == {
        *("format", "exported_at", "identifiers", "contacts", "conversations", "written"),
        *("mentions", "not_matched", "possible_mentions", "cannot_tell", "warnings"),
    }
    assert set(data["contacts"][0]) >= {"id", "name", "email", "phone", "attributes"}
    assert set(data["mentions"][0]) >= {"conversation", "message", "field", "identifier"}
    code, _, err = cli(db, "person", "nobody@example.com")
    assert code == 1 and "nothing is held" in err


def test_export_holds_the_person_and_no_one_else(desk, db, tmp_path):
    out = tmp_path / "access.json"
    code, text, err = cli(db, "export", EMAIL, "415 555 0199", "--out", str(out))
    assert code == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["format"] == "hushdesk-access-export/1"
    assert {c["id"] for c in data["contacts"]} == {desk["zoe"], desk["sms"]}
    attributes = [a for c in data["contacts"] for a in c["attributes"]]
    assert attributes[0]["value"] == "Zq-secret-size-39" and attributes[0]["source"] == "manual"
    bodies = [m["body"] for c in data["conversations"] for m in c["messages"]]
    assert "my order Zq-body-one" in bodies and "Zq-body-sms" in bodies
    assert {m["conversation"] for m in data["mentions"]} == set(desk["mentions"])
    whole = out.read_text(encoding="utf-8")
    assert "oskar" not in whole.lower() and "urgent" not in whole and "Keep Person" not in whole
    code, _, err = cli(db, "export", EMAIL, "--out", str(out))
    assert code == 1 and "never overwrites" in err
    assert json.loads(out.read_text(encoding="utf-8")) == data


def erased_texts():
    return [EMAIL, "Zoe Quist", "415.555.0199", "Zq-secret-size-39", "Zq-body-one", "Zq-body-sms"]


def test_erase_deletes_redacts_logs_and_proves_it(desk, db, tmp_path):
    assert left(erased_texts())
    receipt_file = tmp_path / "receipt.json"
    code, out, err = cli(
        db,
        "erase",
        EMAIL,
        "415-555-0199",
        "--reference",
        "REQ-2026-17",
        "--receipt",
        str(receipt_file),
    )
    assert code == 0, err + out
    assert "verify-gone passed" in out
    # "quist" alone: the search index keeps words one by one, until it is purged
    assert left(erased_texts() + ["(415) 555-0199", "555 0199", "zoe quist", "quist"]) == []
    for cid in desk["mentions"]:
        detail = models.get_conversation(cid)
        assert "[redacted]" in detail.subject + "".join(m.body for m in detail.messages)
    assert "order 4155550198" in models.get_conversation(desk["unrelated"]).messages[0].body
    receipt = json.loads(receipt_file.read_text())
    assert receipt["reference"] == "REQ-2026-17" and receipt["verify_gone"]["passed"]
    assert receipt["counts"] == {
        "contacts": 2,
        "attributes": 1,
        "conversations": 3,
        "messages": 3,
        "messages_elsewhere": 0,
        "redactions": 6,
    }
    text = receipt_file.read_text().lower()
    assert "zoe" not in text and "0199" not in text and "example.org" not in text
    [entry] = [e for e in models.list_log() if e.action == "erasure request"]
    assert entry.reason.startswith("reference REQ-2026-17") and "zoe" not in entry.reason.lower()
    assert receipt["log_entry"] == entry.id and receipt["chain_head"] == models.verify_log().head
    code, out, _ = cli(db, "verify-gone", *erased_texts())
    assert code == 0 and out.count("gone:") == len(erased_texts())


def test_a_legal_hold_wins_and_keep_held_retains_it(desk, db):
    held = desk["own"][2]
    models.hold([held])
    models.hold([desk["mentions"][1]])
    assert left(["Zq-body-one"])
    code, _, err = cli(db, "erase", EMAIL, PHONE, "--reference", "R-1")
    assert code == 1 and "legal hold" in err and f"#{held}" in err
    # still there (a checkpoint may have moved its bytes from the WAL into the main file)
    assert left(["Zq-body-one"]) and models.find_person([EMAIL]).contacts
    code, out, _ = cli(db, "erase", EMAIL, PHONE, "--reference", "R-1", "--keep-held", "--dry-run")
    assert code == 0 and "Would retain, on legal hold" in out and f"#{held}" in out
    assert models.find_person([EMAIL]).contacts, "a dry run changes nothing"
    code, out, _ = cli(db, "erase", EMAIL, PHONE, "--reference", "R-1", "--keep-held")
    assert code == 0 and "Retained on legal hold" in out and "verify-gone passed" in out, out
    assert "not checked: phone, because a conversation kept by legal hold holds it" in out
    kept = models.get_conversation(held)
    assert kept.contact == "Someone" and kept.messages[0].body == "Zq-body-archived"
    untouched = models.get_conversation(desk["mentions"][1]).messages[0].body
    assert untouched == "her number is (415) 555-0199 ok", "a held mention is not redacted"
    assert left(["Zq-body-one", "Zq-secret-size-39"]) == []


@pytest.mark.parametrize(
    "reference, refused",
    [
        ("", "empty"),
        ("about zoe.quist@example.org", "must not"),
        ("Zoe Quist 1", "must not"),
        ("call 4155550199", "must not"),
    ],
)
def test_a_reference_never_carries_the_persons_data(desk, db, reference, refused):
    code, _, err = cli(db, "erase", EMAIL, "--reference", reference)
    assert code == 1 and refused in err
    assert models.find_person([EMAIL]).contacts


def test_redact_replaces_only_that_text_and_leaves_no_byte(db, bystanders):
    cid = conversation(subject="card Zq-4111", body="my card is Zq-4111-1111-1111-1111, thanks")
    code, out, _ = cli(db, "redact", str(cid), "zq-4111-1111-1111-1111")
    assert code == 0 and "Redacted 1 occurrence" in out
    assert models.get_conversation(cid).messages[0].body == "my card is [redacted], thanks"
    assert models.get_conversation(cid).subject == "card Zq-4111"
    assert left(["Zq-4111-1111-1111-1111", "1111-1111-1111"]) == []
    code, _, err = cli(db, "redact", str(cid), "Zq-4111", "not there at all")
    assert code == 1 and "not in conversation" in err
    assert models.get_conversation(cid).subject == "card Zq-4111"
    assert models.list_log()[0].action == "redaction"


def test_suggestions_find_what_looks_like_personal_data(db):
    contact = models.create_contact("Zoe Quist", "z@example.org")
    cid = models.create_conversation(
        "Chat",
        contact,
        "help",
        [
            models.NewMessage(
                "customer",
                (
                    "I am Zoe Quist, zoe@example.org, +1 (415) 555-0199. "
                    "Card 4111 1111 1111 1111, not 4111 1111 1111 1112. "
                    "IBAN DE89 3704 0044 0532 0130 00, not DE89 3704 0044 0532 0130 01."
                ),
            )
        ],
        kind="chat",
    )
    found = {(s.kind, s.text) for s in models.suggestions(cid)}
    assert found == {
        ("email", "zoe@example.org"),
        ("phone", "+1 (415) 555-0199"),
        ("card", "4111 1111 1111 1111"),
        ("iban", "DE89 3704 0044 0532 0130 00"),
        ("name", "Zoe Quist"),
    }


CHILD = str(Path(__file__).parent / "erase_child.py")


def state(db_path):
    """(Zoe's contacts, her messages, messages naming her, erasure log entries)."""
    raw = sqlite3.connect(db_path)
    try:
        return tuple(
            raw.execute(sql, args).fetchone()[0]
            for sql, args in (
                ("SELECT count(*) FROM contact WHERE email = ?", (EMAIL,)),
                ("SELECT count(*) FROM message WHERE body LIKE 'Zq-many-%'", ()),
                ("SELECT count(*) FROM message WHERE body LIKE ?", (f"%{EMAIL}%",)),
                ("SELECT count(*) FROM deletion_log WHERE action = 'erasure request'", ()),
            )
        )
    finally:
        raw.close()


@pytest.mark.sqlite_only  # copies the database file between runs
def test_an_erase_killed_at_any_moment_leaves_all_or_nothing(db, clock, tmp_path):
    zoe = models.create_contact("Zoe Quist", EMAIL, PHONE)
    with engine.db.atomic():
        for i in range(1500):
            conversation(
                contact_id=zoe, body=f"Zq-many-{i}", status="archived" if i % 2 else "open"
            )
        for i in range(300):
            conversation(email=f"m{i}@example.com", body=f"ask {EMAIL} number {i}")
    models.close_database()
    original = tmp_path / "original.db"
    shutil.copyfile(db, original)
    outcomes = []
    for moment in range(1, 8):
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(original, db)
        child = subprocess.Popen(
            [sys.executable, CHILD, str(db)], stdout=subprocess.PIPE, text=True
        )
        seen = [child.stdout.readline() for _ in range(moment)]
        child.kill()
        child.wait()
        after = state(db)
        assert after in ((1, 1500, 300, 0), (0, 0, 0, 1)), (moment, seen, after)
        outcomes.append(("done\n" in seen, after[3]))
    assert (False, 0) in outcomes, "some runs must have been killed before the commit"
    assert (True, 1) in outcomes or (False, 1) in outcomes, "and some after it"
    models.open_database(db)
    assert models.verify_log().ok


def test_a_phone_needle_takes_every_written_form_of_the_number_and_no_other():
    from models.privacy.needles import Needles, PhoneNeedle

    needles = Needles([PhoneNeedle("phone", numbers=frozenset({"+14155550199"}), region="US")])
    for text in (
        "(415) 555-0199",
        "415.555.0199",
        "+1 415 555 0199",
        "14155550199",
        "415 5550199",
        "+1-415-555-0199",
    ):
        hits = list(needles.find(f"call {text} now"))
        assert [f"call {text} now"[h.start : h.end] for h in hits] == [text], text
    for text in ("24155550199", "4155550199123", "415 555 01999", "41555501", "+44 415 555 0199"):
        assert list(needles.find(f"call {text} now")) == [], text
