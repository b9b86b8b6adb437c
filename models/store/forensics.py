"""Proof that deleted text is gone: scan every byte of a database's files for it.

`scan` reads the main file, the -wal, -shm and -journal files as raw bytes
and looks for each text as UTF-8 and UTF-16 (both byte orders), ignoring
case. Where it can, it names the page and the table that holds a match
(through SQLite's dbstat table, opened read-only). It never writes.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from .errors import InvalidInput
from .guard import guarded
from .sqlite_file import read_only
from .values import SQLITE_HEADER

SUFFIXES = ("", "-wal", "-shm", "-journal")
ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")
WAL_OWED = -1  # a purge_pending row: the write-ahead log may still hold deleted text
MIN_TEXT, MAX_TEXT = 4, 1000
WAL_HEADER, FRAME_HEADER = 32, 24


@dataclass(frozen=True)
class Finding:
    text: str
    file: Path
    offset: int
    encoding: str
    page: int | None
    table: str | None


def database_files(path: Path) -> list[Path]:
    return [Path(f"{path}{suffix}") for suffix in SUFFIXES if Path(f"{path}{suffix}").is_file()]


def check_texts(texts: list[str]) -> list[str]:
    if not texts:
        raise InvalidInput("give at least one text to look for")
    for text in texts:
        if not MIN_TEXT <= len(text.strip()) <= MAX_TEXT:
            raise InvalidInput(
                f"each text must be {MIN_TEXT} to {MAX_TEXT} characters "
                "(shorter ones match by chance)"
            )
    return [t.strip() for t in texts]


def _needles(texts: list[str]) -> dict[bytes, tuple[str, str]]:
    """Byte patterns (ASCII-lowered) -> (text, encoding), for every case variant."""
    needles: dict[bytes, tuple[str, str]] = {}
    for text in texts:
        for encoding in ENCODINGS:
            for variant in (text, text.lower(), text.upper(), text.casefold()):
                needles.setdefault(variant.encode(encoding).lower(), (text, encoding))
    return needles


def _matches(data: bytes, needles: dict[bytes, tuple[str, str]]) -> list[tuple[int, bytes]]:
    pattern = re.compile(b"|".join(re.escape(n) for n in sorted(needles, key=len, reverse=True)))
    return [(m.start(), m.group()) for m in pattern.finditer(data.lower())]


def _page_size(header: bytes) -> int:
    size = int.from_bytes(header[16:18], "big")
    return 65536 if size == 1 else size


def _page_of(file: Path, main: Path, offset: int, data: bytes) -> int | None:
    if file == main and data[:16] == SQLITE_HEADER:
        return offset // _page_size(data) + 1
    if file.name.endswith("-wal") and len(data) >= WAL_HEADER and offset >= WAL_HEADER:
        page_size = int.from_bytes(data[8:12], "big")
        frame = (offset - WAL_HEADER) // (FRAME_HEADER + page_size)
        start = WAL_HEADER + frame * (FRAME_HEADER + page_size)
        return int.from_bytes(data[start : start + 4], "big") or None
    return None


def _tables(main: Path) -> dict[int, str]:
    """Page number -> table or index name; pages not listed are free."""
    try:
        con = read_only(main)
        try:
            return dict(con.execute("SELECT pageno, name FROM dbstat"))
        finally:
            con.close()
    except sqlite3.Error:
        return {}


@guarded
def scan(path: str | Path, texts: list[str]) -> list[Finding]:
    """Every place in the database's files where any of `texts` still appears."""
    main = Path(path)
    if not main.is_file():
        raise InvalidInput(f"{main}: no such database file")
    texts = check_texts(texts)
    findings: list[Finding] = []
    needles = _needles(texts)
    tables: dict[int, str] | None = None
    for file in database_files(main):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise InvalidInput(f"cannot read {file}: {error.strerror}") from None
        for offset, needle in _matches(data, needles)[:1000]:
            if tables is None:
                tables = _tables(main)
            text, encoding = needles[needle]
            page = _page_of(file, main, offset, data)
            table = tables.get(page, "free page") if page else None
            findings.append(Finding(text, file, offset, encoding, page, table))
    return findings


@dataclass(frozen=True)
class Owed:
    """A deletion's clean-up still owed: index shards to purge, the WAL to truncate."""

    shards: int
    wal: bool


def owed(path: str | Path) -> Owed:
    """What earlier deletions still owe (read-only): hushdesk finishes it when it can."""
    try:
        con = read_only(path)
        try:
            rows = [shard for (shard,) in con.execute("SELECT shard FROM purge_pending")]
        finally:
            con.close()
    except sqlite3.Error:
        return Owed(0, False)
    return Owed(len([s for s in rows if s != WAL_OWED]), WAL_OWED in rows)


def place(finding: Finding) -> str:
    page = f" (page {finding.page}, {finding.table})" if finding.page else ""
    return f"{finding.file.name} at byte {finding.offset:,} as {finding.encoding}{page}"
