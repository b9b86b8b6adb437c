"""`hushdesk search` on an SQLite file: a read-only look, without Peewee, when it will do.

When the file needs more than reading (a migration, a clean-up an earlier
deletion owes) or is not hushdesk's, the search opens it the full way and
behaves exactly as before.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import pytest
from peewee import SqliteDatabase
from playhouse.migrations import Runner

import models
from models.store import engine
from models.store.forensics import WAL_OWED

from .helpers import conversation, in_new_python, roots
from .test_cli import HUSHDESK, cli

pytestmark = pytest.mark.sqlite_only
QUERIES = ["refund", "name:ada", "email:example.org refund", "is:archived", "-name:ada order"]


@pytest.fixture
def desk(db_path, clock):
    models.open_database(db_path, create=True)
    for i in range(12):
        name = "Ada Lovelace" if i % 3 == 0 else f"Grace Hopper{i}"
        status = "archived" if i % 4 == 0 else "open"
        body = "refund please" if i % 2 else "order late"
        conversation(
            name=name, email=f"c{i}@example.org", subject=f"case {i}", body=body, status=status
        )
    models.close_database()
    return db_path


def search_json(db_path, query: str) -> list[dict[str, object]]:
    code, out, err = cli(db_path, "search", "--json", "--limit", "0", query)
    assert code == 0, err
    return [json.loads(line) for line in out.splitlines()]


def expected(db_path, query: str) -> list[int]:
    models.open_database(db_path)
    try:
        return [r.id for r in models.ConversationSearch(query).page(0, 0)]
    finally:
        models.close_database()


def loaded_by_a_search(db_path, query: str) -> tuple[str, list[str]]:
    """Run `hushdesk search` in a new interpreter; its output and the drivers it loaded."""
    out, loaded = in_new_python(
        "from tui.cli import main\n"
        "try:\n"
        f"    main(['--db', {str(db_path)!r}, 'search', '--json', {query!r}])\n"
        "except SystemExit as done:\n"
        "    assert not done.code, done.code\n"
    )
    return out, roots(loaded, "peewee", "playhouse", "psycopg", "textual")


def owe_a_clean_up(db_path) -> None:
    raw = sqlite3.connect(db_path)
    raw.execute("INSERT INTO purge_pending(shard) VALUES (?)", (WAL_OWED,))
    raw.commit()
    raw.close()


def test_a_search_from_the_shell_loads_no_peewee(desk):
    out, loaded = loaded_by_a_search(desk, "name:ada refund")
    assert loaded == []
    found = [json.loads(line)["id"] for line in out.splitlines()]
    assert found == expected(desk, "name:ada refund") and found


def test_the_read_only_search_finds_what_the_opened_database_finds(desk):
    for query in QUERIES:
        assert [r["id"] for r in search_json(desk, query)] == expected(desk, query), query


def test_a_clean_up_still_owed_is_finished_by_the_search(desk):
    """The next hushdesk to open the database finishes what a deletion owes: a search too."""
    owe_a_clean_up(desk)
    out, loaded = loaded_by_a_search(desk, "refund")
    assert "peewee" in loaded  # opened the full way, which clears what is owed
    assert [json.loads(line)["id"] for line in out.splitlines()] == expected(desk, "refund")
    raw = sqlite3.connect(desk)
    assert raw.execute("SELECT count(*) FROM purge_pending").fetchone() == (0,)
    raw.close()


def test_an_older_database_is_brought_up_to_date_by_the_search(db_path, clock):
    old = SqliteDatabase(str(db_path))
    first = engine.schema_migrations()[0]
    Runner(old, directory=str(engine.MIGRATIONS_DIR), table_name="schema_migration").up(first)
    old.close()
    assert search_json(db_path, "refund") == []
    raw = sqlite3.connect(db_path)
    applied = {name for (name,) in raw.execute("SELECT name FROM schema_migration")}
    raw.close()
    assert applied == set(engine.schema_migrations())


def test_a_database_from_a_newer_hushdesk_is_refused_by_the_search(desk):
    raw = sqlite3.connect(desk)
    raw.execute("INSERT INTO schema_migration(name, applied) VALUES ('9999_future', '2030-01-01')")
    raw.commit()
    raw.close()
    code, _, err = cli(desk, "search", "refund")
    assert code == 1 and "newer hushdesk" in err


@pytest.mark.parametrize("kind", ["missing", "folder", "junk", "empty", "other program's"])
def test_files_a_search_cannot_just_read_get_the_same_answer_as_any_command(tmp_path, clock, kind):
    target = tmp_path / "x.db"
    if kind == "folder":
        target.mkdir()
    elif kind == "junk":
        target.write_bytes(b"not a database " * 100)
    elif kind == "empty":
        target.write_bytes(b"")
    elif kind == "other program's":
        sqlite3.connect(target).execute("CREATE TABLE invoices (id int)").connection.commit()
    searched = cli(target, "search", "refund")
    logged = cli(target, "log")
    assert searched[0] == logged[0] and searched[2] == logged[2], (searched, logged)
    if kind == "empty":  # an empty file is an empty database: it gets hushdesk's tables
        assert searched[0] == 0 and "0 of 0 matching" in searched[1]
    else:
        assert searched[0] == 1 and len(searched[2].strip().splitlines()) == 1


def test_the_reader_is_closed_after_the_search(desk):
    search_json(desk, "refund")
    assert models.store.database.current().read_only is None
    models.open_database(desk)
    try:  # searches in the same process go to the opened database again
        assert models.store.reading.reader() is models.store.engine.backend()
    finally:
        models.close_database()


def test_the_command_leaves_at_once_with_all_of_its_output(desk, clock):
    """`hushdesk search` exits without the interpreter's teardown; what it printed is whole."""
    models.open_database(desk)
    for i in range(300):
        conversation(name=f"Many {i}", email=f"m{i}@example.net", subject=f"bulk {i}")
    models.close_database()
    args = [HUSHDESK, "--db", str(desk), "search", "--json", "--limit", "0", "bulk"]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # as a shell has it
    done = subprocess.run(args, capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stderr == ""
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == expected(desk, "bulk")
    table = subprocess.run([*args[:4], "bulk", "--limit", "0"], capture_output=True, env=env)
    assert table.stdout.endswith(b"300 of 300 matching conversations shown.\n")
    with subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as reader:
        assert reader.stdout is not None and reader.stdout.readline()
        reader.stdout.close()  # the reader leaves after one line, as `| head -1` does
        assert reader.wait() == 0 and reader.stderr is not None and reader.stderr.read() == b""
