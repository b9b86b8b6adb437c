"""Replies sent through a real SMTP server: addressed, threaded, recorded, never lost."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta
from email.message import EmailMessage

import pytest

import models
from models.outbound import outbox
from models.store.schema import MailReference, Outbox, ReplyDraft

from .authority import make_authority
from .smtp_server import PASSWORD, USER, Behaviour, smtp_server

pytestmark = pytest.mark.both_engines

CUSTOMER_MAIL = """\
From: Ada Lovelace <ada@example.com>
To: support@desk.example
Subject: Where is my order?
Message-ID: <first@mail.example.com>
Date: Mon, 1 Jun 2026 09:00:00 +0000

Hello, my order has not come.
"""
SECOND_MAIL = """\
From: Ada Lovelace <ada@example.com>
To: support@desk.example
Subject: Re: Where is my order?
Message-ID: <second@mail.example.com>
In-Reply-To: <first@mail.example.com>
References: <first@mail.example.com>
Date: Mon, 1 Jun 2026 10:00:00 +0000

Still nothing.
"""


def imported(tmp_path, *mails: str, ours: str = "support@desk.example") -> int:
    box = tmp_path / "in.mbox"
    box.write_text("".join(f"From x@y Mon Jun  1 09:00:00 2026\n{m}\n" for m in mails))
    models.import_path(box, ours=[ours])
    (cid,) = models.ConversationSearch("").ids()
    return cid


def parsed(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def use_server(port: int, scheme: str = "smtp", login: bool = False, tmp_path=None) -> None:
    if login:
        secret = tmp_path / "password"
        secret.write_text(PASSWORD + "\n")
        models.set_smtp(f"{scheme}://{USER}@127.0.0.1:{port}", str(secret))
    else:
        models.set_smtp(f"{scheme}://127.0.0.1:{port}")


def test_a_reply_threads_in_the_customers_client_and_becomes_an_agent_message(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL, SECOND_MAIL)
    with smtp_server() as server:
        use_server(server.port)
        models.queue_reply(cid, "Sam", "It ships today.\n.\nA line with a dot above.")
        report = models.send_due()
        assert report.sent == [cid], report
    (raw,) = server.messages
    sent = parsed(raw)
    assert sent["From"] == "support@desk.example"
    assert sent["To"] == "ada@example.com"
    assert sent["Subject"] == "Re: Where is my order?"
    assert sent["In-Reply-To"] == "<second@mail.example.com>"
    assert sent["References"] == "<first@mail.example.com> <second@mail.example.com>"
    assert sent["Message-ID"].endswith("@desk.example>")
    text = sent.get_content().replace("\r\n", "\n")
    assert text == "It ships today.\n.\nA line with a dot above.\n"
    detail = models.get_conversation(cid)
    assert (detail.messages[-1].author, detail.messages[-1].body) == (
        "Sam",
        "It ships today.\n.\nA line with a dot above.\n",
    )
    assert Outbox.select().count() == 0, "the outbox holds no text after sending"
    ours = MailReference.select().where(MailReference.ours).get()
    assert f"<{ours.message_id}>" == sent["Message-ID"]
    assert models.ConversationSearch("ships").ids() == [cid]


def test_the_message_id_is_fixed_before_the_first_try_and_kept_at_every_try(db, tmp_path, clock):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    queued = models.queue_reply(cid, "Sam", "Hello")
    with smtp_server(behaviour=Behaviour(refuse_data="451 4.3.0 try later")) as server:
        use_server(server.port)
        report = models.send_due()
        assert report.waiting and not report.sent
        (row,) = models.pending_replies(cid)
        assert row.shown == "not sent yet"
        assert row.reason == "the message was refused: 451 4.3.0 try later"
        assert models.send_due().waiting == [], "nothing is tried before its backoff ends"
        clock.advance(outbox.backoff(1))
        server.behaviour.refuse_data = ""
        assert models.send_due().sent == [cid]
    first, second = (parsed(m) for m in server.messages)
    assert first["Message-ID"] == second["Message-ID"] == f"<{queued.message_id}>"
    assert first.as_bytes() == second.as_bytes(), "every try sends the same message"


def test_backoff_doubles_and_a_reply_not_taken_in_time_fails_with_the_reason(db, tmp_path, clock):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Hello")
    with smtp_server(behaviour=Behaviour(drop_at="rcpt")) as server:
        use_server(server.port)
        waits = []
        while True:
            report = models.send_due()
            (row,) = models.pending_replies(cid)
            if row.shown == "failed":
                break
            waits.append(row.next_try_at - models.now())
            clock.advance(row.next_try_at - models.now())
    assert waits[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(waits) == outbox.MAX_DELAY
    assert report.failed and "closed the connection" in row.reason
    assert server.messages == []
    retried = models.retry_reply(row.id)
    assert retried.shown == "sending"
    with smtp_server() as server:
        use_server(server.port)
        assert models.send_due().sent == [cid]
    assert len(server.messages) == 1


def test_a_refused_recipient_fails_at_once_with_the_servers_line(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Hello")
    with smtp_server(behaviour=Behaviour(refuse_rcpt="550 5.1.1 no such user")) as server:
        use_server(server.port)
        report = models.send_due()
    (row,) = models.pending_replies(cid)
    assert row.shown == "failed"
    assert row.reason == "the recipient was refused: 550 5.1.1 no such user"
    assert report.failed and server.messages == []


def test_no_answer_to_the_end_of_data_is_never_sent_again_by_itself(db, tmp_path, clock):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Hello")
    with smtp_server(behaviour=Behaviour(drop_at="data")) as server:
        use_server(server.port)
        models.send_due()
        clock.advance(timedelta(days=1))
        models.send_due()
    assert len(server.messages) == 1, "the server had it: it is not sent again"
    (row,) = models.pending_replies(cid)
    assert row.shown == "failed" and "may have been sent" in row.reason


def test_starttls_with_a_login_through_a_trusted_certificate(db, tmp_path):
    authority = make_authority(tmp_path)
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Over TLS")
    with smtp_server("starttls", authority, login=True) as server:
        use_server(server.port, "submission", login=True, tmp_path=tmp_path)
        assert models.send_due(authority.client()).sent == [cid]
    assert len(server.messages) == 1
    assert PASSWORD not in str(models.all_settings()) + str(models.smtp())


def test_smtps_with_a_login(db, tmp_path):
    authority = make_authority(tmp_path)
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Over TLS from the start")
    with smtp_server("smtps", authority, login=True) as server:
        use_server(server.port, "smtps", login=True, tmp_path=tmp_path)
        report = models.send_due(authority.client())
        assert report.sent == [cid], report
    assert len(server.messages) == 1


def test_an_untrusted_certificate_fails_and_sends_nothing(db, tmp_path):
    authority, stranger = make_authority(tmp_path), make_authority(tmp_path / "other")
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Hello")
    with smtp_server("starttls", authority) as server:
        use_server(server.port, "submission")
        report = models.send_due(stranger.client())
    (row,) = models.pending_replies(cid)
    assert row.shown == "failed" and "certificate is not trusted" in row.reason, report
    assert server.messages == []


def test_a_wrong_password_fails_with_the_servers_line(db, tmp_path):
    authority = make_authority(tmp_path)
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Hello")
    with smtp_server("starttls", authority, login=True) as server:
        wrong = tmp_path / "wrong"
        wrong.write_text("not it\n")
        models.set_smtp(f"submission://{USER}@127.0.0.1:{server.port}", str(wrong))
        models.send_due(authority.client())
    (row,) = models.pending_replies(cid)
    assert row.shown == "failed" and row.reason.startswith("login refused: 535"), row.reason
    assert server.messages == []
    assert "not it" not in row.reason


def test_a_server_that_offers_no_starttls_is_never_sent_the_message_in_the_clear(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Hello")
    with smtp_server() as server:
        models.set_smtp(f"submission://127.0.0.1:{server.port}")
        models.send_due()
    (row,) = models.pending_replies(cid)
    assert row.shown == "failed" and "no STARTTLS" in row.reason
    assert server.messages == []


def test_a_reply_to_automatic_mail_asks_first(db, tmp_path):
    auto = CUSTOMER_MAIL.replace("Subject:", "Auto-Submitted: auto-replied\nSubject:")
    cid = imported(tmp_path, auto)
    assert models.reply_to(cid).automatic
    with pytest.raises(models.Refused, match="looks automatic"):
        models.queue_reply(cid, "Sam", "Hello")
    assert Outbox.select().count() == 0
    models.queue_reply(cid, "Sam", "Hello", automatic_ok=True)
    assert Outbox.select().count() == 1


def test_other_channels_cannot_be_answered_yet(db):
    contact = models.create_contact(name="Bo", email="bo@example.com")
    cid = models.create_conversation("Chat", contact, "hi", kind="chat")
    models.set_ours(["support@desk.example"])
    with pytest.raises(models.Refused, match="cannot be answered from hushdesk yet"):
        models.queue_reply(cid, "Sam", "Hello")


def test_drafts_are_kept_and_go_when_the_reply_is_sent(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    assert models.save_draft(cid, "Sam", "half a thought")
    assert models.draft(cid, "Sam") == "half a thought"
    assert models.draft(cid, "Kim") is None
    models.queue_reply(cid, "Sam", "the whole thought")
    assert models.draft(cid, "Sam") is None


def test_deleting_a_conversation_takes_its_drafts_outbox_and_message_ids(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.save_draft(cid, "Kim", "draft words")
    models.queue_reply(cid, "Sam", "queued words")
    models.archive([cid])
    models.delete_conversations([cid], "sam")
    for table in (ReplyDraft, Outbox, MailReference):
        assert table.select().count() == 0, table


def test_the_customers_answer_to_a_reply_joins_its_conversation(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    with smtp_server() as server:
        use_server(server.port)
        queued = models.queue_reply(cid, "Sam", "Which order number?")
        assert models.send_due().sent == [cid]
    answer = (
        "From: Ada Lovelace <ada@example.com>\nTo: support@desk.example\n"
        "Subject: a new subject entirely\nMessage-ID: <answer@mail.example.com>\n"
        f"In-Reply-To: <{queued.message_id}>\nDate: Tue, 2 Jun 2026 09:00:00 +0000\n\n"
        "It is order 4242.\n"
    )
    box = tmp_path / "answer.mbox"
    box.write_text(f"From x@y Tue Jun  2 09:00:00 2026\n{answer}\n")
    models.import_path(box)
    assert models.ConversationSearch("").ids() == [cid]
    bodies = [m.body for m in models.get_conversation(cid).messages]
    assert bodies[-1].startswith("It is order 4242.")


def test_from_is_the_address_of_ours_the_customer_wrote_to(db, tmp_path):
    to_sales = CUSTOMER_MAIL.replace("To: support@desk.example", "To: sales@desk.example")
    box = tmp_path / "in.mbox"
    box.write_text(f"From x@y Mon Jun  1 09:00:00 2026\n{to_sales}\n")
    models.import_path(box, ours=["support@desk.example", "sales@desk.example"])
    (cid,) = models.ConversationSearch("").ids()
    plan = models.reply_to(cid)
    assert (plan.sender, plan.recipient) == ("sales@desk.example", "ada@example.com")
    assert models.queue_reply(cid, "Sam", "Hi").message_id.endswith("@desk.example")
