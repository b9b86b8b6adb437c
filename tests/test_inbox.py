"""Pilot tests: the real app on a real database file, driven by keys and clicks."""

import threading
from datetime import timedelta

import pytest

import models
from models.store.schema import Contact, Conversation
from tui.app import make_app
from tui.app.dialogs.confirm import ConfirmDialog
from tui.app.screens.inbox import InboxScreen
from tui.app.widgets.contact_pane import AttributeItem
from tui.app.widgets.conversation_list import ConversationList
from tui.app.widgets.conversation_pane import ConversationPane, render_detail

from .conftest import NOW
from .helpers import conversation, gated_search, settle

pytestmark = pytest.mark.both_engines
SIZE = (120, 40)


def inbox(app) -> InboxScreen:
    assert isinstance(app.screen, InboxScreen)
    return app.screen


def listing(app) -> ConversationList:
    return app.screen.query_one(ConversationList)


async def search(pilot, text):
    await pilot.press("slash")
    assert pilot.app.screen.focused.id == "search"
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_archive_then_delete_from_archived(db):
    first = conversation(subject="first", at=NOW - timedelta(hours=1))
    conversation(subject="second", email="b@example.com", at=NOW - timedelta(hours=2))
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert listing(app).current.id == first
        await pilot.press("a")
        await settle(pilot)
        assert models.get_conversation(first).status == "archived"
        assert listing(app).total == 1
        await pilot.press("2")
        await settle(pilot)
        assert listing(app).current.id == first
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert not Conversation.select().where(Conversation.id == first).exists()
        assert listing(app).total == 0
        assert models.list_log()[0].actor == "sam"


async def test_a_search_shows_a_matching_conversation_that_arrives_meanwhile(db):
    conversation(name="Augusta Ada King", email="augusta@example.com")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "name:augusta")
        assert listing(app).total == 1
        arrived = conversation(name="Augusta Byron", email="byron@example.com")
        inbox(app).refresh_all()  # as after a sweep, or back from another screen
        await settle(pilot)
        assert listing(app).total == 2
        assert listing(app).current.id == arrived


async def test_d_in_open_filter_deletes_nothing(db):
    cid = conversation()
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert any("Archive first" in n.message for n in app._notifications)
        assert models.get_conversation(cid).status == "open"


async def test_confirm_defaults_to_cancel(db):
    cid = conversation(status="archived")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.focused.id == "confirm-no"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d", "escape")
        await settle(pilot)
        assert models.get_conversation(cid)


@pytest.mark.parametrize("query", ["name:Zelda", "email:zelda@", "phone:555 0199"])
async def test_search_select_all_and_bulk_delete(db, query):
    zelda = models.create_contact("Zelda Fitzgerald", "zelda@example.com", "+1 (555) 019-9000")
    mine = [
        models.create_conversation(
            "Email", zelda, f"note {i}", status="archived", created_at=NOW - timedelta(minutes=i)
        )
        for i in range(60)
    ]
    models.create_conversation("Facebook", zelda, "open one", kind="facebook")
    others = [conversation(email=f"o{i}@example.com", status="archived") for i in range(5)]
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await search(pilot, query)
        assert listing(app).total == 60
        assert app.screen.focused is listing(app)
        await pilot.press("asterisk")
        await settle(pilot)  # selecting every match reads them in a worker
        assert len(listing(app).selection) == 60
        assert "60 selected" in str(app.screen.query_one("#info").render())
        await pilot.press("d")
        await settle(pilot)
        assert "60 conversations" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("y")
        await settle(pilot)
        assert listing(app).total == 0
        assert not Conversation.select().where(Conversation.id.in_(mine)).exists()
        assert Conversation.select().where(Conversation.id.in_(others)).count() == 5
        assert models.counts() == {"open": 1, "archived": 5}
        assert models.list_log()[0].count == 60


