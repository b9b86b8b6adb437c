"""The whole round trip against real servers on 127.0.0.1, through the real entry point.

A customer's mail is delivered to a throwaway Dovecot and taken by `hushdesk fetch`;
an agent answers with `hushdesk reply` and `hushdesk send` through aiosmtpd, a copy
kept in the mailbox's Sent folder; the customer answers that reply under a new
subject, naming it only in In-Reply-To, and the next fetch puts the answer in the
same conversation.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from datetime import timedelta
from email.message import EmailMessage

import pytest

import models

from . import dovecot
from .smtp_server import smtp_server
from .test_replies_cli import hushdesk

dovecot_server, account = dovecot.dovecot_server, dovecot.account  # the fixtures

pytestmark = pytest.mark.both_engines

OURS = "support@desk.example"
FIRST = f"""\
From: Ada Lovelace <ada@example.com>
To: {OURS}
Subject: Where is my order?
Message-ID: <first@mail.example.com>
Date: Mon, 1 Jun 2026 09:00:00 +0000

Hello, my order has not come.
"""


def answer(reply: EmailMessage) -> bytes:
    """The customer's answer to our reply, a minute after it: a new subject, threaded only
    by its In-Reply-To."""
    date = email.utils.format_datetime(reply["Date"].datetime + timedelta(minutes=1))
    return (
        f"From: Ada Lovelace <ada@example.com>\nTo: {OURS}\nSubject: Something else entirely\n"
        f"Message-ID: <answer@mail.example.com>\nDate: {date}\n"
        f"In-Reply-To: {reply['Message-ID']}\n\nIt came, thank you.\n"
    ).encode()


def parsed(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def fetched(db) -> str:
    code, out, err = hushdesk(db, "fetch")
    assert code == 0, out + err
    return out


def test_a_reply_and_the_customers_answer_make_one_conversation(db_path, account, tmp_path):
    models.open_database(db_path, create=True)
    models.close_database()
    assert hushdesk(db_path, "settings", "ours", OURS)[0] == 0
    url = account.url()
    code, out, err = hushdesk(
        db_path,
        "intake",
        "add",
        "support",
        url,
        "--password-file",
        str(account.password_file),
        "--ca-file",
        str(account.server.ca),
    )
    assert code == 0, out + err
    account.deliver(FIRST.encode())
    assert "1 imported (1 new conversation" in fetched(db_path)
    body = tmp_path / "reply.txt"
    body.write_text("It ships today.\n")
    # written with no server set: it waits in the outbox for `hushdesk send`
    code, out, _ = hushdesk(db_path, "reply", "1", "--body-file", str(body))
    assert code == 5 and "is in the outbox" in out and "no SMTP server is set" in out
    code, out, _ = hushdesk(db_path, "settings", "sent-copy", "support")
    assert code == 0 and "in the Sent folder of support" in out
    with smtp_server() as server:
        assert hushdesk(db_path, "settings", "smtp", f"smtp://127.0.0.1:{server.port}")[0] == 0
        code, out, err = hushdesk(db_path, "send")
        assert code == 0 and "Sent 1 reply." in out, out + err
        assert "Sent 0 replies." in hushdesk(db_path, "send")[1], "never twice"
    (raw,) = server.messages
    sent = parsed(raw)
    assert sent["From"] == OURS and sent["To"] == "ada@example.com"
    assert sent["In-Reply-To"] == "<first@mail.example.com>"
    assert sent["References"] == "<first@mail.example.com>"
    assert sent["Message-ID"].endswith("@desk.example>")
    (copy,) = account.files("Sent")
    assert f"Message-ID: {sent['Message-ID']}".encode() in copy.read_bytes()
    assert hushdesk(db_path, "outbox", "settle")[1] == "No reply may have been sent.\n"
    account.deliver(answer(sent))
    out = fetched(db_path)
    assert "1 imported (0 new conversations, 1 joined earlier ones)" in out, out
    models.open_database(db_path)
    try:
        (conversation,) = models.ConversationSearch("").ids()
        detail = models.get_conversation(conversation)
        assert [(m.author, m.body.strip()) for m in detail.messages] == [
            ("customer", "Hello, my order has not come."),
            ("Sam", "It ships today."),
            ("customer", "It came, thank you."),
        ]
    finally:
        models.close_database()
