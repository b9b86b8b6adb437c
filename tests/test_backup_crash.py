"""kill -9 during a backup or a restore leaves nothing half done: no file under the backup's
name but a whole one, and no restored database but a whole one."""

import random
import subprocess
import sys
from pathlib import Path

import pytest

import models
from models.backup import format as fmt

from .backups import new_target, restore, take_backup
from .helpers import conversation

pytestmark = pytest.mark.both_engines
CHILD = str(Path(__file__).parent / "backup_child.py")
RUNS = 10


def desk(count: int = 300) -> None:
    for i in range(count):
        contact = models.create_contact(f"Crash Person{i}", f"c{i}@example.com")
        models.set_attribute(contact, "plan", f"plan {i}")
        conversation(contact_id=contact, subject=f"crash {i}", body=f"words {i} " * 30)


def killed(args: list[str], rng: random.Random) -> bool:
    """Run the child, kill it after a random number of its lines; True when it was cut."""
    child = subprocess.Popen([sys.executable, CHILD, *args], stdout=subprocess.PIPE, text=True)
    seen = [child.stdout.readline() for _ in range(rng.randint(1, 14))]
    child.kill()
    child.wait()
    return "done\n" not in seen


def test_kill_during_a_backup(db, tmp_path):
    desk()
    models.close_database()
    rng, cuts = random.Random(11), 0
    for run in range(RUNS):
        target = tmp_path / f"b{run}.hdb"
        cuts += killed(["backup", str(db), str(target)], rng)
        if target.exists():
            backup = fmt.read(target)  # whole, or not there at all
            assert sum(r.kind == "conversation" for r in backup.records) == 300
    assert cuts >= 4, "runs must have been killed mid-way"
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(".b")]
    assert all(name.endswith(".partial") for name in left)
    models.open_database(db)


def test_kill_during_a_restore(db, tmp_path, request, engine):
    desk()
    backup = tmp_path / "b.hdb"
    take_backup(db, backup)
    models.close_database()
    rng, cuts = random.Random(12), 0
    for run in range(RUNS):
        target = new_target(request, engine, tmp_path, f"r{run}.db")
        cuts += killed(["restore", str(backup), str(target), str(db)], rng)
        if not whole_or_nothing(target, engine):  # a cut restore leaves PostgreSQL's empty
            assert restore(db, backup, target)[0] == 0, "and a restore into it may start over"
            assert whole_or_nothing(target, engine)
            models.close_database()
    assert cuts >= 4, "runs must have been killed mid-way"
    models.open_database(db)


def whole_or_nothing(target: str, engine: str) -> bool:
    if engine == "sqlite" and not Path(target).exists():
        return True  # nothing under its name
    models.open_database(target, create=engine != "sqlite")
    try:
        found = len(models.ConversationSearch("").ids())
        logged = models.list_log()
        assert found in (0, 300), found
        assert (found == 300) == bool(logged), "the restore's own log entry comes with it"
        assert models.verify_log().ok
        if found:
            assert models.ConversationSearch("crash").count() == 300
        return found == 300
    finally:
        models.close_database()