async def test_social_conversation_warns_about_platform_copy(db):
    conversation(channel="Instagram", kind="instagram", status="archived")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "d")
        await pilot.pause()
        question = str(app.screen.query_one("#confirm-question").render())
        assert "Instagram" in question and "platform itself" in question
        await pilot.press("y")
        await settle(pilot)
        assert any("platform itself" in n.message for n in app._notifications)


async def test_delete_attributes_by_key_and_by_click(db):
    cid = conversation()
    contact_id = models.get_conversation(cid).contact_id
    models.set_attribute(contact_id, "alpha", "1")
    models.set_attribute(contact_id, "beta", "2")
    models.set_attribute(contact_id, "gamma", "3", source="api")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert [a.key for a in models.list_attributes(contact_id)] == ["beta", "gamma"]
        items = list(app.screen.query(AttributeItem))
        gamma = next(i for i in items if i.attribute.key == "gamma")
        await pilot.click(gamma.query_one(".attribute-x"))
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert [a.key for a in models.list_attributes(contact_id)] == ["beta"]
        assert [e.action for e in models.list_log()] == ["delete attribute"] * 2


def shown_attributes(app) -> list[str]:
    return [
        str(item.query_one(".attribute-text").render()) for item in app.screen.query(AttributeItem)
    ]


async def test_contact_pane_shows_each_contacts_own_attributes(db):
    ada = models.get_conversation(conversation(at=NOW - timedelta(hours=1))).contact_id
    models.set_attribute(ada, "plan", "gold")
    models.set_attribute(ada, "tier", "2")
    grace = conversation(
        name="Grace Hopper", email="grace@example.com", at=NOW - timedelta(hours=2)
    )
    models.set_attribute(models.get_conversation(grace).contact_id, "vip", "yes")
    conversation(name="Alan Turing", email="alan@example.com", at=NOW - timedelta(hours=3))
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        ada_rows, grace_rows = (
            ["plan: gold  (manual)", "tier: 2  (manual)"],
            ["vip: yes  (manual)"],
        )
        assert shown_attributes(app) == ada_rows
        for key, rows in (("down", grace_rows), ("down", []), ("up", grace_rows)):
            await pilot.press(key)
            await settle(pilot)
            assert shown_attributes(app) == rows
        await pilot.press("down", "up", "up")  # quickly: rows added while others go
        await settle(pilot)
        assert shown_attributes(app) == ada_rows


async def test_footer_offers_the_filters_own_keys(db):
    conversation()
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key, offered, hidden in (("2", "unarchive", "archive"), ("1", "archive", "unarchive")):
            await pilot.press(key)
            await settle(pilot)
            keys = {b.action for (_, b, enabled, _) in app.screen.active_bindings.values()}
            assert offered in keys
            assert app.screen.check_action(offered, ()) and not app.screen.check_action(hidden, ())


async def test_a_selected_row_under_the_cursor_stays_readable(db):
    conversation(name="Ada Lovelace")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("space")
        await settle(pilot)
        assert listing(app).selection
        line = listing(app).render_line(0)
        name = next(s for s in line if "Ada Lovelace" in s.text)
        ink, paper = name.style.color.get_truecolor(), name.style.bgcolor.get_truecolor()
        assert (
            sum(abs(a - b) for a, b in zip(ink, paper, strict=True)) > 200
        )  # not orange on orange


async def test_add_attribute(db):
    cid = conversation()
    contact_id = models.get_conversation(cid).contact_id
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "n")
        await pilot.pause()
        await pilot.press(*"plan", "enter", *"pro", "enter")
        await settle(pilot)
        [attribute] = models.list_attributes(contact_id)
        assert (attribute.key, attribute.value, attribute.source) == ("plan", "pro", "manual")


