"""Done means done: an erasure that committed always has its receipt and never exits 1,
whatever happens to the receipt's path, to stdout or to the PostgreSQL server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

import models
from models.store import engine, outcome

from .netcut import COMMIT_ASKED, COMMIT_DONE, Cutter
from .test_cli import HUSHDESK, cli

EMAIL = "rita.vale@example.org"


def rita() -> int:
    contact = models.create_contact("Rita Vale", EMAIL, "+1 415 555 0123")
    models.create_conversation(
        "Email", contact, "Rv-subject", [models.NewMessage("customer", "Rv-body")]
    )
    return contact


def erased() -> bool:
    return not models.ConversationSearch("Rv-body").ids()


@pytest.mark.both_engines
def test_a_dangling_link_or_an_unwritable_folder_refuses_before_anything_is_erased(db, tmp_path):
    rita()
    link = tmp_path / "receipt.json"
    link.symlink_to(tmp_path / "nowhere" / "x.json")
    for path in (link, Path("/proc/hushdesk-receipt.json")):
        code, _, err = cli(db, "erase", EMAIL, "--reference", "R-1", "--receipt", str(path))
        assert code == 1 and ("exists" in err or "cannot write" in err), err
        assert not erased() and models.list_log() == []
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


@pytest.mark.both_engines
def test_a_receipt_path_taken_during_the_erasure_still_gets_the_receipt_back(db, tmp_path):
    rita()
    target = tmp_path / "receipt.json"

    def meanwhile(step: str) -> None:
        if step == "profiles deleted":
            target.symlink_to(tmp_path / "elsewhere.json")  # someone takes the name

    receipt = models.erase([EMAIL], "R-2", "sam", progress=meanwhile, receipt=target)
    assert erased() and "exists now" in receipt.receipt_problem
    assert target.is_symlink() and not (tmp_path / "elsewhere.json").exists()
    assert json.loads(models.receipt_json(receipt))["reference"] == "R-2"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []


@pytest.mark.sqlite_only
def test_a_full_stdout_after_the_commit_is_said_and_the_exit_is_still_zero(db, tmp_path):
    rita()
    models.close_database()
    receipt = tmp_path / "receipt.json"
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [
                HUSHDESK,
                "--db",
                str(db),
                "erase",
                EMAIL,
                "--reference",
                "R-3",
                "--receipt",
                str(receipt),
            ],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HUSHDESK_AGENT": "sam"},
        )
    assert done.returncode == 0, done.stderr
    assert "erased under reference R-3" in done.stderr and "No space left" in done.stderr
    assert "Traceback" not in done.stderr
    assert json.loads(receipt.read_text())["reference"] == "R-3"
    models.open_database(db)
    assert erased()


@pytest.mark.postgres_only
def test_a_server_restart_just_after_the_commit_is_pending_not_failed(db, pg_cluster, tmp_path):
    rita()
    target = tmp_path / "receipt.json"

    def meanwhile(step: str) -> None:
        if step == "committed":
            pg_cluster.restart()

    receipt = models.erase([EMAIL], "R-4", "sam", progress=meanwhile, receipt=target)
    assert not receipt.cleanup.done and not receipt.proof.made and receipt.pending
    assert json.loads(target.read_text())["cleanup"].startswith("pending")
    models.close_database()
    models.open_database(db)  # the next hushdesk finishes the clean-up
    assert engine.pending_purge() == [] and erased()
    assert engine.backend().traces(["Rv-body", EMAIL]) == []


@pytest.fixture
def cutter(db, pg_cluster):
    proxy = Cutter(pg_cluster.port)
    models.close_database()
    models.open_database(proxy.url(str(db)))
    yield proxy
    models.close_database()
    proxy.close()


@pytest.mark.postgres_only
def test_a_connection_lost_as_the_commit_answers_learns_that_it_committed(db, cutter, tmp_path):
    rita()
    target = tmp_path / "receipt.json"
    cutter.arm(server_says=COMMIT_DONE)
    receipt = models.erase([EMAIL], "R-5", "sam", receipt=target)
    assert cutter.cuts == 1 and receipt.confirmed_late
    assert erased() and json.loads(target.read_text())["reference"] == "R-5"
    assert [e.action for e in models.list_log()] == ["erasure request"]


@pytest.mark.postgres_only
def test_a_connection_lost_before_the_commit_arrives_changed_nothing(db, cutter, tmp_path):
    rita()
    cutter.arm(client_says=COMMIT_ASKED)
    with pytest.raises(models.DatabaseUnavailable):
        models.erase([EMAIL], "R-6", "sam", receipt=tmp_path / "receipt.json")
    assert cutter.cuts == 1 and not (tmp_path / "receipt.json").exists()
    engine.reconnect()
    assert not erased() and models.list_log() == []


@pytest.mark.postgres_only
def test_when_the_server_cannot_be_reached_again_it_says_it_cannot_tell(
    db, cutter, tmp_path, monkeypatch
):
    rita()
    monkeypatch.setattr(outcome, "RECONNECT_S", (0.01, 0.01))
    cutter.arm(server_says=COMMIT_DONE)
    cutter.refusing = True  # the server is gone for good, as far as hushdesk can see
    with pytest.raises(models.HushdeskError, match="could not reach it again") as raised:
        models.erase([EMAIL], "R-7", "sam")
    assert "reference R-7" in str(raised.value) and "hushdesk log" in str(raised.value)


@pytest.mark.sqlite_only
def test_when_the_receipts_name_is_taken_meanwhile_the_command_prints_it_and_exits_zero(
    db, tmp_path
):
    """Another program holds the write lock while the erasure waits for it; meanwhile the
    receipt's name is taken. The erasure commits; the receipt is printed instead."""
    import sqlite3
    import threading

    rita()
    models.close_database()
    target = tmp_path / "receipt.json"
    holder = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")

    def take_the_name() -> None:
        while not any(p.name.endswith(".partial") for p in tmp_path.iterdir()):
            threading.Event().wait(0.01)  # polling for the file, bounded by the test's own wait
        target.symlink_to(tmp_path / "elsewhere.json")
        holder.execute("ROLLBACK")

    thread = threading.Thread(target=take_the_name, daemon=True)
    thread.start()
    code, out, err = cli(
        db, "--wait", "30", "erase", EMAIL, "--reference", "R-8", "--receipt", str(target)
    )
    thread.join(5)
    holder.close()
    assert code == 0, err + out
    assert f"Erased; the receipt could not be written to {target} because" in out
    printed = json.loads(out[out.index("{") : out.rindex("}") + 1])
    assert printed["reference"] == "R-8" and printed["counts"]["contacts"] == 1
    models.open_database(db)
    assert erased()


@pytest.mark.sqlite_only
def test_a_receipt_that_cannot_be_rewritten_after_the_commit_keeps_the_first(db, tmp_path):
    """The disk holding the receipt is full after the commit (a file system of one page: the
    receipt prepared before the commit fits, its final version does not): the erasure stands
    and says why; the receipt as it was at the commit is named."""
    import subprocess as sp

    rita()
    folder = tmp_path / "receipts"
    folder.mkdir()
    mounted = sp.run(["mount", "-t", "tmpfs", "-o", "size=4k", "tmpfs", str(folder)])
    if mounted.returncode:
        pytest.skip("cannot mount a small file system here")
    try:
        target = folder / "receipt.json"
        receipt = models.erase([EMAIL], "R-9", "sam", receipt=target)
        assert erased() and "could not be written" in receipt.receipt_problem
        assert json.loads(target.read_text())["reference"] == "R-9", "the first one, named"
    finally:
        sp.run(["umount", "-l", str(folder)], check=False)
