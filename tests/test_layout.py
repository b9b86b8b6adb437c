"""One inbox layout: the first frame the shell shows is the screen the app then draws."""

from __future__ import annotations

import pytest

import models
from tui import layout
from tui.app import make_app
from tui.cli import first_frame

from .helpers import conversation, settle, terminal_output
from .test_cli import HUSHDESK

LINES = 40


@pytest.mark.parametrize("columns", [100, 104, 109, 110, 111, 140])
async def test_the_first_frame_and_the_app_agree_on_the_layout(db, columns):
    for i in range(3):
        conversation(name=f"Row Person{i}", subject=f"subject {i}", email=f"r{i}@example.com")
    rows = models.ConversationSearch("", status=models.OPEN).page(0, 10)
    app = make_app("sam")
    async with app.run_test(size=(columns, LINES)) as pilot:
        await settle(pilot)
        narrow = app.screen.has_class("narrow")
        listed = app.screen.query_one("#list").region
    assert narrow == layout.is_narrow(columns)
    if not narrow:
        frame = first_frame.frame(rows, columns, LINES)
        assert f"╭{'─' * (listed.width - 2)}╮" in frame, "the frame's list is the app's list"


@pytest.mark.sqlite_only
@pytest.mark.parametrize("columns", [105, 120])
def test_the_first_frame_is_drawn_only_where_the_app_is_wide(db_path, clock, columns):
    models.open_database(db_path, create=True)
    conversation(name="Early Row", subject="x", email="early@example.com")
    models.close_database()
    out = terminal_output([HUSHDESK, "--db", str(db_path)], "Early Row", size=(columns, LINES))
    drawn = "\x1b[6;1H│  Early Row" in out
    assert drawn == (not layout.is_narrow(columns)), columns
