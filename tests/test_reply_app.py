"""Pilot tests: the reply editor in the real app, on a real database, to a real SMTP server."""

from __future__ import annotations

import sys
from pathlib import Path

import models
from models.store.schema import Outbox
from tui.app import make_app
from tui.app.dialogs.confirm import ConfirmDialog
from tui.app.editor import edited
from tui.app.screens.inbox import InboxScreen
from tui.app.screens.reply import ReplyScreen
from tui.app.widgets.conversation_pane import ConversationPane

from .helpers import settle
from .smtp_server import Behaviour, smtp_server
from .test_replies import CUSTOMER_MAIL, imported

SIZE = (120, 40)


def body(app):
    return app.screen.query_one("#reply-body")


def header_text(app) -> str:
    return str(app.screen.query_one("#reply-header").render())


async def open_editor(pilot) -> ReplyScreen:
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReplyScreen)
    return pilot.app.screen


async def test_r_writes_a_reply_and_ctrl_s_sends_it_threaded(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    with smtp_server() as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        app = make_app("Sam")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await open_editor(pilot)
            shown = header_text(app)
            assert "Subject: Re: Where is my order?" in shown
            assert "To: ada@example.com" in shown and "From: support@desk.example" in shown
            assert body(app).text == "", "it quotes nothing"
            await pilot.press(*"On its way", "ctrl+s")
            await settle(pilot)
            assert isinstance(app.screen, InboxScreen)
            await settle(pilot)
        (raw,) = server.messages
    assert b"In-Reply-To: <first@mail.example.com>" in raw and b"On its way" in raw
    last = models.get_conversation(cid).messages[-1]
    assert (last.author, last.body) == ("Sam", "On its way\n")


async def test_esc_keeps_the_draft_and_it_is_there_after_a_restart(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.set_signature("Sam", "Sam, Support")
    app = make_app("Sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_editor(pilot)
        assert body(app).text == "\n\n-- \nSam, Support\n", "the signature below an empty reply"
        await pilot.press(*"Half a reply")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    assert models.draft(cid, "Sam") == "Half a reply\n\n-- \nSam, Support\n"
    again = make_app("Sam")
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_editor(pilot)
        assert body(again).text == "Half a reply\n\n-- \nSam, Support\n"
    assert Outbox.select().count() == 0, "nothing was sent"


async def test_other_channels_say_they_cannot_be_answered_yet(db):
    contact = models.create_contact(name="Bo", email="bo@example.com")
    models.create_conversation("Chat", contact, "hi", kind="chat")
    app = make_app("Sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        said = [n.message for n in app._notifications]
        assert any("cannot be answered from hushdesk yet" in m for m in said), said


async def test_a_reply_to_automatic_mail_asks_first(db, tmp_path):
    imported(tmp_path, CUSTOMER_MAIL.replace("Subject:", "Precedence: bulk\nSubject:"))
    app = make_app("Sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_editor(pilot)
        assert "looks automatic" in header_text(app)
        await pilot.press(*"Thanks", "ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, ReplyScreen) and Outbox.select().count() == 0
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert Outbox.select().count() == 1


async def test_a_failed_reply_shows_in_the_conversation_and_t_tries_it_again(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    models.queue_reply(cid, "Sam", "Hello")
    refusing = Behaviour(refuse_rcpt="550 5.1.1 no such user")
    with smtp_server(behaviour=refusing) as server:
        models.set_smtp(f"smtp://127.0.0.1:{server.port}")
        models.send_due()
        app = make_app("Sam")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            shown = str(app.screen.query_one("#conversation-text").render())
            assert "failed (the recipient was refused: 550 5.1.1 no such user)" in shown
            refusing.refuse_rcpt = ""
            await pilot.press("t")
            await settle(pilot)
            await settle(pilot)
            assert models.pending_replies(cid) == []
            assert app.screen.query_one(ConversationPane).pending == []
        assert len(server.messages) == 1


async def test_customer_text_is_never_markup_in_the_editor(db, tmp_path):
    hostile = CUSTOMER_MAIL.replace("Where is my order?", "[bold red]pay[/] \x1b[31mnow")
    imported(tmp_path, hostile)
    app = make_app("Sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_editor(pilot)
        shown = header_text(app)
        assert "Re: [bold red]pay[/]" in shown and "\x1b" not in shown


def test_the_agents_editor_edits_the_reply_in_a_private_file(tmp_path):
    script = tmp_path / "editor.py"
    script.write_text(
        "import os, stat, sys\n"
        "p = sys.argv[1]\n"
        "assert stat.S_IMODE(os.stat(os.path.dirname(p)).st_mode) == 0o700\n"
        "open(p, 'a').write('added in the editor\\n')\n"
    )
    found = edited("typed here\n", [sys.executable, str(script)])
    assert found == "typed here\nadded in the editor\n"
    assert edited("kept", [sys.executable, "-c", "raise SystemExit(1)"]) is None
    assert not list(Path(tmp_path).glob("hushdesk-reply-*"))


async def test_quitting_from_the_editor_keeps_the_draft(db, tmp_path):
    cid = imported(tmp_path, CUSTOMER_MAIL)
    app = make_app("Sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_editor(pilot)
        await pilot.press(*"Not finished", "ctrl+q")
        await settle(pilot)
    assert app.return_code == 0
    assert models.draft(cid, "Sam") == "Not finished"
