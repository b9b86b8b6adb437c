"""Real mailboxes from other mail programs' test suites: every message read is accounted for.

tests/data/README.md names each file's source and licence. A mailbox's
messages are counted here without hushdesk (Python's `mailbox`, or a grep
where `mailbox` is wrong), and an import must account for each: imported, a
duplicate, or skipped with its place named.
"""

from __future__ import annotations

import mailbox
import re
import subprocess
from pathlib import Path

import pytest

import models
from models import importer

from .test_cli import HUSHDESK, cli
from .test_mail_threads import DATA, conversations, messages_of

pytestmark = pytest.mark.both_engines


def from_fields(path: Path) -> int:
    """Messages counted by their `From:` header lines (one each, none in any body)."""
    return len(re.findall(rb"(?m)^From: ", path.read_bytes()))


def python_mailbox(path: Path) -> int:
    """Messages as Python's `mailbox` splits the file (every line starting `From `)."""
    return len(mailbox.mbox(str(path)))


def maildir_files(path: Path) -> int:
    """Files in cur/ and new/ (a name starting with a dot is no message, by Maildir's rules)."""
    files = [f for sub in ("cur", "new") for f in (path / sub).iterdir()]
    return sum(1 for f in files if f.is_file() and not f.name.startswith("."))


def one(path: Path) -> int:
    return 1


CORPORA = {
    # `From - ` separators with no date and no blank line before them
    "mimekit/simple.mbox.txt": python_mailbox,
    # a byte-order mark, then `From -`; "From Russia with love" in both bodies, once
    # followed by "Year: 1963" (Python's mailbox takes these lines for separators)
    "mimekit/unmunged.mbox.txt": from_fields,
    # Gmail's `From 1844347792267117879@xxx` separators, with no date
    "mimekit/issue1189.mbox.txt": python_mailbox,
    # a blank line before the first `From ` line; a mailing list's message of 1998
    "mail-mboxparser/testbox": python_mailbox,
    # a list archive of 1999 and 2000 whose separators have no seconds; one message has no From:
    "mail-box/mbox.src": python_mailbox,
    # one `From ` line, with an unescaped "From " in the body
    "cpython/mailbox_01.mbox": from_fields,
    # single messages: files that start with their headers
    "cpython/msg_12.txt": one,
    "cpython/msg_16.txt": one,
    "cpython/msg_47.txt": one,
    "notmuch/default": maildir_files,
    "notmuch/duplicate": maildir_files,
    "notmuch/threading": maildir_files,
}


READ_RE = re.compile(
    r"Read ([\d,]+) messages?: ([\d,]+) imported, ([\d,]+) duplicates?, ([\d,]+) skipped"
)


@pytest.mark.parametrize("name", sorted(CORPORA))
def test_every_message_of_every_corpus_is_accounted_for(db_path, clock, name):
    path = DATA / name
    code, out, err = cli(db_path, "import", str(path))
    assert code == 0, err
    found = READ_RE.search(out)
    assert found, out
    read, imported, duplicates, skipped = (int(n.replace(",", "")) for n in found.groups())
    assert read == imported + duplicates + skipped == CORPORA[name](path), out
    assert "before message" not in out


def test_separators_without_dates_or_blank_lines(db):
    result = importer.import_path(DATA / "mimekit" / "simple.mbox.txt")
    assert (result.messages, result.skipped) == (3, [])
    subjects = {r.subject for r in conversations()}
    assert "if a mime parser can correctly handle this, I'm impressed" in subjects
    gmail = importer.import_path(DATA / "mimekit" / "issue1189.mbox.txt")
    assert (gmail.messages, gmail.skipped) == (4, [])


def test_from_lines_in_bodies_stay_in_their_bodies(db):
    result = importer.import_path(DATA / "mimekit" / "unmunged.mbox.txt")
    assert (result.messages, result.skipped) == (2, [])
    bodies = sorted(messages_of(r.id)[0][1] for r in conversations())
    assert "From Russia with love\nYear: 1963\n" in bodies[0] + bodies[1]
    assert all("From Russia with love" in body for body in bodies)


def test_a_mailbox_with_a_blank_first_line_and_one_written_with_cr_line_ends(db, tmp_path):
    testbox = DATA / "mail-mboxparser" / "testbox"
    assert testbox.read_bytes().startswith(b"\nFrom ")
    assert importer.import_path(testbox).messages == 9
    [old] = [r for r in conversations() if r.last_activity.year == 1998]
    assert (old.subject, old.email) == ("List entry indexing", "friedrich@pythonpros.com")
    models.close_database()
    models.open_database(tmp_path / "cr.db", create=True)
    classic = tmp_path / "classic.mbox"
    classic.write_bytes(testbox.read_bytes().replace(b"\n", b"\r"))
    assert importer.import_path(classic).messages == 9


def test_text_before_the_first_message_is_named(db, tmp_path):
    box = tmp_path / "in.mbox"
    box.write_bytes(
        b"Saved by a script, not a message\n\n"
        b"From ada@example.com Mon May  4 10:00:00 2026\n"
        b"From: Ada <ada@example.com>\nSubject: hello\n\nbody\n"
    )
    result = importer.import_path(box)
    assert result.messages == 1
    assert result.skipped == ["before message 1 (34 bytes): not a message"]


def test_a_line_of_a_megabyte_splits_correctly(tmp_path, clock):
    """The separator test once backtracked on long lines: 160 KB took 38 s (bench/mbox_split)."""
    crafted = b"From a " + b"1:11 " * 200_000  # a From line of 1 MB, no time-of-day match
    box = tmp_path / "long.mbox"
    box.write_bytes(
        b"From ada@example.com Mon May  4 10:00:00 2026\n"
        b"From: Ada <ada@example.com>\nSubject: first\n\nbody\n\n" + crafted + b"\n\n"
        b"From bob@example.com Mon May  4 11:00:00 2026\n"
        b"From: Bob <bob@example.com>\nSubject: second\nX-Long: " + b"x" * 1_000_000 + b"\n\n"
        b"text\n\n" + crafted
    )
    done = subprocess.run(
        [HUSHDESK, "--db", str(tmp_path / "h.db"), "import", str(box)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Imported 2 contacts, 2 conversations and 2 messages." in done.stdout
