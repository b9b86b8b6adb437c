"""An erasure takes exactly the person and all of the person: numbers compared whole,
every writer of a thread found, and no one else's words redacted."""

from __future__ import annotations

import json

import pytest

import models
from models.store import engine

from .helpers import conversation
from .test_cli import cli

pytestmark = pytest.mark.both_engines


def left(texts):
    return engine.backend().traces(texts)


def others(kept_contacts: list[int]) -> dict[str, list[tuple]]:
    """Every stored value of these contacts and of their conversations, as the tables hold them."""
    marks = ",".join(str(int(c)) for c in kept_contacts) or "0"
    run = engine.db.execute_sql
    return {
        "contact": run(
            f"SELECT id, name, email, phone, phone_e164 FROM contact WHERE id IN ({marks}) "
            "ORDER BY id"
        ).fetchall(),
        "attribute": run(
            f"SELECT contact_id, key, value FROM attribute WHERE contact_id IN ({marks}) "
            "ORDER BY contact_id, key"
        ).fetchall(),
        "conversation": run(
            f"SELECT id, subject FROM conversation WHERE contact_id IN ({marks}) ORDER BY id"
        ).fetchall(),
        "message": run(
            "SELECT m.id, m.author, m.body FROM message m JOIN conversation c "
            f"ON c.id = m.conversation_id WHERE c.contact_id IN ({marks}) ORDER BY m.id"
        ).fetchall(),
    }


def person_with(name: str, email: str, phone: str, secret: str) -> tuple[int, int]:
    contact = models.create_contact(name, email, phone)
    models.set_attribute(contact, "secret", f"{secret}-attribute")
    cid = conversation(subject=f"{secret} subject", body=f"{secret} body", contact_id=contact)
    return contact, cid


def test_another_countrys_customer_with_the_same_digits_is_neither_erased_nor_exported(
    db, tmp_path
):
    french, _ = person_with("Amelie Roux", "amelie@example.fr", "+33 6 12 34 56 78", "Fr-k1")
    spanish, _ = person_with("Pablo Ruiz", "pablo@example.es", "+34 612 34 56 78", "Es-k2")
    before = others([spanish])
    out = tmp_path / "access.json"
    code, _, err = cli(db, "export", "+33 6 12 34 56 78", "--out", str(out))
    assert code == 0, err
    exported = out.read_text(encoding="utf-8")
    assert "Fr-k1" in exported and "Es-k2" not in exported and "pablo" not in exported
    code, text, err = cli(db, "erase", "+33 612345678", "--reference", "REQ-FR-1")
    assert code == 0, err + text
    assert "1 contact" in text and models.find_person(["pablo@example.es"]).contacts
    assert others([spanish]) == before
    assert left(["Fr-k1 body", "amelie@example.fr"]) == []
    assert french not in {c.id for c in models.find_person(["pablo@example.es"]).contacts}


def test_uk_numbers_written_nationally_or_with_00_are_the_same_person(db):
    models.set_region("GB")
    email, _ = person_with("Tom Berg", "tom@example.net", "+44 20 7946 0018", "Uk-a1")
    sms = models.create_contact("", "", "020 7946 0018")
    sms_conv = conversation(channel="SMS", kind="sms", body="Uk-a2 text", contact_id=sms)
    dialled = models.create_contact("", "", "0044 20 7946 0018")
    mobile = models.create_contact("", "", "07700 900123")
    person = models.find_person(["+44 20 7946 0018"])
    assert {c.id for c in person.contacts} == {email, sms, dialled}
    assert {c.id for c in models.find_person(["+44 7700 900123"]).contacts} == {mobile}
    code, out, err = cli(db, "erase", "+44 20 7946 0018", "--reference", "REQ-UK-1")
    assert code == 0 and "verify-gone passed" in out, err + out
    assert left(["020 7946 0018", "0044 20 7946 0018", "Uk-a2 text", "Uk-a1 body"]) == []
    with pytest.raises(models.NotFound):
        models.get_conversation(sms_conv)


