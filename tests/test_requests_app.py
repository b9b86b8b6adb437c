"""The Requests screen, the inbox's mark on a conversation that asks, and the person screen
opened from a request, driven by keys on the real app and database (the demo's requests)."""

import json

import models
from models.store.forensics import scan
from tui.app import make_app
from tui.app.dialogs.erase import EraseDialog
from tui.app.dialogs.prompt import PromptDialog
from tui.app.dialogs.request_kind import RequestKindDialog
from tui.app.screens.inbox import InboxScreen
from tui.app.screens.person import PersonScreen
from tui.app.screens.requests import RequestsScreen
from tui.app.widgets.conversation_pane import ConversationPane

from .helpers import settle

SIZE = (130, 40)
EMAIL = "ines.moreau@example.org"
ORDER = ["REQ-2026-0003", "REQ-2026-0002", "REQ-2026-0001", "REQ-2026-0004"]  # by due day


async def open_requests(pilot):
    await pilot.press("Q")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RequestsScreen)
    return pilot.app.screen


async def to_request(pilot, screen, reference):
    table = screen.query_one("#requests-table")
    table.move_cursor(row=ORDER.index(reference))
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, PersonScreen)
    return pilot.app.screen


async def test_requests_screen_shows_the_clock_in_words_and_colours(db):
    models.generate_demo(200, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert "1 request overdue, 1 request due within 7 days (Q: requests)." in said, said
        screen = await open_requests(pilot)
        table = screen.query_one("#requests-table")
        assert [str(table.get_row_at(i)[1]) for i in range(table.row_count)] == ORDER
        late, soon, ines, extended = (table.get_row_at(i) for i in range(4))
        assert late[0] == "erasure" and late[5] == "waiting for identity"
        assert str(late[4]) == "overdue by 10 days" and "red" in str(late[4].style)
        assert str(soon[4]) == "5 days left" and "yellow" in str(soon[4].style)
        assert str(ines[4]) == "25 days left" and str(ines[4].style) == ""
        assert (ines[2], ines[3]) == ("2026-05-26", "2026-06-26")
        assert extended[5] == "extended" and extended[3] == "2026-07-27"
        title = str(screen.query_one("#requests-title").render())
        assert "4 open requests" in title and "1 request overdue" in title
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)


async def test_an_erasure_from_the_request_closes_it_and_seals_it(db):
    models.generate_demo(200, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await to_request(pilot, await open_requests(pilot), "REQ-2026-0001")
        assert screen.request.reference == "REQ-2026-0001"
        assert len(screen.person.contacts) == 2 and len(screen.person.conversations) == 3
        title = str(screen.query_one("#person-title").render())
        assert "for erasure request REQ-2026-0001" in title
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, EraseDialog)
        assert app.screen.query_one("#erase-reference").value == "REQ-2026-0001"
        await pilot.press("enter")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any("request REQ-2026-0001 is done" in m for m in said), said
        assert isinstance(app.screen, RequestsScreen)
        rows = app.screen.query_one("#requests-table").row_count
        assert rows == 3, "the done request leaves the list of open ones"
    request = models.get_request("REQ-2026-0001")
    assert request.state == "done" and request.sealed
    steps = [s.what for s in models.request_trail("REQ-2026-0001")]
    assert steps == ["received", "erased", "done", "verify-gone"]
    assert scan(db, [EMAIL, "415.555.0199", "(415) 555-0199", "+1 (415) 555-0199"]) == []


async def test_an_export_from_the_request_closes_it(db, tmp_path):
    models.generate_demo(200, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await to_request(pilot, await open_requests(pilot), "REQ-2026-0002")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        app.screen.query_one("Input").value = str(tmp_path / "tomas.json")
        await pilot.press("enter")
        await settle(pilot)
    assert json.loads((tmp_path / "tomas.json").read_text())["identifiers"] == [
        "tomas.berg@example.net"
    ]
    assert models.get_request("REQ-2026-0002").state == "done"


async def test_the_inbox_marks_a_conversation_that_asks_and_o_opens_a_request(db):
    models.generate_demo(200, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "slash", *"email:ines.moreau delete my data", "enter")
        await settle(pilot)
        pane = app.screen.query_one(ConversationPane)
        shown = str(pane.query_one("#conversation-text").render())
        assert "Asks for erasure?" in shown and "o opens a request" in shown
        await pilot.press("1", "slash", *"is my order shipped", "enter")
        await settle(pilot)
        assert "Asks for" not in str(pane.query_one("#conversation-text").render())
        await pilot.press("2", "slash", *"email:ines.moreau delete my data", "enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, RequestKindDialog)
        assert app.screen.focused.id == "kind-erasure", "what its words suggest has the focus"
        await pilot.press("e")
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert any(m.startswith("Opened erasure request REQ-2026-0005") for m in said), said
    opened = models.get_request("REQ-2026-0005")
    assert opened.identifiers == [EMAIL, "+1 (415) 555-0199"]
    assert opened.received_on.isoformat() == "2026-05-26"


async def test_an_access_request_whose_person_was_erased_says_so(db):
    models.generate_demo(200, seed=2)
    models.erase(["tomas.berg@example.net"], "TICKET-3", "sam")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await open_requests(pilot)
        screen.query_one("#requests-table").move_cursor(row=ORDER.index("REQ-2026-0002"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen, "no person screen for identifiers that are hashes"
        said = [n.message for n in app._notifications]
        assert any("REQ-2026-0002's person was erased" in m for m in said), said
