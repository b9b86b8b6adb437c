"""`hushdesk backup FILE`: the whole help desk in one file, each record under its own key.

The keys of records that have none yet are given first, in short write
transactions; then one snapshot is read (no write lock held) and written to a
temporary file beside FILE, synced, and linked to FILE, which is never
overwritten. A process killed meanwhile leaves at most the temporary
`.FILE.*.partial`, never a file under FILE's name.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..store import clock, engine
from ..store.engine import db
from ..store.errors import InvalidInput
from ..store.files import NewFile, into_new_file
from ..store.guard import guarded
from ..store.migrations import APPLIED
from ..store.values import stored_text
from . import format as fmt
from . import keys, records
from .snapshot import snapshot

TRIES = 3  # snapshots tried before records added in between are left to the next backup
BUFFER = 1 << 20


@dataclass(frozen=True)
class BackupResult:
    path: Path
    contacts: int
    conversations: int
    requests: int
    size: int
    left_out: int  # records added while the backup began: in the next one
    created_at: str


@guarded
def write_backup(path: str | Path) -> BackupResult:
    """Write a backup of the open database to a new file `path` (never over one)."""
    return into_new_file(path, _write)


def _write(new: NewFile) -> BackupResult:
    for attempt in range(TRIES):
        keys.fill()
        with snapshot():
            left_out = sum(keys.missing(kind) for kind in keys.KINDS)
            if left_out and attempt < TRIES - 1:
                continue
            return _write_snapshot(new, left_out)
    raise AssertionError("unreachable")  # pragma: no cover


def _header() -> dict[str, object]:
    return {
        "format": fmt.FORMAT,
        "version": fmt.VERSION,
        "backup_id": os.urandom(16).hex(),
        "created_at": stored_text(clock.now()),
        "engine": engine.backend().name,
        "migrations": sorted(str(name) for (name,) in db.execute_sql(APPLIED).fetchall()),
    }


def _write_snapshot(new: NewFile, left_out: int) -> BackupResult:
    header = _header()
    backup_id = bytes.fromhex(str(header["backup_id"]))
    counts = dict.fromkeys(keys.KINDS, 0)
    try:
        with os.fdopen(new.fd, "wb", buffering=BUFFER, closefd=False) as out:
            writer = fmt.Writer(out, header)
            writer.plain(records.plain())
            for kind in keys.KINDS:
                for rid, key, document in records.documents(kind):
                    writer.record(kind, fmt.seal(backup_id, kind, rid, key, document))
                    counts[kind] += 1
            writer.end()
            out.flush()
            os.fsync(new.fd)
            size = out.tell()
    except OSError as error:
        raise InvalidInput(f"cannot write {new.target}: {error.strerror or error}") from None
    return BackupResult(
        new.target,
        counts[keys.CONTACT],
        counts[keys.CONVERSATION],
        counts[keys.REQUEST],
        size,
        left_out,
        str(header["created_at"]),
    )