def test_a_region_set_later_reads_national_numbers_again(db):
    sms = models.create_contact("", "", "020 7946 0018")
    assert models.get_contact(sms).number == ""
    code, out, _ = cli(db, "settings", "region", "gb")
    assert code == 0 and "Region: GB" in out and "1 stored number" in out
    assert models.get_contact(sms).number == "+442079460018"
    code, _, err = cli(db, "settings", "region", "Narnia")
    assert code == 1 and "not a region code" in err
    assert models.region() == "GB"


def test_the_demos_tomas_berg_is_erased_without_the_maine_number(db):
    models.generate_demo(120, seed=5)
    maine = models.create_contact("Mary Pike", "mary.pike@example.com", "+1 (207) 946-0018")
    models.create_conversation(
        "SMS", maine, "Mp-9 order", [models.NewMessage("customer", "Mp-9 where is it")], kind="sms"
    )
    before = others([maine])
    plan = models.plan_erasure(["+44 20 7946 0018"])
    assert [c.name for c in plan.person.contacts] == ["Tomas Berg"]
    code, out, err = cli(db, "erase", "+44 20 7946 0018", "--reference", "REQ-TB-1")
    assert code == 0, err + out
    assert others([maine]) == before


def test_a_number_that_cannot_be_placed_names_no_one(db):
    models.set_region("US")
    person_with("Zed Nine", "zed@example.com", "+1 (415) 555-0199", "Zn-1")
    before = others([c for (c,) in engine.db.execute_sql("SELECT id FROM contact").fetchall()])
    for args in (("erase", "555 0199", "--reference", "R-7"), ("person", "555 0199")):
        code, _, err = cli(db, *args)
        assert code == 1 and "cannot tell whose number" in err and "nothing was" in err
    code, out, _ = cli(db, "person", "zed@example.com", "555 0199")
    assert code == 0 and "'555 0199' names no one" in out and "too short" in out
    assert others([c for (c,) in engine.db.execute_sql("SELECT id FROM contact").fetchall()]) == (
        before
    )


def test_the_same_name_elsewhere_is_not_redacted_but_left_to_the_agent(db):
    ann, _ = person_with("Ann Lee", "ann.one@example.com", "", "Al-1")
    other_ann = models.create_contact("Ann Lee", "ann.two@example.com")
    own = conversation(body="Regards, Ann Lee", contact_id=other_ann)
    bystander = models.create_contact("Ben Roe", "ben@example.com")
    talk = conversation(body="Ann Lee said hello", contact_id=bystander)
    before = others([other_ann, bystander])
    code, out, _ = cli(db, "erase", "ann.one@example.com", "--reference", "R-8", "--dry-run")
    assert "possible mentions to you" in out and SHARED_WHY in out and "»Ann Lee«" in out
    code, out, err = cli(db, "erase", "ann.one@example.com", "--reference", "R-8")
    assert code == 0 and "0 redactions" in out and "not checked: name" in out, err + out
    assert others([other_ann, bystander]) == before
    assert models.get_conversation(own).messages[0].body == "Regards, Ann Lee"
    assert models.get_conversation(talk).messages[0].body == "Ann Lee said hello"
    assert ann not in {c.id for c in models.find_person(["ann.two@example.com"]).contacts}


SHARED_WHY = "another contact has the same name"


def test_a_name_made_of_common_words_redacts_nothing(db):
    person_with("Thank You", "thanks@example.com", "", "Ty-1")
    bystanders = [models.create_contact(f"Kim Poe{i}", f"kim{i}@example.com") for i in range(5)]
    talks = [conversation(body="Thank you so much!", contact_id=b) for b in bystanders]
    code, out, err = cli(db, "erase", "thanks@example.com", "--reference", "R-9")
    assert code == 0 and "0 redactions" in out, err + out
    assert all(models.get_conversation(t).messages[0].body == "Thank you so much!" for t in talks)


