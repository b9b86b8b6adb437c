"""Live intake from a real IMAP server: a throwaway Dovecot on 127.0.0.1 (tests/dovecot.py).

Each test has an account of its own. Mail is delivered as an MTA delivers it
and fetched through the same operations `hushdesk fetch` and the app call.
"""

from __future__ import annotations

import pytest

import models
from models.inflow import fetch as inflow_fetch
from models.inflow.tables import IntakeTaken
from models.store.schema import Message

from . import dovecot
from .dovecot import Account
from .test_cli import cli

dovecot_server, account = dovecot.dovecot_server, dovecot.account  # the fixtures

pytestmark = pytest.mark.both_engines


def letter(n: int, sender: str = "ann@example.com", reply_to: str = "", body: str = "") -> bytes:
    refs = f"In-Reply-To: <{reply_to}>\nReferences: <{reply_to}>\n" if reply_to else ""
    subject = "Re: Where is my order?" if reply_to else "Where is my order?"
    return (
        f"From: Ann Customer <{sender}>\nTo: support@desk.example\nSubject: {subject}\n"
        f"Date: Mon, 1 Jun 2026 10:{n % 60:02d}:00 +0000\nMessage-ID: <m{n}@example.com>\n"
        f"{refs}\n{body or f'Message number {n}, about my order.'}\n"
    ).encode()


def agent_reply(n: int, to: str) -> bytes:
    return (
        f"From: Desk <support@desk.example>\nTo: {to}\nSubject: Re: Where is my order?\n"
        f"Date: Mon, 1 Jun 2026 10:{n % 60:02d}:30 +0000\nMessage-ID: <r{n}@desk.example>\n"
        f"In-Reply-To: <m{n}@example.com>\nReferences: <m{n}@example.com>\n\nOn its way.\n"
    ).encode()


def add(account: Account, name: str = "support", after: str = "keep", **extra: str):
    folder = extra.pop("folder", "")
    return models.add_source(
        name,
        extra.pop("url", account.url()),
        password_file=str(account.password_file),
        ca_file=extra.pop("ca_file", str(account.server.ca)),
        after=after,
        folder=folder,
    )


def bodies() -> list[str]:
    return sorted(m.body for m in Message.select())


def test_fetch_then_the_customers_reply_joins_the_same_conversation(db, account):
    models.set_ours(["support@desk.example"])
    add(account, after="move")
    account.deliver(letter(1))
    (first,) = models.fetch()
    assert (first.error, first.messages, first.conversations) == ("", 1, 1)
    assert account.files() == [] and len(account.files("hushdesk/done")) == 1  # moved
    account.deliver(agent_reply(1, "ann@example.com"))
    account.deliver(letter(2, reply_to="r1@desk.example", body="Thanks, still waiting."))
    (second,) = models.fetch()
    assert (second.error, second.messages, second.conversations, second.joined) == ("", 2, 0, 2)
    (conversation,) = models.ConversationSearch("").ids()
    detail = models.get_conversation(conversation)
    assert [m.author for m in detail.messages] == ["customer", "Desk", "customer"]
    (again,) = models.fetch()
    assert (again.read, again.messages) == (0, 0)
    assert len(account.files("hushdesk/done")) == 3


def test_imap_with_starttls_and_each_after_intake(db, account):
    add(account, "seen", url=account.url(tls=False), after="seen")
    account.deliver(letter(1))
    (result,) = models.fetch("seen")
    assert (result.error, result.messages) == ("", 1)
    (path,) = account.files()
    assert path.parent.name == "cur" and path.name.endswith("S")  # marked seen, kept
    models.remove_source("seen")
    add(account, "deleting", after="delete")
    account.deliver(letter(2))
    (result,) = models.fetch("deleting")
    assert (result.messages, result.duplicates) == (1, 1)  # the first again: found by its id
    assert account.files() == []
    assert len(bodies()) == 2


def test_every_message_once_though_seen_unseen_and_fetched_again(db, account):
    add(account)
    for n in range(1, 8):
        account.deliver(letter(n))
    (result,) = models.fetch()
    assert (result.read, result.messages) == (7, 7)
    for n in range(8, 11):
        account.deliver(letter(n))
    (result,) = models.fetch()
    assert (result.read, result.messages, result.duplicates) == (3, 3, 0)
    assert len(bodies()) == 10 and IntakeTaken.select().count() == 10


def test_a_new_uidvalidity_reads_the_mailbox_again_and_doubles_nothing(db, account):
    add(account)
    for n in range(1, 4):
        account.deliver(letter(n))
    models.fetch()
    (account.root / "dovecot-uidlist").unlink()  # Dovecot gives the mailbox a new UIDVALIDITY
    for index in account.root.glob("dovecot.index*"):
        index.unlink()
    (result,) = models.fetch()
    assert (result.error, result.read, result.messages, result.duplicates) == ("", 3, 0, 3)
    assert len(bodies()) == 3
    assert {t.box for t in IntakeTaken.select()} != {""} and IntakeTaken.select().count() == 3


