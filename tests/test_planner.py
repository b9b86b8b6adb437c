"""After bulk loads: planner statistics (never a copy of customer data), merged index shards."""

import json

import models
from models import importer
from models.store import engine
from models.store.engines import sqlite as lite
from models.store.schema import Contact


def statistics() -> list[tuple]:
    return engine.db.execute_sql("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall()


def analyzed(table: str) -> bool:
    return any(tbl == table for tbl, _, _ in statistics())


def test_demo_leaves_statistics_that_hold_only_counts(db):
    models.generate_demo(300, seed=3)
    assert analyzed("conversation") and analyzed("contact")
    emails = [c.email for c in Contact.select() if c.email]
    stored = " ".join(str(row) for row in statistics())
    assert not any(email in stored for email in emails)
    if engine.db.table_exists("sqlite_stat4"):
        assert engine.db.execute_sql("SELECT count(*) FROM sqlite_stat4").fetchone() == (0,)


def _jsonl(path, conversations: int):
    lines = [
        {"type": "conversation", "channel": "Chat", "kind": "chat", "subject": f"s{i}"}
        for i in range(conversations)
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


def test_a_large_import_refreshes_statistics(db, tmp_path, monkeypatch):
    importer.import_path(_jsonl(tmp_path / "few.jsonl", 3))
    assert not analyzed("conversation")  # a small import leaves them alone
    monkeypatch.setattr(importer, "BULK_LOAD", 3)
    importer.import_path(_jsonl(tmp_path / "many.jsonl", 3))
    assert analyzed("conversation")


def segments(shard: int) -> int:
    table = lite.shard_table(shard)
    (count,) = engine.db.execute_sql(f"SELECT count(DISTINCT segid) FROM {table}_idx").fetchone()
    return int(count)


def test_a_large_import_merges_every_index_shard(db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BULK_LOAD", 100)
    importer.import_path(_jsonl(tmp_path / "a.jsonl", 70))
    importer.import_path(_jsonl(tmp_path / "b.jsonl", 70))
    assert segments(1) > 1  # a small import adds segments to the shards it touches
    importer.import_path(_jsonl(tmp_path / "c.jsonl", 100))
    assert {segments(shard) for shard in range(lite.SHARDS)} == {1}


def test_a_demo_merges_every_index_shard(db):
    models.generate_demo(100, seed=3)
    models.generate_demo(100, seed=4, add=True)
    assert {segments(shard) for shard in range(lite.SHARDS)} == {1}