def test_an_email_inside_a_longer_one_is_not_pending_for_ever(db):
    person_with("Ann Short", "ann@example.org", "", "As-1")
    longer, talk = person_with("Ann Long", "ann@example.org.uk", "", "As-2")
    models.create_conversation(
        "Email", longer, "x", [models.NewMessage("customer", "write to ann@example.org.uk")]
    )
    before = others([longer])
    code, out, err = cli(db, "erase", "ann@example.org", "--reference", "R-10")
    assert code == 0, err + out
    assert "verify-gone passed" in out and "inside a longer one" in out
    assert others([longer]) == before
    code, _, _ = cli(db, "erase", "ann@example.org.uk", "--reference", "R-11")
    assert code == 0
    assert left(["ann@example.org"]) == []


@pytest.mark.parametrize(
    "reference",
    [
        "Ann  Lee 2026",
        "ann＠example.org",
        "ＡＮＮ-ＬＥＥ",
        "call 4155550１99",
        "REQ lee.ann",
        "GDPR-AnnLee",
        "REF-555-0199",
        "ref-ann-lée",
    ],
)
def test_references_hold_no_personal_data_in_any_disguise(db, reference):
    models.set_region("US")
    person_with("Ann Lée", "lee.ann@example.org", "+1 415 555 0199", "Rd-1")
    code, _, err = cli(db, "erase", "lee.ann@example.org", "--reference", reference)
    assert code == 1 and "must not hold" in err
    assert models.find_person(["lee.ann@example.org"]).contacts and models.list_log() == []


MBOX = """From ada@example.com Mon Jan  5 10:00:00 2026
From: Ada Customer <ada@example.com>
To: support@desk.example
Cc: Bob Colleague <bob@example.com>
Subject: broken order
Message-ID: <m1@example.com>
Date: Mon, 5 Jan 2026 10:00:00 +0000

My order is broken. Ac-1

From bob@example.com Mon Jan  5 11:00:00 2026
From: Bob Colleague <bob@example.com>
To: support@desk.example
Cc: ada@example.com
Subject: Re: broken order
Message-ID: <m2@example.com>
In-Reply-To: <m1@example.com>
Date: Mon, 5 Jan 2026 11:00:00 +0000

Mine too. Bob Colleague, 12 Bc-Street, bob@example.com

From support@desk.example Mon Jan  5 12:00:00 2026
From: Sam Support <support@desk.example>
To: ada@example.com
Subject: Re: broken order
Message-ID: <m3@example.com>
In-Reply-To: <m2@example.com>
Date: Mon, 5 Jan 2026 12:00:00 +0000

We will replace both. Ac-2

"""


def test_a_second_customer_in_a_thread_is_found_exported_and_erased(db, tmp_path):
    mbox = tmp_path / "thread.mbox"
    mbox.write_text(MBOX)
    code, out, err = cli(db, "import", str(mbox), "--ours", "support@desk.example")
    assert code == 0 and "3 messages" in out, err
    code, out, _ = cli(db, "person", "bob@example.com")
    assert code == 0 and "1 message they wrote in others' conversations" in out
    person = models.find_person(["bob@example.com"])
    assert [c.email for c in person.contacts] == ["bob@example.com"]
    assert len(person.written) == 1 and not person.conversations
    export = tmp_path / "bob.json"
    code, _, err = cli(db, "export", "bob@example.com", "--out", str(export))
    data = json.loads(export.read_text())
    assert code == 0 and [w["body"] for w in data["written"]] == [
        "Mine too. Bob Colleague, 12 Bc-Street, bob@example.com\n"
    ]
    assert "Ac-1" not in export.read_text(), "nothing of Ada's"
    ada = models.find_person(["ada@example.com"])
    [thread] = ada.conversations
    code, out, err = cli(db, "erase", "bob@example.com", "--reference", "R-12")
    assert code == 0 and "1 message in others' conversations" in out, err + out
    kept = models.get_conversation(thread.id)
    assert [m.body.strip() for m in kept.messages] == [
        "My order is broken. Ac-1",
        "We will replace both. Ac-2",
    ]
    assert left(["Bc-Street", "bob@example.com", "Bob Colleague"]) == []


def imported(db, tmp_path, text: str = MBOX) -> None:
    mbox = tmp_path / f"box{len(list(tmp_path.iterdir()))}.mbox"
    mbox.write_text(text)
    code, _, err = cli(db, "import", str(mbox), "--ours", "support@desk.example")
    assert code == 0, err


