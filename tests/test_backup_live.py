"""A backup is one snapshot, taken while agents keep working: it never holds the write lock."""

import subprocess

import pytest

import models
from models.backup import format as fmt
from models.backup import records

from .backups import new_target, restore
from .helpers import conversation
from .test_cli import HUSHDESK

pytestmark = pytest.mark.both_engines


def test_agents_delete_and_write_while_a_backup_reads(db, tmp_path, request, engine, monkeypatch):
    ids = [
        conversation(email=f"live{i}@example.com", subject=f"live {i}", status="archived")
        for i in range(30)
    ]
    victim, said = ids[-1], []
    original = records.documents

    def documents_with_agents_at_work(kind):
        for number, found in enumerate(original(kind)):
            if kind == "conversation" and number == 1:  # the snapshot is open and being read
                for args in (["delete", str(victim)], ["archive", str(ids[0])]):
                    said.append(agent(db, args))
            yield found

    monkeypatch.setattr(records, "documents", documents_with_agents_at_work)
    backup = tmp_path / "b.hdb"
    done = models.write_backup(backup)
    assert [code for code, _ in said] in ([0, 0], [3, 0]), said  # 3: gone once the backup ends
    assert done.conversations == 30, "the snapshot is of the moment it began"
    assert sum(r.kind == "conversation" for r in fmt.read(backup).records) == 30
    target = new_target(request, engine, tmp_path)
    code, out, err = restore(db, backup, target)
    assert code == 0 and "1 conversation that changed (0) or went (1)" in out, (out, err)
    left = models.finish_cleanup()  # what the backup's snapshot kept, finished once it ended
    assert left is None or left.done


def agent(db, args: list[str]) -> tuple[int, str]:
    """Another agent's command, waiting for no lock at all."""
    done = subprocess.run(
        [HUSHDESK, "--db", str(db), "--wait", "0", "--agent", "other", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stdout + done.stderr