def test_erased_mail_never_comes_back(db, account, tmp_path):
    add(account, after="delete")
    account.deliver(letter(1))
    account.deliver(letter(2, sender="bob@example.com"))
    models.fetch()
    assert models.erase(["ann@example.com"], "GDPR-1", "sam").counts.conversations == 1
    account.deliver(letter(1))  # the same mail again, on the server
    (result,) = models.fetch()
    assert (result.messages, result.gone) == (0, 1)
    mbox = tmp_path / "old.mbox"
    mbox.write_bytes(b"From ann@example.com Mon Jun  1 10:01:00 2026\n" + letter(1))
    imported = models.import_path(mbox)
    assert (imported.messages, imported.gone) == (0, 1)
    assert all("Message number 1," not in body for body in bodies())
    account.deliver(letter(3, body="I am writing again."))  # a new message: a new contact
    (result,) = models.fetch()
    assert (result.messages, result.conversations) == (1, 1)
    assert models.find_person(["ann@example.com"]).contact_ids


def test_a_swept_conversation_stays_out_of_the_next_fetch(db, account, clock):
    add(account)
    account.deliver(letter(1))
    models.fetch()
    models.set_assistant("Email", 1)
    from datetime import timedelta

    clock.at += timedelta(days=400)
    assert sum(r.deleted for r in models.sweep()) == 1
    models.remove_source("support")  # forget what was taken: only the tombstone is left
    add(account)
    (result,) = models.fetch()
    assert (result.read, result.messages, result.gone) == (1, 0, 1)


@pytest.mark.parametrize("after", ["move", "keep"])
def test_a_sweep_deletes_the_servers_copy_at_the_next_fetch(db, account, clock, after):
    from datetime import timedelta

    add(account, after=after)
    account.deliver(letter(1))
    account.deliver(letter(2, sender="bob@example.com"))
    models.fetch()
    held = models.ConversationSearch("email:bob@example.com").ids()
    models.hold(held)
    where = "hushdesk/done" if after == "move" else "INBOX"
    assert len(account.files(where)) == 2
    models.set_assistant("Email", 1)
    clock.at += timedelta(days=400)
    assert sum(r.deleted for r in models.sweep()) == 1  # Ann's; Bob's is on hold
    (result,) = models.fetch()
    assert (result.error, result.purged, result.kept) == ("", 1, 0)
    (left,) = account.files(where)
    assert b"bob@example.com" in left.read_bytes()
    (again,) = models.fetch()
    assert again.purged == 0


@pytest.mark.parametrize("after", ["keep", "move"])
def test_two_fetchers_at_once_take_each_message_once(db, account, monkeypatch, after):
    """Two fetches at once: each lists the same new UIDs; the second to write finds them
    taken inside its own transaction, and leaves the copies where the first put them."""
    add(account, after=after)
    for n in range(1, 21):
        account.deliver(letter(n))
    monkeypatch.setattr(inflow_fetch, "BATCH", 5)
    original = inflow_fetch.take
    inner: list[list[inflow_fetch.FetchResult]] = []

    def take(source, box, loaded, into):  # type: ignore[no-untyped-def]
        if not inner:  # the first batch of the outer fetch: a whole other fetch runs first
            inner.append([])
            inner[0] += models.fetch()
        original(source, box, loaded, into)

    monkeypatch.setattr(inflow_fetch, "take", take)
    (outer,) = models.fetch()
    ((other,),) = inner
    assert other.messages == 20 and outer.messages == 0
    assert (other.error, outer.error) == ("", "")
    assert len(bodies()) == 20 and IntakeTaken.select().count() == 20
    if after == "move":
        assert len(account.files("hushdesk/done")) == 20
        assert all(t.place.startswith("moved:") for t in IntakeTaken.select())


def test_faults_are_one_line_and_the_next_fetch_completes(db, account, dovecot_server):
    add(account, "wrong", ca_file="")  # the test CA not given: the certificate is not trusted
    (result,) = models.fetch("wrong")
    assert "certificate is not trusted" in result.error
    models.remove_source("wrong")
    account.password_file.write_text("not the password\n")
    add(account, "pw")
    (result,) = models.fetch("pw")
    assert result.error.endswith("refused the user name or password")
    assert "not the password" not in result.error
    account.password_file.write_text(account.password + "\n")
    models.remove_source("pw")
    add(account, "nobox", url=account.url("Missing"))
    (result,) = models.fetch("nobox")
    assert "the mailbox Missing cannot be opened" in result.error
    (source,) = models.list_sources()
    assert source.last_error == result.error and source.failures == 1
    assert source.next_fetch is not None and source.last_fetch is not None
    assert source.next_fetch - source.last_fetch == 2 * inflow_fetch.POLL  # backing off


