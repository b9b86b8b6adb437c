"""`hushdesk verify-gone TEXT... --backup FILE`: can a text still be read from a backup?

Two looks: every byte of the file, for the text in the clear (UTF-8 and UTF-16, any
case, as `store.forensics` looks at the database files); and every record the
current key store can still decrypt, for the text in its values (any case). A text
in neither is unreadable from this backup with today's keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..store.forensics import _matches, _needles, check_texts
from ..store.guard import guarded
from . import format as fmt
from .keys import NOUNS, key_ring


@dataclass(frozen=True)
class BackupTrace:
    text: str
    place: str  # "in the clear at byte N", or "in contact #12", "in conversation #40", ...


@dataclass(frozen=True)
class BackupProof:
    traces: list[BackupTrace]
    readable: int  # records the current keys still open
    unreadable: int  # records whose key is gone or was replaced
    name: str


def _strings(document: Any) -> list[str]:
    if isinstance(document, str):
        return [document]
    if isinstance(document, dict):
        return [s for v in document.values() for s in _strings(v)]
    if isinstance(document, list):
        return [s for v in document for s in _strings(v)]
    return []


@guarded
def verify_backup(path: str | Path, texts: list[str]) -> BackupProof:
    """Where each text can still be read from the backup with the open database's keys."""
    texts = check_texts(texts)
    ring = key_ring()
    data = Path(path).read_bytes() if Path(path).is_file() else b""
    backup = fmt.read(path)
    needles = _needles(texts)
    traces = [
        BackupTrace(needles[needle][0], f"in the clear at byte {offset:,}")
        for offset, needle in _matches(data, needles)[:100]
    ]
    folded = [(text, text.casefold()) for text in texts]
    readable = unreadable = 0
    for record in backup.records:
        key = ring.get(record.kind, {}).get(record.id)
        if key is None or key.key_id != record.key_id:
            unreadable += 1
            continue
        readable += 1
        values = [
            s.casefold()
            for s in _strings(fmt.unseal(backup.backup_id, record, key.key, Path(path).name))
        ]
        for text, needle in folded:
            if any(needle in value for value in values):
                traces.append(BackupTrace(text, f"in {NOUNS[record.kind]} #{record.id}"))
    return BackupProof(traces, readable, unreadable, Path(path).name)