async def test_forget_profile_keeps_conversations_as_someone(db):
    cid = conversation(name="Grace Hopper")
    other = conversation(name="Grace Hopper", email="g2@example.com")
    contact_id = models.get_conversation(cid).contact_id
    models.create_conversation(
        "Email", contact_id, "another one", created_at=NOW - timedelta(days=1)
    )
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        while listing(app).current.contact_id != contact_id:
            await pilot.press("down")
        await pilot.press("c", "F")
        await pilot.pause()
        assert "stay and show" in str(app.screen.query_one("#confirm-question").render())
        await pilot.press("y")
        await settle(pilot)
        assert not Contact.select().where(Contact.id == contact_id).exists()
        rows = {r.id: r.contact for r in models.ConversationSearch("").page()}
        assert rows[cid] == "Someone" and rows[other] == "Grace Hopper"
        assert Conversation.select().count() == 3
        shown = [listing(app).row_at(i).contact for i in range(listing(app).total)]
        assert shown.count("Someone") == 2
        while listing(app).current.contact != "Someone":
            await pilot.press("down")
        await settle(pilot)
        info = str(app.screen.query_one("#contact-info").render())
        assert info.splitlines()[:2] == ["Someone", "(no profile: deleted or never known)"]


async def test_command_palette_runs_an_action(db):
    cid = conversation()
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Archive")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert models.get_conversation(cid).status == "archived"


async def test_hold_toggles_and_blocks_delete(db):
    cid = conversation(status="archived")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "h")
        await settle(pilot)
        assert models.get_conversation(cid).held
        await pilot.press("d")
        await settle(pilot)
        question = str(app.screen.query_one("#confirm-question").render())
        assert "Nothing here may be deleted" in question and "legal hold" in question
        assert not app.screen.query("#confirm-yes"), "no Delete button when nothing may go"
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog), "y does nothing here"
        assert models.get_conversation(cid)
        await pilot.press("escape", "h")
        await settle(pilot)
        assert not models.get_conversation(cid).held


async def test_unarchive_and_escape_clears_selection_then_search(db):
    a = conversation(status="archived", subject="apple")
    conversation(status="archived", subject="banana", email="b@example.com")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await search(pilot, "apple")
        await pilot.press("space")
        assert listing(app).selection == {a}
        await pilot.press("escape")
        assert listing(app).selection == set()
        await pilot.press("escape")
        await settle(pilot)
        assert listing(app).total == 2
        await search(pilot, "apple")
        await pilot.press("u")
        await settle(pilot)
        assert models.get_conversation(a).status == "open"


async def test_bad_search_is_a_notification_not_a_crash(db):
    conversation()
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await search(pilot, "is:nonsense")
        assert any("is:nonsense" in n.message for n in app._notifications)
        assert listing(app).total == 1


async def test_markup_and_escape_sequences_render_as_text(db):
    conversation(
        name="[b]Mallory[/b]",
        subject="[bold red]urgent[/]",
        body="hello [/] \x1b[2J\x1b]0;title\x07 [link=x]click[/link]",
    )
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        svg = app.export_screenshot()
        assert "[bold red]urgent[/]" in svg.replace("&#160;", " ")
        assert "[b]Mallory[/b]" in svg.replace("&#160;", " ")
        assert "\x1b" not in svg and "\\x1b[2J" in svg


async def test_a_message_shows_its_lines_as_lines(db):
    body = "Hello,\r\nmy order 81750\n\tnever came.\x1b[2J\nKind regards"
    conversation(subject="lines", body=body)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        pane = app.screen.query_one(ConversationPane)
        shown = render_detail(pane.detail).plain.splitlines()
        assert shown[-4:] == [
            "Hello,",
            "my order 81750",
            "    never came.\\x1b[2J",
            "Kind regards",
        ]
        screen = app.export_screenshot().replace("&#160;", " ")
        assert "my order 81750" in screen and "\\n" not in screen and "\x1b" not in screen


