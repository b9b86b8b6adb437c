"""The inbox's first rows, drawn by the command line while the app loads."""

from __future__ import annotations

import json

import models
from tui.cli import first_frame

from .helpers import conversation, terminal_output
from .test_cli import HUSHDESK, cli


def test_the_first_frame_holds_the_newest_open_rows_where_the_list_puts_them(db):
    conversation(name="Old Customer", subject="first", email="old@example.com")
    conversation(
        name="Evil Person", subject="\x1b[2J\x1b]0;pwned\x07 \x1b[31mred", email="e@x.com"
    )
    rows = models.ConversationSearch("", status=models.OPEN).page(0, 10)
    frame = first_frame.frame(rows, 120, 40)
    assert frame.startswith("\x1b[?1049h"), "on the alternate screen the app takes over"
    lines = frame.split("\x1b[")
    assert any(line.startswith("6;1H│  Evil") for line in lines), "the newest row on line 6"
    assert any(line.startswith("7;1H│  Old Customer") for line in lines)
    assert "pwned\x07" not in frame and "\x1b[31mred" not in frame and "\x1b[2J\x1b]0" not in frame
    assert "\\x1b" in frame, "customer text is shown escaped"


def test_the_app_on_a_terminal_starts_with_the_first_frame(db_path, clock):
    cli(db_path, "demo", "--conversations", "120")
    newest = json.loads(cli(db_path, "search", "--json", "--limit", "1", "is:open")[1])
    name = newest["contact"][:10]
    out = terminal_output([HUSHDESK, "--db", str(db_path)], name)
    frame_starts = out.index("\x1b[?1049h")
    assert frame_starts < out.index(name), "the rows are drawn on the alternate screen"
    assert "\x1b[6;1H│  " + name in out, "by the command line, before Textual"


def test_nothing_is_drawn_when_stdout_is_not_a_terminal(db, capsys):
    conversation(name="Ada", subject="x")
    first_frame.paint()
    assert capsys.readouterr().out == ""
