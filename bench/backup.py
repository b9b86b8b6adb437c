"""Backups at help-desk scale: hushdesk backup and restore beside the engine's own copy.

    python bench/backup.py                       # 50,000 conversations on SQLite
    python bench/backup.py --conversations 1000000
    python bench/backup.py --engine postgresql [--url postgresql://user@host/db]

Beside each, in the same run on the same database: SQLite's `VACUUM INTO` (a whole,
consistent copy) and a plain file copy back; PostgreSQL's `pg_dump -Fc` and
`pg_restore`. The first backup also gives every record its key; the second finds
them given. It only reports: the target (within 3x) is marked, never failed on.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402
from models.backup import restoring  # noqa: E402
from models.store.clock import FixedClock, set_clock  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import places  # noqa: E402

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
TARGET = 3.0


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def pg_tool(name: str) -> str:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from tests import postgres

    folder = postgres.bindir()
    return str(folder / name) if folder else name


def run(place: places.Files | places.Server, count: int) -> list[tuple[str, float, float]]:
    """The rows of the table, with the backup files in a temporary folder, removed after."""
    with tempfile.TemporaryDirectory(prefix="hushdesk-bench-backup-") as name:
        return measure(place, count, Path(name))


def measure(
    place: places.Files | places.Server, count: int, folder: Path
) -> list[tuple[str, float, float]]:
    live = place.new("backup_live")
    models.open_database(live, create=True)
    models.generate_demo(count, 7)
    first = timed(lambda: models.write_backup(folder / "first.hdb"))
    second = timed(lambda: models.write_backup(folder / "second.hdb"))
    keys = restoring.live_keys(live)
    models.open_database(live)
    restored = place.new("backup_restored")
    restore = timed(
        lambda: models.restore(folder / "second.hdb", str(restored), lambda: keys, "bench")
    )
    models.close_database()
    if isinstance(place, places.Files):
        import sqlite3

        con = sqlite3.connect(live)
        base_backup = timed(lambda: con.execute(f"VACUUM INTO '{folder / 'copy.db'}'"))
        con.close()
        base_restore = timed(lambda: shutil.copyfile(folder / "copy.db", folder / "back.db"))
        names = ("VACUUM INTO", "file copy")
    else:
        dump = folder / "dump.pgc"
        base_backup = timed(
            lambda: subprocess.run(
                [pg_tool("pg_dump"), "-Fc", "-f", str(dump), str(live)], check=True
            )
        )
        other = place.new("backup_pg_restore")
        base_restore = timed(
            lambda: subprocess.run(
                [pg_tool("pg_restore"), "-d", str(other), str(dump)], check=True
            )
        )
        names = ("pg_dump -Fc", "pg_restore")
    size = (folder / "second.hdb").stat().st_size
    print(f"backup file: {size / 1e6:.1f} MB for {count:,} conversations")
    return [
        (f"backup, keys given first (vs {names[0]})", first, base_backup),
        (f"backup (vs {names[0]})", second, base_backup),
        (f"restore (vs {names[1]})", restore, base_restore),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=50_000)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--url")
    args = parser.parse_args()
    set_clock(FixedClock(NOW))
    place = places.Files() if args.engine == "sqlite" else places.Server(args.url)
    try:
        rows = run(place, args.conversations)
    finally:
        place.close()
    print(f"| action ({args.engine}, {args.conversations:,}) | hushdesk s | baseline s | ratio |")
    print("| --- | --- | --- | --- |")
    for name, ours, theirs in rows:
        ratio = ours / theirs if theirs else float("inf")
        mark = "" if ratio <= TARGET else f" (over {TARGET:.0f}x)"
        print(f"| {name} | {ours:.2f} | {theirs:.2f} | {ratio:.2f}x{mark} |")


if __name__ == "__main__":
    main()
