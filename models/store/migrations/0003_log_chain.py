"""Make the deletion log tamper-evident: each entry carries a hash over the one before it."""

import hashlib

from peewee import TextField

GENESIS = "0" * 64


def up(migrator, db):
    migrator.migrate(
        migrator.add_column("deletion_log", "prev_hash", TextField(default="")),
        migrator.add_column("deletion_log", "hash", TextField(default="")),
    )
    previous = GENESIS
    rows = db.execute_sql(
        "SELECT id, at, actor, action, count, reason FROM deletion_log ORDER BY id"
    ).fetchall()
    for row in rows:
        fields = [previous, *(str(value) for value in row)]
        digest = hashlib.sha256("\x1f".join(fields).encode()).hexdigest()
        db.execute_sql(
            "UPDATE deletion_log SET prev_hash = ?, hash = ? WHERE id = ?",
            (previous, digest, row[0]),
        )
        previous = digest
