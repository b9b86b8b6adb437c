"""Faults the command line meets: locks, a full disk, a damaged or read-only file, a wrong file.

Each is one line on stderr, exit 1, and no change to the database; never a
traceback. The disk and the read-only file system are real (a small tmpfs).
"""

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

import models

from .test_cli import HUSHDESK, cli


def content(path: Path) -> str:
    """A digest of every row of every table: equal when nothing was changed.

    Read from a copy (with its -wal), so that a full or read-only disk is not touched.
    """
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "copy.db"
        for suffix in ("", "-wal"):
            if Path(f"{path}{suffix}").exists():
                shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
        con = sqlite3.connect(copy)
        try:
            return hashlib.sha256("\n".join(con.iterdump()).encode()).hexdigest()
        finally:
            con.close()


def one_line_refusal(code: int, out: str, err: str, *words: str) -> None:
    assert code == 1, (out, err)
    assert err.startswith("hushdesk") and err.count("\n") == 1, err
    assert "Traceback" not in err and "unexpected" not in err
    for word in words:
        assert word in err, err


@pytest.fixture
def demo_db(tmp_path, clock):
    path = tmp_path / "demo.db"
    assert cli(path, "demo", "--conversations", "200")[0] == 0
    return path


def ids(path: Path, status: str) -> list[str]:
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT id FROM conversation WHERE status = ? AND NOT held", (status,))
        return [str(i) for (i,) in rows.fetchall()]
    finally:
        con.close()


