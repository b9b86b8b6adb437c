"""What a backup holds of each table, read from a snapshot and written back on restore.

A contact's document holds its row and its attributes; a conversation's, its row,
its messages (oldest first, each with why it was automatic), its mail hashes, the
Message-IDs replies thread by, its agents' drafts and its unsent replies; a
request's, its row (identifiers as given while it is open) and its trail. The
plain document holds what has no personal data: channels, assistants, settings,
the deletion log, the intake's sources (a password file's path, never the
password) and the mail it took, and the tombstones of deleted mail. Values are as
stored: times as fixed-width UTC text, so both engines read them alike.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from ..store import engine
from ..store.engine import db
from ..store.schema import (
    ATTRIBUTE_COLUMNS,
    CONTACT_COLUMNS,
    CONVERSATION_COLUMNS,
    WRITTEN_COLUMNS,
)
from ..store.values import stored_text
from .keys import CONTACT, CONVERSATION, REQUEST, Key, table

CHUNK = 1_000
REQUEST_COLUMNS = (
    *("id", "reference", "kind", "state", "received_on", "due_on", "extended_months"),
    *("identifiers", "sealed", "salt", "conversation_id", "opened_at", "closed_at"),
)
FIELDS = {  # but the id
    CONTACT: CONTACT_COLUMNS[1:],
    CONVERSATION: CONVERSATION_COLUMNS[1:],
    REQUEST: REQUEST_COLUMNS[1:],
}
MESSAGE_FIELDS = (*WRITTEN_COLUMNS, "automatic")
REFERENCE_COLUMNS = ("conversation_id", "message_id", "sent_at", "automatic", "ours")
DRAFT_COLUMNS = ("conversation_id", "agent", "body", "saved_at")
OUTBOX_COLUMNS = (
    *("conversation_id", "id", "agent", "message_id", "sender", "recipient", "subject"),
    *("in_reply_to", "refs", "body", "written_at", "state", "claim", "attempts", "since"),
    *("next_try_at", "claimed_at", "reason"),
)
STEP_COLUMNS = ("request_id", "at", "what", "note", "actor")
# what a document holds besides its row: (its name, the table, the columns, owner first, and
# the order within one owner)
Child = tuple[str, str, tuple[str, ...], str]
CHILDREN: dict[str, tuple[Child, ...]] = {
    CONTACT: (("attributes", "attribute", ATTRIBUTE_COLUMNS, "key"),),
    CONVERSATION: (
        ("messages", "message", MESSAGE_FIELDS, "id"),
        ("mail_keys", "mail_key", ("conversation_id", "key"), "key"),
        ("references", "mail_reference", REFERENCE_COLUMNS, "id"),
        ("drafts", "reply_draft", DRAFT_COLUMNS, "agent"),
        ("outbox", "outbox", OUTBOX_COLUMNS, "id"),
    ),
    REQUEST: (("steps", "privacy_request_step", STEP_COLUMNS, "id"),),
}
PLAIN_TABLES = {
    "channel": ("id", "name", "kind", "social"),
    "assistant": ("channel_id", "enabled", "days", "last_run_at", "last_run_count"),
    "setting": ("key", "value"),
    "deletion_log": ("id", "at", "actor", "action", "count", "reason", "prev_hash", "hash"),
    "intake_source": (  # not its last error: the next fetch says it again
        *("id", "name", "url", "password_file", "ca_file", "after", "folder", "created_at"),
        *("last_fetch", "next_fetch", "failures", "taken"),
    ),
    "intake_taken": ("source_id", "box", "item", "conversation_id", "place", "purge"),
    "mail_gone": ("key",),
}
LEFT_OUT = {  # the tables a backup never holds, and why a restored help desk needs none
    "schema_migration": "the new database records its own migrations",
    "purge_pending": "clean-up the live database's files owe, not the restored one's",
    "request_done": "which changes committed in the live database, for a lost connection",
    "contact_key": "the keys stay in the live database",
    "conversation_key": "the keys stay in the live database",
    "privacy_request_key": "the keys stay in the live database",
    "sqlite_stat1": "planner statistics, made again after the restore",
    "sqlite_sequence": "SQLite's own counters of the API's tables",
    "api_token": "credentials: made anew after a restore, so a token revoked since stays dead",
    "api_idempotency": "the live API's first answers, some about a contact, kept for 24 hours",
    "webhook": "each subscription holds its signing secret: subscribed again after a restore",
    "webhook_event": "the live desk's notifications: a restored desk never sends them again",
    "webhook_delivery": "the live desk's notifications: a restored desk never sends them again",
}
INDEX_PREFIX = "search_"  # the search index: a restore builds it from what it restored
BOOLEANS = {"held", "social", "enabled", "sealed", "purge"}
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


def _children(child: Child, ids: list[int]) -> dict[int, list[Any]]:
    _, name, columns, order = child
    found: dict[int, list[Any]] = {rid: [] for rid in ids}
    sql = (
        f"SELECT {', '.join(columns)} FROM {name} WHERE {columns[0]} IN "
        f"({', '.join('?' * len(ids))}) ORDER BY {columns[0]}, {order}"
    )
    rows = db.execute_sql(_sql(sql), ids)
    if engine.is_postgres():
        for owner, *values in rows:
            found[owner].append([_value(v) for v in values])
    else:
        for owner, *values in rows:
            found[owner].append(values)
    return found


def owed_copies() -> list[dict[str, Any]]:
    """The mail taken whose server copy is owed deletion (its conversation was deleted)
    or deleted already: what a restore of an older backup must owe, or not owe, too."""
    from ..inflow.box import GONE

    fields = PLAIN_TABLES["intake_taken"]
    sql = (
        f"SELECT {', '.join(fields)} FROM intake_taken WHERE purge OR place = ? ORDER BY source_id"
    )
    return [_row(fields, row) for row in db.execute_sql(_sql(sql), (GONE,))]


def sealed_requests() -> list[dict[str, Any]]:
    """Every sealed request with its trail, keyed or not: what a restore of an older backup
    takes from the live database (no identifier is in the clear in them)."""
    fields = REQUEST_COLUMNS
    sql = f"SELECT {', '.join(fields)} FROM privacy_request WHERE sealed ORDER BY id"
    found: list[dict[str, Any]] = [_row(fields, row) for row in db.execute_sql(sql)]
    for batch in engine.chunked([int(r["id"]) for r in found]):
        steps = _children(CHILDREN[REQUEST][0], list(batch))
        for row in found:
            if row["id"] in steps:
                row["steps"] = steps[row["id"]]
    return found


def documents(kind: str) -> Iterator[tuple[int, Key, dict[str, Any]]]:
    """Every record of `kind` that has a key, in id order: its row and what it holds
    (`CHILDREN`: a contact's attributes; a conversation's messages, oldest first, mail
    hashes, Message-IDs, drafts and unsent replies; a request's trail)."""
    after = 0
    while batch := _keyed(kind, FIELDS[kind], after):
        ids = [rid for rid, _, _ in batch]
        held = [(child[0], _children(child, ids)) for child in CHILDREN[kind]]
        for rid, key, document in batch:
            for name, found in held:
                document[name] = found[rid]
            yield rid, key, document
        after = ids[-1]
