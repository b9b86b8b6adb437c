"""Large mail imports: read on every core with the same result, a progress bar on a terminal,
and the dates of the mail, so retention applies to imported mail as to any other."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

import models
from models import importer
from models.mail import reader as mail_reader

from .conftest import NOW
from .helpers import terminal_output
from .test_cli import HUSHDESK
from .test_mail_threads import SUPPORT, Mailbox, conversations, support_mailbox


def summary(result: models.ImportResult) -> tuple[int, ...]:
    return (result.contacts, result.conversations, result.messages, result.duplicates)


def test_worker_processes_read_the_same_as_one_process(db, tmp_path, monkeypatch):
    box, _ = support_mailbox(tmp_path / "box", customers=25)
    copy = box.folder / "cur" / "duplicate:2,S"
    copy.write_bytes((box.folder / "cur" / "0001.msg:2,S").read_bytes())
    monkeypatch.setattr(mail_reader, "PARALLEL_FROM", 10)
    monkeypatch.setattr(mail_reader, "BATCH", 7)
    parallel = importer.import_path(box.folder)
    rows = [(r.contact, r.subject, r.last_activity) for r in conversations()]
    models.close_database()
    other = tmp_path / "serial.db"
    models.open_database(other, create=True)
    monkeypatch.setattr(mail_reader, "PARALLEL_FROM", 10**9)
    serial = importer.import_path(box.folder)
    assert summary(parallel) == summary(serial) == (25, 25, 75, 1)
    assert [(r.contact, r.subject, r.last_activity) for r in conversations()] == rows
    assert rows[0][2] == NOW - timedelta(days=300 - 24 * 10 - 2), "dates from the workers"


@pytest.mark.both_engines
def test_mail_from_400_days_ago_is_swept_by_a_30_day_assistant(db, tmp_path):
    box = Mailbox(tmp_path / "old")
    old = box.add("Ada <ada@example.com>", SUPPORT, "Old question", "long ago", 400)
    box.add(
        f"Sam <{SUPPORT}>", "ada@example.com", "Re: Old question", "answer", 399, reply_to=[old]
    )
    box.add("Bob <bob@example.com>", SUPPORT, "New question", "yesterday", 1)
    importer.import_path(box.folder, ours=[SUPPORT])
    assert {r.subject for r in models.ConversationSearch("older:1y").page()} == {"Old question"}
    models.set_assistant("Email", 30)
    [result] = models.sweep()
    assert result.deleted == 1
    assert [r.subject for r in conversations()] == ["New question"]


def test_a_progress_bar_on_a_terminal_and_none_in_a_pipe(tmp_path, clock):
    box, _ = support_mailbox(tmp_path / "box", customers=800)
    on_terminal = terminal_output(
        [HUSHDESK, "--db", str(tmp_path / "a.db"), "import", str(box.folder), "--ours", SUPPORT],
        until="and 2,400 messages.",
        limit=120,
    )
    assert "] 2,400 of 2,400 messages, " in on_terminal and "/s, 0:00 left" in on_terminal
    assert "\r\x1b[K" in on_terminal, "the bar is wiped before the summary"
    assert "Imported 800 contacts, 800 conversations and 2,400 messages." in on_terminal
    piped = subprocess.run(
        [HUSHDESK, "--db", str(tmp_path / "b.db"), "import", str(box.folder), "--ours", SUPPORT],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "\r" not in piped.stdout and "[#" not in piped.stdout
    assert piped.stdout.startswith("Imported 800 contacts, 800 conversations and 2,400 messages.")


def test_the_command_line_never_loads_textual_or_psycopg_for_sqlite(tmp_path):
    code = (
        "import sys; from tui.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit: pass\n"
        "loaded = [m for m in ('textual', 'psycopg') if m in sys.modules]\n"
        "print('loaded:', loaded)"
    )
    db = str(tmp_path / "x.db")
    subprocess.run([sys.executable, "-c", code, "--db", db, "demo", "--conversations", "50"])
    done = subprocess.run(
        [sys.executable, "-c", code, "--db", db, "search", "--json", "refund"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert done.stdout.strip().endswith("loaded: []"), done.stdout + done.stderr