def test_an_export_holds_nothing_of_the_second_customer(db, tmp_path):
    imported(db, tmp_path)
    out = tmp_path / "ada.json"
    code, _, err = cli(db, "export", "ada@example.com", "--out", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "Ac-1" in text and "Bc-Street" not in text and "Bob" not in text
    [thread] = json.loads(text)["conversations"]
    assert thread["left_out"] == 1


def test_forgetting_the_second_customer_leaves_no_copy_of_their_name(db, tmp_path):
    imported(db, tmp_path)
    bob = models.find_person(["bob@example.com"]).contacts[0].id
    code, _, err = cli(db, "forget", str(bob))
    assert code == 0, err
    authors = engine.db.execute_sql("SELECT author FROM message").fetchall()
    assert ("Bob Colleague",) not in authors, "the profile's name is kept nowhere but bodies"
    [thread] = models.find_person(["ada@example.com"]).conversations
    authors = [m.author for m in models.get_conversation(thread.id).messages]
    assert "Bob Colleague" not in authors and models.SOMEONE in authors


REPLY = """From bob@example.com Tue Jan  6 09:00:00 2026
From: Bob Colleague <bob@example.com>
To: support@desk.example
Subject: Re: broken order
Message-ID: <m4@example.com>
In-Reply-To: <m3@example.com>
Date: Tue, 6 Jan 2026 09:00:00 +0000

Still broken. Bob Colleague, 12 Bc-Street

"""


def test_a_reply_into_a_forgotten_customers_thread_is_its_writers(db, tmp_path):
    imported(db, tmp_path)
    ada = models.find_person(["ada@example.com"]).contacts[0].id
    assert cli(db, "forget", str(ada))[0] == 0
    imported(db, tmp_path, REPLY)
    bob = models.find_person(["bob@example.com"])
    assert len(bob.written) == 2, "both of his messages, the new one too, are his"
    code, out, err = cli(db, "erase", "bob@example.com", "--reference", "R-13")
    assert code == 0, err + out
    assert left(["Bc-Street", "Still broken"]) == []


def test_a_name_another_contact_has_only_once_folded_is_theirs_too(db):
    person_with("Zoe Lee", "zoe.lee@example.org", "", "Zl-1")
    models.create_contact("Zoë Lee", "zoe.umlaut@example.org")
    talk = conversation(body="Please ask Zoë Lee in Lyon", email="third@example.com")
    code, out, err = cli(db, "erase", "zoe.lee@example.org", "--reference", "R-14")
    assert code == 0, err + out
    assert models.get_conversation(talk).messages[0].body == "Please ask Zoë Lee in Lyon"


def test_contacts_of_different_names_are_one_person_only_when_the_agent_says_so(db):
    models.set_region("US")
    first, _ = person_with("Ann Hill", "ann.hill@example.org", "+1 415 555 0111", "Sp-1")
    second, _ = person_with("Tom Hill", "tom.hill@example.org", "(415) 555-0111", "Sp-2")
    code, out, _ = cli(db, "erase", "+1 415 555 0111", "--reference", "R-15", "--dry-run")
    assert code == 0 and "2 different names: check that they are one person" in out
    code, _, err = cli(db, "erase", "+1 415 555 0111", "--reference", "R-15")
    assert code == 1 and "--same-person" in err and "nothing was changed" in err
    assert {c.id for c in models.find_person(["+1 415 555 0111"]).contacts} == {first, second}
    code, out, err = cli(db, "erase", "+1 415 555 0111", "--reference", "R-15", "--same-person")
    assert code == 0 and "2 contacts" in out, err


def test_a_name_or_address_in_fullwidth_letters_is_found_and_redacted(db):
    person_with("Sofia Fink", "sofia.fink@example.org", "", "Sf-1")
    talk = conversation(
        body="Ask Ｓｏｆｉａ Ｆｉｎｋ, or sofia.fink＠example.org", email="x@example.com"
    )
    code, out, err = cli(db, "erase", "sofia.fink@example.org", "--reference", "R-16")
    assert code == 0, err + out
    assert models.get_conversation(talk).messages[0].body == "Ask [redacted], or [redacted]"
