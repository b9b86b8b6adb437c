"""A child process for the backup crash tests: backs up or restores, a line per step.

python tests/backup_child.py backup DB FILE
python tests/backup_child.py restore FILE TARGET LIVE
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from models.backup import format as fmt  # noqa: E402
from models.backup import records, restoring  # noqa: E402
from models.store import engine  # noqa: E402
from tui.cli import main  # noqa: E402


def say_each_record() -> None:
    original = fmt.Writer.record

    def record(self: fmt.Writer, kind: str, body: bytes) -> None:
        original(self, kind, body)
        if self.records % 25 == 0:
            print(self.records, flush=True)

    fmt.Writer.record = record  # type: ignore[method-assign]


def say_each_insert() -> None:
    original = engine.insert_rows

    def insert_rows(table, columns, data):  # type: ignore[no-untyped-def]
        original(table, columns, data)
        print(table, flush=True)

    restoring.engine.insert_rows = insert_rows  # type: ignore[attr-defined]
    records.CHUNK = 25


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "backup":
        say_each_record()
        argv = ["--db", sys.argv[2], "backup", sys.argv[3]]
    else:
        say_each_insert()
        argv = ["--db", sys.argv[3], "restore", sys.argv[2], "--live", sys.argv[4]]
    print("start", flush=True)
    try:
        main(argv)
    finally:
        print("done", flush=True)
