"""Shared by the backup tests: where a restore goes, what a database holds, where text is."""

from __future__ import annotations

import subprocess
from pathlib import Path

import models
from models.store import engine
from models.store.forensics import scan

from .test_cli import cli


def new_target(request, engine_name: str, tmp_path: Path, name: str = "restored.db") -> str:
    """Where a restore writes: a new file, or a new empty PostgreSQL database."""
    if engine_name == "sqlite":
        return str(tmp_path / name)
    return request.getfixturevalue("pg_cluster").new_database()


def reopen(target) -> None:
    models.close_database()
    models.open_database(target)


def take_backup(db, path: Path) -> str:
    code, out, err = cli(db, "backup", str(path))
    assert code == 0, err
    reopen(db)
    return out


def restore(db, backup: Path, target, *extra: str) -> tuple[int, str, str]:
    """Restore `backup` into `target` with the keys of `db` (or `extra`); `db` open after."""
    keys = list(extra) or ["--live", str(db)]
    done = cli(target, "restore", str(backup), *keys)
    reopen(db)
    return done


def holdings(target) -> dict[str, object]:
    """Everything a help desk shows of its people: contacts and conversations, by id."""
    models.close_database()
    models.open_database(target)
    try:
        conversations = {}
        contacts = {}
        for cid in models.ConversationSearch("").ids():
            detail = models.get_conversation(cid)
            conversations[cid] = (
                detail.subject,
                detail.contact,
                detail.status,
                detail.held,
                [(m.author, m.body) for m in detail.messages],
            )
            if detail.contact_id is not None:
                info = models.get_contact(detail.contact_id)
                contacts[info.id] = (
                    info.name,
                    info.email,
                    info.phone,
                    [(a.key, a.value) for a in info.attributes],
                )
        return {"conversations": conversations, "contacts": contacts}
    finally:
        models.close_database()


def traces(request, target, texts: list[str]) -> list[str]:
    """Where any text still is in `target`: every byte of its files (SQLite), or every live
    row, index entry and a pg_dump of it (PostgreSQL)."""
    texts = texts + [t[-10:] for t in texts]
    if not str(target).startswith("postgresql://"):
        return [f"{f.text} in {f.file.name}@{f.offset}" for f in scan(target, texts)]
    models.close_database()
    models.open_database(target)
    try:
        found = [f"{t} in {where}" for t, where in engine.backend().traces(texts)]
    finally:
        models.close_database()
    cluster = request.getfixturevalue("pg_cluster")
    dump = subprocess.run(
        [str(cluster.bin / "pg_dump"), "--data-only", target], capture_output=True, text=True
    )
    assert dump.returncode == 0, dump.stderr
    return found + [f"{t} in pg_dump" for t in texts if t.lower() in dump.stdout.lower()]


def in_the_clear(data: bytes, texts: list[str]) -> list[str]:
    """The texts that appear in `data` as UTF-8 or UTF-16 (either byte order), any case."""
    lowered = data.lower()
    return [
        f"{text} as {encoding}"
        for text in texts
        for encoding in ("utf-8", "utf-16-le", "utf-16-be")
        if text.lower().encode(encoding) in lowered
    ]
