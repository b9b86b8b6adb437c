"""The person screen and the redaction picker, driven by keys on the real app and database."""

import json

import models
from models.store.forensics import scan
from tui.app import make_app
from tui.app.dialogs.erase import EraseDialog
from tui.app.dialogs.prompt import PromptDialog
from tui.app.screens.inbox import InboxScreen
from tui.app.screens.person import PersonScreen
from tui.app.screens.redact import RedactScreen
from tui.app.widgets.conversation_list import ConversationList

from .helpers import settle

SIZE = (130, 40)
EMAIL = "ines.moreau@example.org"


async def open_person(pilot, query="email:ines.moreau"):
    await pilot.press("2", "slash", *query, "enter")
    await settle(pilot)
    await pilot.press("P")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PersonScreen)
    return pilot.app.screen


async def test_person_screen_shows_identities_conversations_and_mentions(db):
    models.generate_demo(200, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_person(pilot)
        person = screen.person
        assert len(person.contacts) == 2, "the email contact and the SMS contact"
        assert len(person.conversations) == 3 and len(person.mentions) == 5
        identities = str(screen.query_one("#person-identities").render())
        assert EMAIL in identities and "415.555.0199" in identities and "plan: pro" in identities
        mentions = screen.query_one("#person-mentions")
        line = mentions.get_row_at(0)[3]
        assert [str(line)[s.start : s.end] for s in line.spans if "reverse" in str(s.style)]
        mentions.focus()
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        target = person.mentions[1].conversation
        assert app.screen.query_one(ConversationList).current.id == target


async def test_export_and_erase_from_the_keyboard(db, tmp_path):
    models.generate_demo(200, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_person(pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one("Input").value = str(tmp_path / "ines.json")
        await pilot.press("enter")
        await settle(pilot)
        data = json.loads((tmp_path / "ines.json").read_text())
        assert len(data["conversations"]) == 3 and len(data["mentions"]) == 5
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EraseDialog)
        question = str(app.screen.query_one("#erase-question").render())
        assert "Kept whole, on legal hold" in question and "5 mentions" in question
        assert "Please call my sister at (415) 555-0199 when it arrives." in question, (
            "every redaction is listed with its line"
        )
        await pilot.press(*"GDPR-7", "enter")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        said = [n.message for n in app._notifications]
        assert any("Erased under GDPR-7" in m for m in said), said
    assert models.ConversationSearch("email:ines.moreau").count() == 0
    assert scan(db, [EMAIL, "415.555.0199", "(415) 555-0199", "+1 415 555 0199"]) == []
    [entry] = [e for e in models.list_log() if e.action == "erasure request"]
    assert entry.reason.startswith("reference GDPR-7")


async def test_a_visitors_export_stays_in_their_session_folder(db, tmp_path):
    models.generate_demo(200, seed=2)
    folder = tmp_path / "session"
    folder.mkdir()
    app = make_app("visitor", demo_folder=folder)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_person(pilot)
        for typed, lands in ((str(tmp_path / "out.json"), None), ("mine.json", folder)):
            await pilot.press("e")
            await pilot.pause()
            app.screen.query_one("Input").value = typed
            await pilot.press("enter")
            await settle(pilot)
            if lands is None:
                assert not (tmp_path / "out.json").exists()
                assert any("file name only" in n.message for n in app._notifications)
            else:
                assert (folder / "mine.json").exists()


async def test_redaction_picker_suggests_picks_and_redacts(db):
    models.generate_demo(200, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"card charged twice channel:whatsapp name:omar", "enter")
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert isinstance(app.screen, RedactScreen)
        choices = app.screen.query_one("#redact-choices")
        kinds = {
            str(choices.get_option_at_index(i).prompt).split()[0]
            for i in range(choices.option_count)
        }
        assert {"card", "iban", "phone"} <= kinds
        card = next(
            i
            for i in range(choices.option_count)
            if str(choices.get_option_at_index(i).prompt).startswith("card")
        )
        choices.highlighted = card
        await pilot.press("space")
        app.screen.query_one("#redact-typed").focus()
        await pilot.press(*"Refund to", "enter")
        await pilot.pause()
        assert set(app.screen.picked()) == {"4111 1111 1111 1111", "Refund to"}
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
    [row] = models.ConversationSearch("name:omar channel:whatsapp").page()
    bodies = [m.body for m in models.get_conversation(row.id).messages]
    assert bodies[0] == "My card [redacted] was charged twice."
    assert bodies[1].startswith("[redacted] DE89")
    assert scan(db, ["4111 1111 1111 1111", "1111 1111 1111"]) == []
