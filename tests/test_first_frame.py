"""The inbox's first rows, drawn by the command line while the app loads."""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import models
from models.store import glance
from tui.cli import first_frame

from .helpers import conversation, in_new_python, roots, terminal_output
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
    stale = {"COLUMNS": "80", "LINES": "24"}  # another terminal's, left in the environment
    out = terminal_output([HUSHDESK, "--db", str(db_path)], name, environment=stale)
    frame_starts = out.index("\x1b[?1049h")
    assert frame_starts < out.index(name), "the rows are drawn on the alternate screen"
    assert "\x1b[6;1H│  " + name in out, "by the command line, before Textual"


def test_nothing_is_drawn_when_stdout_is_not_a_terminal(db, capsys):
    conversation(name="Ada", subject="x")
    assert not first_frame.paint() and not first_frame.paint_early(str(db))
    assert capsys.readouterr().out == ""


@pytest.mark.sqlite_only
def test_the_early_rows_are_the_inbox_first_page(db, clock):
    """`glance` reads without Peewee: its rows must be the ones the list will show."""
    models.generate_demo(150, seed=4)
    same_time = [conversation(name=f"Tie {i}", subject="same minute") for i in range(3)]
    forgotten = conversation(name="Gone Person", subject="forgotten", email="g@example.com")
    models.forget_contact(models.get_conversation(forgotten).contact_id, "sam")  # "Someone"
    models.hold([same_time[1]])
    models.archive([same_time[2]])
    expected = models.ConversationSearch("", status=models.OPEN).page(0, 40)
    assert glance.newest_open(str(db), 40) == expected
    shown = {row.id: row for row in expected}
    assert shown[forgotten].contact == models.SOMEONE and shown[same_time[1]].held
    assert same_time[2] not in shown, "open conversations only"


def test_the_early_look_reads_nothing_unusual_and_changes_nothing(tmp_path, db_path):
    missing = tmp_path / "none.db"
    assert glance.newest_open(str(missing), 10) == [] and not missing.exists()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE invoices (id int)").connection.commit()
    assert glance.newest_open(str(other), 10) == []
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database" * 100)
    assert glance.newest_open(str(junk), 10) == []
    assert glance.newest_open("postgresql://127.0.0.1/hushdesk", 10) == []
    assert glance.newest_open(str(db_path), 0) == []


def test_the_first_frame_needs_no_peewee():
    """What the command line loads before the first frame: not Peewee, not Textual."""
    _, loaded = in_new_python(
        "from tui.cli import run, first_frame\nfirst_frame.newest_open('none.db', 10)"
    )
    assert roots(loaded, "peewee", "playhouse", "textual", "psycopg") == []


@pytest.mark.sqlite_only
def test_a_database_refused_after_the_first_frame_leaves_the_alternate_screen(db_path, clock):
    models.open_database(db_path, create=True)
    conversation(name="Shown Early", subject="x")
    models.close_database()
    with sqlite3.connect(db_path) as raw:
        raw.execute("INSERT INTO schema_migration(name, applied) VALUES ('9999_x', '2030-01-01')")
    out = terminal_output([HUSHDESK, "--db", str(db_path)], "newer hushdesk")
    assert out.index("Shown Early") < out.index(first_frame.LEAVE) < out.index("newer hushdesk")


FUZZ = settings(max_examples=60, deadline=None)
stored = st.one_of(
    st.none(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=30), st.binary(max_size=30)
)


@FUZZ
@given(junk=st.binary(max_size=4096))
def test_the_early_look_at_any_file_gives_rows_or_none(tmp_path_factory, junk):
    path = tmp_path_factory.mktemp("junk") / "any.db"
    path.write_bytes(junk)
    assert glance.newest_open(str(path), 10) == []
    assert path.read_bytes() == junk, "a look changes nothing"


@FUZZ
@given(values=st.lists(st.tuples(stored, stored, stored, stored), min_size=1, max_size=5))
@example(values=[("Ada \x1b[2J", "hello\x07", 1, "2026-01-01 10:00:00")])
@example(values=[("Ada", "hello", 0, "not a time")])
def test_the_early_look_at_hostile_values_gives_rows_or_none(tmp_path_factory, values):
    """Our tables with values no hushdesk wrote (types, times, NULLs): never an error."""
    path = tmp_path_factory.mktemp("odd") / "odd.db"
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE channel (id INTEGER PRIMARY KEY, name, kind, social)")
        raw.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY, name, email, phone)")
        raw.execute(
            "CREATE TABLE conversation (id INTEGER PRIMARY KEY, channel_id, contact_id,"
            " subject, status, held, last_activity)"
        )
        raw.execute("INSERT INTO channel VALUES (1, 'Email', 'email', 0)")
        for number, (contact, subject, held, last) in enumerate(values, start=1):
            raw.execute("INSERT INTO contact VALUES (?, ?, ?, ?)", (number, contact, None, None))
            raw.execute(
                "INSERT INTO conversation VALUES (?, 1, ?, ?, 'open', ?, ?)",
                (number, number, subject, held, last),
            )
    rows = glance.newest_open(str(path), 10)
    for row in rows:
        assert isinstance(row.contact, str) and isinstance(row.subject, str)
        drawn = first_frame.frame([row], 120, 40)
        assert row.contact not in drawn or row.contact.isprintable()
    assert rows or values != [("Ada \x1b[2J", "hello\x07", 1, "2026-01-01 10:00:00")]
