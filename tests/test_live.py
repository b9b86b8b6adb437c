"""Every inbox live: what another agent does shows within a second, without a key pressed.

The other agent is a real second process (the command line) on the same database;
the app follows through SQLite's data_version or PostgreSQL's LISTEN/NOTIFY.
"""

import subprocess

import pytest

import models
from tui.app import make_app
from tui.app.widgets.conversation_list import ConversationList

from .helpers import conversation
from .test_cli import HUSHDESK

pytestmark = pytest.mark.both_engines
SIZE = (120, 40)


def other_agent(db, *args):
    done = subprocess.run(
        [HUSHDESK, "--db", str(db), "--agent", "other", *args], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


async def until(pilot, check, seconds=10.0):
    """Let the app run (no key pressed) until `check()` holds; fail after `seconds`."""
    for _ in range(int(seconds * 20)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("the inbox did not follow the other agent")


def said(app):
    return [n.message for n in app._notifications]


@pytest.fixture
def inbox(db, clock):
    from datetime import timedelta

    from .conftest import NOW

    return [
        conversation(email=f"c{i}@example.com", subject=f"topic {i}", at=NOW - timedelta(hours=i))
        for i in range(6)
    ]


async def test_archived_elsewhere_shows_and_the_cursor_stays_on_its_conversation(db, inbox):
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ConversationList)
        await pilot.press("j", "j")
        await pilot.pause()
        held_on = view.current.id
        other_agent(db, "archive", str(inbox[0]))
        await until(pilot, lambda: view.total == 5)
        assert view.current.id == held_on, "the cursor follows its conversation, not its row"
        await until(pilot, lambda: "Open 5" in str(app.screen.query_one("#tab-open").label))
        assert "Archived 1" in str(app.screen.query_one("#tab-archived").label)
        other_agent(db, "archive", str(held_on))
        await until(
            pilot, lambda: any(f"#{held_on} was archived elsewhere" in m for m in said(app))
        )


async def test_deleted_elsewhere_is_said_and_leaves_the_selection(db, inbox):
    models.archive(inbox)
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("2")
        await pilot.pause()
        view = app.screen.query_one(ConversationList)
        highlighted = view.current.id
        view.select(inbox[3:5])
        other_agent(db, "delete", str(highlighted), str(inbox[4]))
        # two reads in their own workers, either said first; a notice shows after its change
        gone = f"#{highlighted} was deleted elsewhere"
        pruned = "1 selected conversation were deleted elsewhere"
        await until(pilot, lambda: any(gone in m for m in said(app)))
        await until(pilot, lambda: any(pruned in m for m in said(app)))
        assert view.selection == {inbox[3]}


async def test_a_new_conversation_arrives_without_a_key(db, inbox, tmp_path):
    lines = tmp_path / "in.jsonl"
    lines.write_text(
        '{"type": "conversation", "subject": "brand new arrival", "messages": '
        '[{"body": "hello", "sent": "2026-06-01T11:59:00Z"}]}\n'
    )
    app = make_app("sam")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ConversationList)
        other_agent(db, "import", str(lines))
        await until(pilot, lambda: view.total == 7)
        assert view.row_at(0).subject == "brand new arrival"
