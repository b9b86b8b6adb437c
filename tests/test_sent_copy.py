"""The copy of each sent reply in the Sent folder of an intake mailbox (a real Dovecot),
and a reply a kill left "may have been sent" settled by what the mailbox holds."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest

import models
from models.inflow.sent_copy import append_copy
from models.outbound import outbox, sending
from models.store.schema import Outbox

from . import dovecot
from .dovecot import Account
from .smtp_server import WAIT_S, Behaviour, smtp_server
from .test_intake_imap import add
from .test_replies import CUSTOMER_MAIL, imported
from .test_replies_cli import desk, hushdesk
from .test_replies_kill import killed_then_sent_again, sender, wait_until

dovecot_server, account = dovecot.dovecot_server, dovecot.account  # the fixtures


def copies(account: Account) -> list[bytes]:
    return [path.read_bytes() for path in account.files("Sent")]


@pytest.mark.both_engines
def test_a_sent_reply_is_copied_to_the_sent_folder_once(db, tmp_path, account):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    add(account)
    assert models.set_sent_copy("support") == "support"
    (queued,) = [models.queue_reply(cid, "Sam", "It ships today.")]
    with smtp_server() as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        report = models.send_due()
    assert report.sent == [cid] and report.failed == []
    (raw,) = server.messages
    (copy,) = copies(account)
    assert f"Message-ID: <{queued.message_id}>".encode() in copy
    assert b"It ships today." in copy
    assert append_copy(raw, queued.message_id) == "", "a copy already there is not added"
    assert len(copies(account)) == 1


def test_the_copy_is_appended_after_the_servers_answer_before_the_reply_is_recorded(
    db, tmp_path, account
):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    add(account)
    models.set_sent_copy("support")
    queued = models.queue_reply(cid, "Sam", "It ships today.")
    seen: list[tuple[int, str]] = []

    def watched(message: bytes, message_id: str) -> str:
        row = Outbox.get_or_none(Outbox.id == queued.id)
        seen.append((len(server.messages), row.state if row else "recorded as sent"))
        return append_copy(message, message_id)

    with smtp_server() as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        report = sending.send_due(copy=watched)
    assert report.sent == [cid]
    assert seen == [(1, outbox.FINAL)], "accepted by the server, not yet recorded as sent"
    assert len(copies(account)) == 1 and Outbox.select().count() == 0


def test_a_copy_that_cannot_be_appended_leaves_the_reply_sent_and_says_so(db, tmp_path, account):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    wrong = tmp_path / "wrong-password"
    wrong.write_text("not the password\n")
    models.add_source(
        "support", account.url(), password_file=str(wrong), ca_file=str(account.server.ca)
    )
    models.set_sent_copy("support")
    models.queue_reply(cid, "Sam", "It ships today.")
    with smtp_server() as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        report = models.send_due()
    assert report.sent == [cid] and len(server.messages) == 1
    (line,) = report.failed
    assert "its copy was not kept" in line and "refused the user name or password" in line
    assert Outbox.select().count() == 0 and copies(account) == []


@pytest.mark.both_engines
def test_only_an_imap_source_can_keep_the_copies(db, tmp_path, account):
    for sub in ("cur", "new", "tmp"):
        (tmp_path / "box" / sub).mkdir(parents=True)
    models.add_source("local", f"maildir:{tmp_path / 'box'}", after="keep")
    with pytest.raises(models.InvalidInput, match="not an IMAP source"):
        models.set_sent_copy("local")
    with pytest.raises(models.NotFound):
        models.set_sent_copy("nothing")
    assert models.sent_copy() == ""


@pytest.mark.sqlite_only
@pytest.mark.parametrize("moment", ["before the server's answer", "after the copy"])
def test_a_reply_a_kill_left_uncertain_is_settled_by_the_mailbox(
    db, tmp_path, clock, account, moment
):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    add(account)
    models.set_sent_copy("support")
    queued = models.queue_reply(cid, "Sam", "Your order ships today.")
    gate = threading.Event()
    lock = sqlite3.connect(db, timeout=WAIT_S, isolation_level=None)
    with smtp_server(behaviour=Behaviour(hold=gate, hold_at="end")) as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        child = sender(db, models.now().isoformat())
        assert server.behaviour.holding.wait(WAIT_S)
        if moment == "after the copy":
            lock.execute("BEGIN IMMEDIATE")  # the child cannot record what was taken
            gate.set()
            wait_until(lambda: len(copies(account)) == 1, "the copy in the Sent folder")
        killed_then_sent_again(child, lock, gate, db)
    lock.close()
    clock.advance(outbox.LEASE + timedelta(minutes=1))
    (delivered,) = [m for m in server.messages if b"ships today" in m]
    (row,) = models.pending_replies(cid)
    assert row.shown == "failed" and "may have been sent" in row.reason
    if moment == "before the server's answer":
        assert copies(account) == [], "no copy of what the server had not answered"
        assert models.settle_uncertain().unknown == [queued.id], "found nowhere yet"
        account.deliver(delivered)  # the server's copy to the support address
    settled = models.settle_uncertain()
    assert (settled.sent, settled.unknown, settled.said) == ([queued.id], [], "")
    assert Outbox.select().count() == 0
    assert [m.author for m in models.get_conversation(cid).messages] == ["customer", "Sam"]
    assert len(copies(account)) == (1 if moment == "after the copy" else 0), "never twice"
    (fetched,) = models.fetch()  # the copy in the inbox is our reply, already stored
    assert (fetched.messages, fetched.duplicates) == (0, 1 if moment != "after the copy" else 0)
    assert len(models.get_conversation(cid).messages) == 2


def test_the_sent_copy_setting_refuses_bad_names_in_one_line_and_changes_nothing(tmp_path):
    db = desk(tmp_path)
    for args in (["nothing"], [], ["x", "--clear"], ["a\x1b[31mb"]):
        code, out, err = hushdesk(db, "settings", "sent-copy", *args)
        assert (code, out, err.count("\n")) == (1, "", 1) and "\x1b" not in err, args
    assert "sent-copy: none" in hushdesk(db, "settings")[1]