def test_the_server_stopped_during_a_fetch(db, monkeypatch, dovecot_server):
    """A server of its own (the shared one is skipped or failed for without Dovecot)."""
    import shutil
    import tempfile
    from pathlib import Path

    from . import dovecot

    folder = Path(tempfile.mkdtemp(prefix="hushdesk-dovecot-"))
    server = dovecot.start(folder)
    try:
        mine = server.account()
        add(mine)
        for n in range(1, 11):
            mine.deliver(letter(n))
        monkeypatch.setattr(inflow_fetch, "BATCH", 4)
        original = inflow_fetch.take

        def take(source, box, loaded, into):  # type: ignore[no-untyped-def]
            original(source, box, loaded, into)
            server.stop()  # after the first batch is in

        monkeypatch.setattr(inflow_fetch, "take", take)
        (result,) = models.fetch()
        assert result.messages == 4 and "connection" in result.error
        monkeypatch.setattr(inflow_fetch, "take", original)
        server.start()
        (result,) = models.fetch()
        assert (result.error, result.messages) == ("", 6)
        assert len(bodies()) == 10
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_an_unreachable_server_through_the_command_line(db, account, tmp_path):
    code, out, err = cli(
        db,
        "intake",
        "add",
        "gone",
        "imaps://support@127.0.0.1:1/INBOX",
        "--password-file",
        str(account.password_file),
    )
    assert code == 0, err
    code, out, err = cli(db, "fetch")
    assert code == 1 and len(err.splitlines()) == 1 and "Traceback" not in err
    assert "refused the connection" in err and account.password not in err
    code, out, err = cli(db, "intake", "ls")
    assert "refused the connection" in out and account.password not in out


def test_auto_replies_bulk_mail_and_bounces_are_marked_never_the_customers(db, account):
    models.set_ours(["support@desk.example"])
    add(account)
    account.deliver(letter(1))
    account.deliver(agent_reply(1, "ann@example.com"))
    account.deliver(
        b"From: Ann Customer <ann@example.com>\nTo: support@desk.example\n"
        b"Subject: Out of office\nAuto-Submitted: auto-replied\nMessage-ID: <ooo@example.com>\n"
        b"In-Reply-To: <r1@desk.example>\nDate: Mon, 1 Jun 2026 10:05:00 +0000\n\nAway.\n"
    )
    account.deliver(
        b"Return-Path: <>\nFrom: Mail Delivery System <MAILER-DAEMON@mx.example>\n"
        b"To: support@desk.example\nSubject: Undelivered Mail\nMessage-ID: <b1@mx.example>\n"
        b"In-Reply-To: <r1@desk.example>\nDate: Mon, 1 Jun 2026 10:06:00 +0000\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="B"\n\n'
        b"--B\nContent-Type: text/plain\n\nIt bounced.\n--B--\n"
    )
    account.deliver(
        b"From: News <news@list.example>\nTo: support@desk.example\nSubject: Weekly news\n"
        b"Precedence: bulk\nMessage-ID: <n1@list.example>\n"
        b"Date: Mon, 1 Jun 2026 10:07:00 +0000\n\nNews.\n"
    )
    (result,) = models.fetch()
    assert (result.error, result.messages) == ("", 5)
    rows = {m.body.strip(): m for m in Message.select()}
    assert rows["Away."].automatic == "auto-submitted" and rows["Away."].author != "customer"
    assert rows["It bounced."].automatic == "bounce"
    assert rows["News."].automatic == "bulk"
    assert rows["Message number 1, about my order."].automatic == ""
    assert rows["Message number 1, about my order."].author == "customer"
    (ann,) = models.ConversationSearch("email:ann@example.com").ids()
    shown = models.get_conversation(ann).messages
    assert [m.automatic for m in shown] == ["", "", "auto-submitted", "bounce"]


def test_a_message_over_the_limit_is_named_never_fetched_and_counted_taken(
    db, account, monkeypatch
):
    from models.inflow import imap_box

    monkeypatch.setattr(imap_box, "MAX_MESSAGE", 20_000)  # 50 MB in use; the rule is the same
    add(account)
    account.deliver(letter(1, body="x" * 30_000))
    account.deliver(letter(2))
    (result,) = models.fetch()
    assert (result.error, result.read, result.messages) == ("", 2, 1)
    assert len(result.skipped) == 1 and result.skipped[0].startswith("UID 1: larger than")
    (again,) = models.fetch()
    assert again.read == 0
