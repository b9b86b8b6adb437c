"""The app fetches in the background: mail delivered while it runs shows in the open inbox.

With IMAP IDLE (a real Dovecot), a delivered message is fetched as soon as the
server announces it, with no key pressed and no clock moved. A Maildir is polled:
the test moves the app's clock past the source's next fetch.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

import models
from tui.app import make_app
from tui.app.widgets.conversation_list import ConversationList

from . import dovecot
from .test_intake_imap import letter
from .test_intake_maildir import drop, maildir
from .test_live import SIZE, said, until

dovecot_server, account = dovecot.dovecot_server, dovecot.account  # the fixtures
pytestmark = pytest.mark.both_engines


async def test_mail_delivered_while_the_app_runs_shows_through_idle(db, clock, account):
    models.add_source(
        "support",
        account.url(),
        password_file=str(account.password_file),
        ca_file=str(account.server.ca),
    )
    account.deliver(letter(1))
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ConversationList)
        await until(pilot, lambda: view.total == 1, seconds=20)
        account.deliver(letter(2, sender="bob@example.com", body="A new question."))
        await until(pilot, lambda: view.total == 2, seconds=20)  # IDLE: no clock moved
        assert "1 new message from support." in said(app)
        assert len(account.files("hushdesk/done")) == 2


async def test_a_maildir_filled_while_the_app_runs_is_polled(db, clock, tmp_path):
    box = maildir(tmp_path / "Mail")
    models.add_source("local", f"maildir:{box}", after="keep")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ConversationList)
        drop(box, "1.M1P1.host", letter(1))
        clock.at += timedelta(minutes=2)
        await until(pilot, lambda: view.total == 1, seconds=20)
        drop(box, "2.M2P1.host", letter(2, sender="bob@example.com"))
        clock.at += timedelta(minutes=2)
        await until(pilot, lambda: view.total == 2, seconds=20)
        assert view.row_at(0).subject == "Where is my order?"


async def test_a_failing_source_is_a_notification_and_the_app_goes_on(db, clock, tmp_path):
    box = maildir(tmp_path / "Mail")
    models.add_source("local", f"maildir:{box}")
    for sub in ("tmp", "new", "cur"):
        (box / sub).rmdir()
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: any("Fetching from local failed" in m for m in said(app)))
        await pilot.press("j")
        assert app.screen.query_one(ConversationList) is not None