def test_a_held_write_lock_is_named_with_the_time_waited(demo_db):
    blocker = sqlite3.connect(demo_db, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        before = content(demo_db)
        for args in (
            ("archive", ids(demo_db, "open")[0]),
            ("attr", "set", "1", "plan", "gold"),
            ("delete", ids(demo_db, "archived")[0]),
            ("sweep",),
        ):
            code, out, err = cli(demo_db, "--wait", "0.2", *args)
            one_line_refusal(code, out, err, "another hushdesk", "0.2 s")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert content(demo_db) == before


def test_a_wait_from_the_environment_and_a_bad_one(demo_db, monkeypatch):
    monkeypatch.setenv("HUSHDESK_WAIT", "soon")
    one_line_refusal(*cli(demo_db, "log"), "HUSHDESK_WAIT")
    one_line_refusal(*cli(demo_db, "--wait", "-1", "log"), "seconds")


def test_an_empty_channel_or_option_is_refused_and_deletes_nothing(demo_db):
    before = content(demo_db)
    one_line_refusal(*cli(demo_db, "sweep", "--channel", ""), "empty")
    one_line_refusal(*cli(demo_db, "sweep", "--channel", "  "), "empty")
    one_line_refusal(*cli(demo_db, "sweep", "--channel", "Pigeons"), "no channel")
    one_line_refusal(*cli(demo_db, "--agent", "", "sweep"), "empty")
    assert content(demo_db) == before


def test_db_paths_that_are_empty_missing_or_foreign_are_refused(tmp_path, monkeypatch, clock):
    code, out, err = cli("", "log")
    one_line_refusal(code, out, err, "empty")
    monkeypatch.setenv("HUSHDESK_DB", "")
    done = subprocess.run([HUSHDESK, "log"], capture_output=True, text=True)
    one_line_refusal(done.returncode, done.stdout, done.stderr, "HUSHDESK_DB")
    typo = tmp_path / "hushdesk.bd"
    for args in (("log", "--verify"), ("search", "x"), ("sweep",), ("archive", "1")):
        one_line_refusal(*cli(typo, *args), "no database")
    assert not typo.exists(), "a mistyped path never becomes an empty database"
    foreign = tmp_path / "other.db"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    con.execute("INSERT INTO invoices (total) VALUES (9.5)")
    con.commit()
    con.close()
    before = foreign.read_bytes()
    for args in (("log",), ("demo",), ("import", str(tmp_path))):
        one_line_refusal(*cli(foreign, *args), "another program's SQLite database")
    assert foreign.read_bytes() == before
    assert not Path(f"{foreign}-wal").exists()
    junk = tmp_path / "notes.txt"
    junk.write_text("shopping list\n")
    one_line_refusal(*cli(junk, "demo"), "not an SQLite database")
    assert junk.read_text() == "shopping list\n"


def test_demo_into_a_database_with_data_needs_add(demo_db):
    before = content(demo_db)
    one_line_refusal(*cli(demo_db, "demo", "--conversations", "10"), "--add")
    assert content(demo_db) == before
    code, out, _ = cli(demo_db, "demo", "--conversations", "10", "--add")
    assert code == 0 and "Added 10 conversations" in out


def damage(path: Path, seed: int) -> None:
    """Overwrite a few pages (never the header page) with random bytes."""
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    pages = len(data) // 4096
    for page in rng.sample(range(2, pages), min(6, pages - 2)):
        data[page * 4096 : (page + 1) * 4096] = rng.randbytes(4096)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_damaged_file_is_named_and_never_a_traceback(demo_db, seed):
    models.open_database(demo_db)
    models.store.engine.backend().checkpoint()
    models.close_database()
    damage(demo_db, seed)
    damaged = 0
    for args in (("search", "refund"), ("search", "is:open"), ("sweep",), ("log", "--verify")):
        code, out, err = cli(demo_db, *args)
        assert "Traceback" not in err and "unexpected" not in err, err
        if code:
            one_line_refusal(code, out, err)
            damaged += "damaged" in err or "integrity_check" in err
    assert damaged or seed, "the damage reached at least one command"


@pytest.fixture
def small_disk(tmp_path):
    """A real 8 MB file system; skipped (with the reason) where mounting is not allowed."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        pytest.skip(f"cannot mount a small tmpfs here ({done.stderr.strip()}); run as root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(folder: Path) -> None:
    """Take every free byte of the file system."""
    with (folder / "filler").open("wb", buffering=0) as handle:
        for size in (65536, 1):
            try:
                while handle.write(b"\0" * size):
                    pass
            except OSError:
                pass


def test_a_full_disk_changes_nothing_and_says_so(small_disk, clock, tmp_path):
    path = small_disk / "hushdesk.db"
    assert cli(path, "demo", "--conversations", "150")[0] == 0
    models.open_database(path)
    models.store.engine.backend().checkpoint()
    models.close_database()
    mail = tmp_path / "in.jsonl"
    mail.write_text('{"type": "contact", "name": "Ada", "email": "ada@example.com"}\n' * 400)
    open_ids = ids(path, "open")
    other_agent = sqlite3.connect(path)  # keeps the -wal and -shm files: writes fail mid-way
    other_agent.execute("SELECT count(*) FROM conversation").fetchone()
    fill(small_disk)
    before = content(path)
    for args in (
        ("archive", *open_ids),
        ("attr", "set", "1", "biography", "x" * 9000),
        ("import", str(mail)),
        ("demo", "--add", "--conversations", "2000"),
    ):
        code, out, err = cli(path, *args)
        assert "Traceback" not in err and "unexpected" not in err, err
        if code == 0:  # it fitted after all: then it says what it did
            assert out.strip()
            before = content(path)
        else:
            one_line_refusal(code, out, err, "full", "nothing was changed")
            assert content(path) == before, args
    other_agent.close()


def test_a_read_only_file_system_is_named(small_disk, clock):
    path = small_disk / "hushdesk.db"
    assert cli(path, "demo", "--conversations", "50")[0] == 0
    done = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True)
    if done.returncode:
        pytest.skip("cannot remount read-only here")
    for args in (("archive", "1"), ("log",)):
        code, out, err = cli(path, *args)
        one_line_refusal(code, out, err, "cannot write")


def test_invalid_utf8_arguments_through_the_real_entry_point(demo_db):
    before = content(demo_db)
    for args in (
        [b"forget", b"\xff\xfe"],
        [b"attr", b"set", b"1", b"k\xc3", b"v"],
        [b"assistant", b"set", b"Chat\xff", b"30"],
        [b"sweep", b"--channel", b"\xffChat"],
        [b"verify-gone", b"ab\xffcd"],
        [b"search", b"\xed\xa0\x80refund"],
    ):
        done = subprocess.run(
            [HUSHDESK.encode(), b"--db", os.fsencode(demo_db), *args], capture_output=True
        )
        err = done.stderr.decode("utf-8", "replace")
        one_line_refusal(done.returncode, "", err, "not valid UTF-8")
    assert content(demo_db) == before


def test_ids_of_thousands_of_digits(demo_db):
    huge = "9" * 5000
    for args in (
        ("archive", huge),
        ("delete", huge),
        ("attr", "ls", huge),
        ("forget", huge),
        ("assistant", "set", "Chat", huge),
    ):
        one_line_refusal(*cli(demo_db, *args))


def test_migration_history_is_in_utc(db_path, monkeypatch):
    from datetime import UTC, datetime

    monkeypatch.setenv("TZ", "Pacific/Kiritimati")  # UTC+14: local time would be far off
    time.tzset()
    try:
        models.open_database(db_path, create=True)
        row = models.store.engine.db.execute_sql(
            "SELECT max(applied) FROM schema_migration"
        ).fetchone()
        models.close_database()
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    applied = datetime.fromisoformat(str(row[0])).replace(tzinfo=UTC)
    assert abs((datetime.now(UTC) - applied).total_seconds()) < 120


def test_no_traceback_from_python_m(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tui", "--db", str(tmp_path / "x.db"), "search", "x"],
        capture_output=True,
        text=True,
    )
    one_line_refusal(done.returncode, done.stdout, done.stderr, "no database")