@pytest.mark.parametrize("size", [(80, 24), (200, 60)])
async def test_every_screen_renders_at_small_and_large_sizes(db, size):
    models.generate_demo(200)
    models.archive(models.ConversationSearch("", status="open").ids()[:3])
    app = make_app("sam")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.export_screenshot()
        await pilot.press("2", "d")
        await pilot.pause()
        app.export_screenshot()
        await pilot.press("n", "c")
        await pilot.pause()
        app.export_screenshot()
        await pilot.press("escape", "A")
        await pilot.pause()
        app.export_screenshot()
        await pilot.press("escape", "L")
        await pilot.pause()
        app.export_screenshot()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, InboxScreen)


async def test_hundred_thousand_conversations_without_loading_them_all(db):
    models.generate_demo(100_000, batch=50_000)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = listing(app)
        assert view.total > 20_000
        await pilot.press("end")
        await pilot.pause()
        assert view.cursor == view.total - 1
        assert view.current is not None
        await pilot.press("pageup", "up", "home")
        await pilot.pause()
        assert view.cursor == 0
        assert view.rows_fetched <= 600
        assert view.virtual_size.height == view.total


async def test_fast_typing_after_slash_goes_to_the_search_box(db):
    """Keys that arrive together (a paste, a fast typist over SSH) must not hit list actions."""
    from textual import events

    target = conversation(name="Ada Byron", email="ada@example.com")
    conversation(name="Bob Stone", email="bob@example.com")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        names = {"/": "slash", ":": "colon", " ": "space"}
        for ch in "/name:ada a/d":
            app.post_message(events.Key(names.get(ch, ch), ch))
        app.post_message(events.Key("enter", "\r"))
        await settle(pilot)
        assert inbox(app).query_text == "name:ada a/d"
        assert models.counts() == {"open": 2, "archived": 0}
        await search(pilot, "name:ada")
        assert [listing(app).row_at(0).id] == [target]


async def test_command_palette_offers_contact_actions(db):
    cid = conversation()
    contact_id = models.get_conversation(cid).contact_id
    models.set_attribute(contact_id, "plan", "pro")
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"Delete attribute")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert models.list_attributes(contact_id) == []


async def test_first_page_shows_before_the_count_and_end_waits_for_it(db):
    models.generate_demo(400, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view, info = listing(app), app.screen.query_one("#info")
        exact = view.total
        assert exact > 100 and view.counted
        gated = gated_search()
        view.show(gated("", status="open"))
        await pilot.pause()
        assert (view.total, view.counted) == (100, False)
        assert view.current is not None
        assert "100 conversations or more, counting" in str(info.render())
        await pilot.press("end")
        assert view.cursor == 99
        gated.gate.set()
        await settle(pilot)
        assert (view.total, view.counted) == (exact, True)
        assert view.cursor == exact - 1 and view.current is not None
        assert f"{exact} conversations" in str(info.render())
        assert "counting" not in str(info.render())


async def test_painting_never_waits_for_the_database(db):
    """Scrolled far from the cursor (the mouse, the scrollbar), the list reads the pages that
    come into view in a thread: while one is held up it paints placeholders, and the app
    answers keys; when it arrives, its rows are drawn. Paints never read."""
    models.generate_demo(400, seed=2)
    gate = threading.Event()
    readers: list[str] = []

    class Slow(models.ConversationSearch):
        def rows(self, offset: int, limit: int, total: int | None = None) -> list:
            if offset >= 200:
                readers.append(threading.current_thread().name)
                assert gate.wait(10)
            return super().rows(offset, limit, total)

    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = listing(app)
        view.show(Slow(""))  # open and archived: 400 rows
        await settle(pilot)
        view.scroll_to(y=250, animate=False, immediate=True)
        await pilot.pause()
        assert view.waiting and readers and "MainThread" not in readers
        lines = [view.render_line(y).text for y in range(5)]
        assert any(line.strip() == "…" for line in lines), lines
        await pilot.press("down")  # the app still answers while the page is held up
        await pilot.pause()
        assert view.cursor == 1 and view.waiting
        gate.set()
        await settle(pilot)
        assert not view.waiting
        assert all(line.strip() != "…" for line in (view.render_line(y).text for y in range(5)))
