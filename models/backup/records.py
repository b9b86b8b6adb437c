"""What a backup holds of each table, read from a snapshot and written back on restore.

A contact's document holds its row and its attributes; a conversation's, its row,
its messages (oldest first) and its mail hashes. The plain document holds what has
no personal data: channels, assistants, settings and the deletion log. Values are
as stored: times as fixed-width UTC text, so both engines read them alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from ..store import engine
from ..store.engine import db
from ..store.values import stored_text
from .keys import CONTACT, Key, table

CHUNK = 1_000
CONTACT_FIELDS = ("name", "email", "phone", "phone_digits", "phone_e164", "created_at")
CONVERSATION_FIELDS = (
    "channel_id",
    "contact_id",
    "subject",
    "status",
    "archived_at",
    "created_at",
    "last_activity",
    "held",
)
ATTRIBUTE_FIELDS = ("key", "value", "source", "set_at")
MESSAGE_FIELDS = ("author", "body", "sent_at", "contact_id")
PLAIN_TABLES = {
    "channel": ("id", "name", "kind", "social"),
    "assistant": ("channel_id", "enabled", "days", "last_run_at", "last_run_count"),
    "setting": ("key", "value"),
    "deletion_log": ("id", "at", "actor", "action", "count", "reason", "prev_hash", "hash"),
}
BOOLEANS = {"held", "social", "enabled"}
PRIVATE_SETTINGS = ("pg_vacuum_owed_xid",)  # the engine's own book-keeping, not the desk's


def _sql(text: str) -> str:
    return engine.backend().dialect.mark(text)


def _value(value: object) -> object:
    if isinstance(value, datetime):
        return stored_text(value)
    if isinstance(value, memoryview):
        return bytes(value).hex()
    return value


def _row(fields: Sequence[str], values: Sequence[object]) -> dict[str, object]:
    row = dict(zip(fields, values, strict=True))
    if engine.is_postgres():  # times come as datetimes; SQLite's are stored text already
        row = {name: _value(value) for name, value in row.items()}
    for name in BOOLEANS.intersection(row):
        row[name] = bool(row[name])
    return row


def plain() -> dict[str, list[dict[str, object]]]:
    """The tables without personal data, whole."""
    found: dict[str, list[dict[str, object]]] = {}
    for name, fields in PLAIN_TABLES.items():
        order = fields[0]
        rows = db.execute_sql(f"SELECT {', '.join(fields)} FROM {name} ORDER BY {order}")
        found[name] = [_row(fields, row) for row in rows]
    found["setting"] = [s for s in found["setting"] if s["key"] not in PRIVATE_SETTINGS]
    return found


def _keyed(kind: str, fields: Sequence[str], after: int) -> list[tuple[int, Key, dict[str, Any]]]:
    columns = ", ".join(f"r.{f}" for f in fields)
    sql = (
        f"SELECT r.id, k.key_id, k.key, {columns} FROM {kind} r "
        f"JOIN {table(kind)} k ON k.{kind}_id = r.id WHERE r.id > ? ORDER BY r.id LIMIT ?"
    )
    rows = db.execute_sql(_sql(sql), (after, CHUNK)).fetchall()
    return [(int(r[0]), Key(bytes(r[1]), bytes(r[2])), _row(fields, r[3:])) for r in rows]


def _children(sql: str, ids: list[int], fields: Sequence[str]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = {rid: [] for rid in ids}
    marks = ", ".join("?" * len(ids))
    rows = db.execute_sql(_sql(sql.format(marks=marks)), ids)
    if engine.is_postgres():
        for owner, *values in rows:
            found[owner].append([_value(v) for v in values])
    else:
        for owner, *values in rows:
            found[owner].append(values)
    return found


def contacts() -> Iterator[tuple[int, Key, dict[str, Any]]]:
    """Every contact with a key, with its attributes, in id order."""
    after = 0
    while batch := _keyed(CONTACT, CONTACT_FIELDS, after):
        ids = [rid for rid, _, _ in batch]
        attributes = _children(
            "SELECT contact_id, key, value, source, set_at FROM attribute "
            "WHERE contact_id IN ({marks}) ORDER BY contact_id, key",
            ids,
            ATTRIBUTE_FIELDS,
        )
        for rid, key, document in batch:
            document["attributes"] = attributes[rid]
            yield rid, key, document
        after = ids[-1]


def conversations() -> Iterator[tuple[int, Key, dict[str, Any]]]:
    """Every conversation with a key, with its messages and mail hashes, in id order."""
    after = 0
    while batch := _keyed("conversation", CONVERSATION_FIELDS, after):
        ids = [rid for rid, _, _ in batch]
        messages = _children(
            "SELECT conversation_id, author, body, sent_at, contact_id FROM message "
            "WHERE conversation_id IN ({marks}) ORDER BY conversation_id, id",
            ids,
            MESSAGE_FIELDS,
        )
        mail = _children(
            "SELECT conversation_id, key FROM mail_key WHERE conversation_id IN ({marks}) "
            "ORDER BY conversation_id, key",
            ids,
            ("key",),
        )
        for rid, key, document in batch:
            document["messages"] = messages[rid]
            document["mail_keys"] = [k for (k,) in mail[rid]]
            yield rid, key, document
        after = ids[-1]
