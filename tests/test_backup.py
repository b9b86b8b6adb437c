"""Backups that forget: back up, change or erase, restore the older backup: nothing comes back."""

from datetime import timedelta

import pytest

import models

from .backups import holdings, in_the_clear, new_target, restore, take_backup, traces
from .conftest import NOW
from .helpers import conversation
from .test_cli import cli
from .test_gone import marker, secret_conversation

pytestmark = pytest.mark.both_engines


@pytest.fixture
def person(db, bystanders):
    """Someone to erase: two contacts (email and phone), a mention by another customer."""
    texts = {k: marker(k) for k in ("first", "last", "subject", "body", "value", "local")}
    name = f"{texts['first']} {texts['last']}"
    email = f"{texts['local']}@example.org"
    phone = "+44 20 7946 0018"
    one = models.create_contact(name, email, "")
    models.set_attribute(one, "note", texts["value"])
    two = models.create_contact(name, "", phone)
    conversation(contact_id=one, subject=f"About {texts['subject']}", body=texts["body"])
    conversation(contact_id=two, channel="SMS", kind="sms", body=f"call {phone}")
    other = conversation(
        name="Bea Mention", email="bea@example.com", body=f"my friend {email} said hi"
    )
    return {"texts": list(texts.values()), "email": email, "phone": phone, "other": other}


def test_an_erased_person_stays_gone_and_everyone_else_comes_back_whole(
    db, person, tmp_path, request, engine
):
    before = holdings(db)
    models.open_database(db)
    backup = tmp_path / "nightly.hdb"
    take_backup(db, backup)
    receipt = models.receipt_dict(
        models.erase([person["email"], person["phone"]], "GDPR-1", "sam")
    )
    assert f"a key export made before {receipt['erased_at']} UTC" in str(receipt["backups"])
    after = holdings(db)
    models.open_database(db)
    target = new_target(request, engine, tmp_path)
    code, out, err = restore(db, backup, target)
    assert code == 0, err
    assert "Left out: 2 contacts that changed (0) or went (2)" in out
    assert "3 conversations that changed (1) or went (2)" in out  # the mention was redacted
    assert traces(request, target, person["texts"] + [person["email"]]) == []
    restored = holdings(target)
    models.open_database(target)
    for text in person["texts"] + [person["email"], "7946 0018"]:
        assert models.ConversationSearch(f'"{text}"').ids() == [], text
    gone = set(before["conversations"]) - set(after["conversations"])
    assert len(gone) == 2 and not gone & set(restored["conversations"])
    kept = set(after["conversations"]) - {person["other"]}
    assert {c: restored["conversations"][c] for c in kept} == {
        c: after["conversations"][c] for c in kept
    }
    assert restored["contacts"] == {
        c: v for c, v in after["contacts"].items() if c in restored["contacts"]
    }
    assert len(restored["contacts"]) == len(after["contacts"]) - 1  # Bea's conversation changed
    assert models.verify_log().ok


def test_a_sweep_a_deleted_attribute_and_a_redaction_since_stay_out(
    db, bystanders, tmp_path, request, engine
):
    old, _, old_texts, _ = secret_conversation(
        status="open", channel="Chat", kind="chat", days_old=90
    )
    _, contact, texts, _ = secret_conversation()
    mentioned = marker("mention")
    other = conversation(name="Cy Other", email="cy@example.com", body=f"ask {mentioned} now")
    backup = tmp_path / "b.hdb"
    take_backup(db, backup)
    models.set_assistant("Chat", 30)
    models.sweep()
    models.delete_attribute(contact, "note", "sam")
    models.redact(other, [mentioned], "sam")
    target = new_target(request, engine, tmp_path)
    code, out, err = restore(db, backup, target)
    assert code == 0, err
    assert "Left out: 1 contact that changed (1) or went (0)" in out  # its attribute went
    assert "2 conversations that changed (1) or went (1)" in out
    found = traces(request, target, [old_texts[2], old_texts[3], texts[4], mentioned])
    assert found == []
    models.close_database()
    models.open_database(target)
    assert models.existing([old, other]) == set()
    with pytest.raises(models.NotFound):  # changed since: absent, not shown without its value
        models.get_contact(contact)


def test_nothing_in_the_clear_in_a_backup(db, person, tmp_path):
    backup = tmp_path / "b.hdb"
    take_backup(db, backup)
    data = backup.read_bytes()
    texts = person["texts"] + [person["email"], "Keep Person1", "unrelated words", "7946 0018"]
    assert in_the_clear(data, texts) == []
    assert in_the_clear(data + "x7946 0018".encode("utf-16-le"), ["7946 0018"])  # it can see


def test_verify_gone_reads_an_old_backup_with_todays_keys(db, person, tmp_path):
    backup = tmp_path / "b.hdb"
    take_backup(db, backup)
    code, out, _ = cli(db, "verify-gone", "--backup", str(backup), person["texts"][0])
    assert code == 1 and "FOUND" in out and "in contact #" in out
    models.open_database(db)
    models.erase([person["email"], person["phone"]], "GDPR-2", "sam")
    texts = [*person["texts"], person["email"]]
    code, out, _ = cli(db, "verify-gone", "--backup", str(backup), *texts)
    assert code == 0 and out.count("gone:") == len(texts), out
    assert "no longer open" in out


