"""The app under faults: another writer holds the lock, a search cannot be read, work is slow.

The app never freezes and never exits: every failure is one notification,
and the screen keeps working.
"""

import gc
import sqlite3

import models
from tui.app import make_app
from tui.app.dialogs.confirm import ConfirmDialog
from tui.app.widgets.conversation_list import ConversationList

from .helpers import conversation, gated_search, settle

SIZE = (120, 40)


def said(app) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_held_write_lock_is_a_notification_and_the_app_keeps_working(db_path, clock):
    models.open_database(db_path, busy_timeout=0.3, create=True)
    try:
        archived = conversation(status="archived", subject="old one")
        open_one = conversation(subject="new one", email="b@example.com")
        contact = models.get_conversation(open_one).contact_id
        models.set_attribute(contact, "plan", "gold")
        app = make_app("sam")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            blocker = sqlite3.connect(db_path, isolation_level=None)
            blocker.execute("BEGIN IMMEDIATE")
            await pilot.press("a")  # archive
            await settle(pilot)
            await pilot.press("c", "x")  # delete the attribute
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            await pilot.press("n")  # add an attribute
            await pilot.pause()
            await pilot.press(*"tier", "enter", *"2", "enter")
            await settle(pilot)
            await pilot.press("escape", "2", "d")  # delete the archived one
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            busy = [m for m in said(app) if "another hushdesk" in m and "0.3 s" in m]
            assert len(busy) >= 3, said(app)
            assert app.is_running
            blocker.execute("ROLLBACK")
            blocker.close()
            await pilot.press("d")
            await settle(pilot)
            await pilot.press("y")
            await settle(pilot)
            assert any("Deleted 1 conversation" in m for m in said(app))
        assert models.get_conversation(open_one).status == "open"
        assert [a.key for a in models.list_attributes(contact)] == ["plan"]
        assert archived not in models.ConversationSearch("").ids()
    finally:
        models.close_database()


async def test_an_out_of_range_date_in_a_search_is_said_not_fatal(db):
    conversation()
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for text in ("before:0001-01-01T00:00:00+05:00", "is:held OR refund"):
            await pilot.press("slash", *text, "enter")
            await settle(pilot)
            await pilot.press("escape")
        assert any("out of range" in m for m in said(app))
        assert any("OR joins words" in m for m in said(app))
        assert app.is_running
        assert app.screen.query_one(ConversationList).total == 1


async def test_delete_says_what_policy_keeps_before_asking(db):
    gone = conversation(status="archived", subject="may go")
    held = conversation(status="archived", held=True, email="h@example.com")
    models.archive([kept := conversation(email="o@example.com")])
    models.unarchive([kept])
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        # the open one: unarchived by another agent after it was selected
        app.screen.conversations.select([gone, held, kept])
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = str(app.screen.query_one("#confirm-question").render())
        assert "Delete the conversation with" in question and "may go" in question
        assert "2 conversations stay" in question
        assert "1 is open (archive first)" in question and "1 is on legal hold" in question
        await pilot.press("y")
        await settle(pilot)
    present = set(models.ConversationSearch("").ids())
    assert gone not in present and {held, kept} <= present


async def test_select_all_runs_off_the_ui_thread(db):
    models.generate_demo(300, seed=2)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        view = app.screen.query_one(ConversationList)
        gated = gated_search()
        view.show(gated("", status="open"))
        await pilot.pause()
        await pilot.press("asterisk")
        await pilot.press("j", "j")  # the screen answers while every id is being read
        await pilot.pause()
        assert view.cursor == 2 and not view.selection
        gated.gate.set()
        await settle(pilot)
        assert len(view.selection) == view.total


async def test_the_app_in_its_own_process_leaves_its_start_to_the_collector(db):
    """A full garbage collection over Textual's objects held the screen for 0.1 s while a
    thread summarized a large selection: the command line's app freezes what it started
    with (bench/stall.py measures it); an app among others (the tests) does not."""
    assert gc.get_freeze_count() == 0
    try:
        for own_process in (False, True):
            app = make_app("sam", own_process=own_process)
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                assert (gc.get_freeze_count() > 0) is own_process
    finally:
        gc.unfreeze()
