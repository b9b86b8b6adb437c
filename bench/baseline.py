"""The same work done with Python's plain sqlite3, for the ratios in bench/run.py."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path

from models.store.engines import sqlite as lite


def connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA secure_delete = 1")
    con.execute("PRAGMA foreign_keys = 1")
    con.execute("PRAGMA busy_timeout = 15000")
    con.execute("PRAGMA cache_size = -32000")  # as hushdesk's connection
    return con


def insert_rows(path: Path, tables: dict[str, tuple[tuple[str, ...], list[tuple]]]) -> float:
    """executemany of pre-made rows, the same index fill and merge, ANALYZE; returns seconds."""
    con = connect(path)
    start = time.perf_counter()
    con.execute("BEGIN IMMEDIATE")
    for table, (columns, rows) in tables.items():
        marks = ",".join("?" * len(columns))
        con.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})", rows)
    for shard in range(lite.SHARDS):
        con.execute(
            f"INSERT INTO {lite.shard_table(shard)}(rowid, name, email, phone, subject, body) "
            f"{lite._DOCUMENT_SELECT} WHERE c.id % {lite.SHARDS} = {shard}"
        )
    con.execute("COMMIT")
    _optimize(con, range(lite.SHARDS))
    con.execute("ANALYZE")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def delete(path: Path, ids: list[int], chunk: int | None = None) -> float:
    """Rows, index entries, the purge of touched shards, the log entry, the WAL truncation.

    With `chunk`, one transaction per chunk of ids, as an assistant's sweep does.
    """
    con = connect(path)
    start = time.perf_counter()
    size = chunk or len(ids)
    touched: set[int] = set()
    for first in range(0, len(ids), size):
        touched |= _delete_chunk(con, ids[first : first + size])
    _optimize(con, touched)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elapsed = time.perf_counter() - start
    con.close()
    return elapsed


def _optimize(con: sqlite3.Connection, shards: Iterable[int]) -> None:
    """Rewrite each shard's index into one segment (the purge)."""
    for shard in shards:
        table = lite.shard_table(shard)
        con.execute(f"INSERT INTO {table}({table}) VALUES('optimize')")


def _delete_chunk(con: sqlite3.Connection, ids: list[int]) -> set[int]:
    con.execute("BEGIN IMMEDIATE")
    shards: dict[int, list[int]] = {}
    for cid in ids:
        shards.setdefault(cid % lite.SHARDS, []).append(cid)
    for batch_start in range(0, len(ids), 500):
        batch = ids[batch_start : batch_start + 500]
        marks = ",".join("?" * len(batch))
        con.execute(f"DELETE FROM message WHERE conversation_id IN ({marks})", batch)
        con.execute(f"DELETE FROM conversation WHERE id IN ({marks})", batch)
    for shard, members in shards.items():
        table = lite.shard_table(shard)
        for batch_start in range(0, len(members), 500):
            batch = members[batch_start : batch_start + 500]
            marks = ",".join("?" * len(batch))
            con.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", batch)
    con.execute(
        "INSERT INTO deletion_log(at, actor, action, count, reason, prev_hash, hash) "
        "VALUES (datetime('now'), 'bench', 'delete conversations', ?, 'bench', '', '')",
        (len(ids),),
    )
    con.execute("COMMIT")
    return set(shards)