def test_an_attribute_set_over_its_old_value_leaves_the_old_value_unreadable(db, person, tmp_path):
    backup, old = tmp_path / "b.hdb", person["texts"][4]
    take_backup(db, backup)
    models.open_database(db)
    contact = models.resolve_contact(person["email"])
    models.set_attribute(contact, "note", str(old))  # the same value: nothing removed
    code, out, _ = cli(db, "verify-gone", "--backup", str(backup), old)
    assert code == 1 and "FOUND" in out
    models.open_database(db)
    models.set_attribute(contact, "note", "a new note", source="api")
    code, out, _ = cli(db, "verify-gone", "--backup", str(backup), old)
    assert code == 0 and "gone:" in out, out


def test_a_key_export_from_before_an_erasure_brings_the_person_back(
    db, person, tmp_path, request, engine
):
    """The README's warning, shown: key exports need the shortest retention of all."""
    phrase = tmp_path / "phrase"
    phrase.write_text("correct horse battery staple\n")
    backup, early, late = tmp_path / "b.hdb", tmp_path / "early.keys", tmp_path / "late.keys"
    take_backup(db, backup)
    assert cli(db, "keys", "export", str(early), "--passphrase-file", str(phrase))[0] == 0
    models.open_database(db)
    models.erase([person["email"], person["phone"]], "GDPR-3", "sam")
    assert cli(db, "keys", "export", str(late), "--passphrase-file", str(phrase))[0] == 0
    assert in_the_clear(early.read_bytes() + late.read_bytes(), person["texts"]) == []
    models.open_database(db)
    keys = ("--passphrase-file", str(phrase))
    back = new_target(request, engine, tmp_path, "back.db")
    assert restore(db, backup, back, "--keys", str(early), *keys)[0] == 0
    assert traces(request, back, person["texts"][:1])  # readable again: the danger
    models.open_database(db)
    gone = new_target(request, engine, tmp_path, "gone.db")
    code, out, err = restore(db, backup, gone, "--keys", str(late), *keys)
    assert code == 0, err
    assert traces(request, gone, person["texts"]) == []
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase at all\n")
    third = new_target(request, engine, tmp_path, "third.db")
    code, _, err = restore(db, backup, third, "--keys", str(late), "--passphrase-file", str(wrong))
    assert code == 1 and "passphrase does not open" in err and err.count("\n") == 1


def test_restore_never_writes_into_an_existing_database(db, person, tmp_path):
    backup = tmp_path / "b.hdb"
    take_backup(db, backup)
    before = holdings(db)
    code, _, err = restore(db, backup, db)
    assert code == 1 and "never writes into an existing database" in err, err
    assert holdings(db) == before


def test_the_restored_log_goes_on_from_the_live_one(db, tmp_path, request, engine):
    gone = conversation(status="archived")
    models.delete_conversations([gone], "sam")
    backup = tmp_path / "b.hdb"
    take_backup(db, backup)
    later = conversation(status="archived", email="b@example.com", at=NOW - timedelta(days=1))
    models.delete_conversations([later], "sam")
    target = new_target(request, engine, tmp_path)
    code, out, _ = restore(db, backup, target)
    assert code == 0 and "1 entries from the backup, 1 made since" in out
    models.close_database()
    models.open_database(target)
    entries = models.list_log()
    assert [e.action for e in entries] == [
        "restore from backup",
        "delete conversations",
        "delete conversations",
    ]
    assert models.verify_log().ok


@pytest.mark.postgres_only
def test_a_backup_of_one_engine_restores_into_the_other(db, person, tmp_path, request):
    first, second = tmp_path / "pg.hdb", tmp_path / "sqlite.hdb"
    take_backup(db, first)
    expected = holdings(db)
    models.open_database(db)
    into_sqlite = tmp_path / "from-postgresql.db"
    code, _, err = restore(db, first, into_sqlite)
    assert code == 0, err
    assert holdings(into_sqlite) == expected
    assert cli(into_sqlite, "backup", str(second))[0] == 0
    into_postgres = new_target(request, "postgresql", tmp_path)
    code, _, err = restore(into_sqlite, second, into_postgres)
    assert code == 0, err
    assert holdings(into_postgres) == expected
    models.open_database(db)


def test_after_an_erasure_no_key_of_the_store_opens_the_persons_records(db, person, tmp_path):
    """An attacker with the old backup and every byte of today's key store: each record is
    tried with each key, and nothing of the person is read."""
    from models.backup import format as fmt
    from models.backup.keys import key_ring

    backup = tmp_path / "b.hdb"
    take_backup(db, backup)
    models.erase([person["email"], person["phone"]], "GDPR-4", "sam")
    read = fmt.read(backup)
    ring = key_ring()
    every_key = {key.key for keys in ring.values() for key in keys.values()}
    opened = []
    for record in read.records:
        for key in every_key:
            try:
                opened.append(str(fmt.unseal(read.backup_id, record, key, "b.hdb")))
            except fmt.BackupUnreadable:
                continue
    still = [r for r in read.records if ring[r.kind].get(r.id, (None,))[0] == r.key_id]
    assert len(opened) == len(still) > 40  # everyone else's, each by its own key alone
    texts = person["texts"] + [person["email"]]
    assert [t for t in texts if any(t.lower() in text.lower() for text in opened)] == []
    assert in_the_clear(backup.read_bytes(), texts) == []
