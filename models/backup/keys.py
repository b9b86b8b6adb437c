"""The key store: one random AES-256 key per contact, conversation and request (live database).

A record has no key until a backup needs one (`fill`). Deleting a contact or a
conversation deletes its key by cascade, in the same transaction. A change that
removes personal data but keeps the record (a redaction, a deleted attribute, a
forgotten profile's messages in others' conversations, an erasure's) replaces the
key here (`renew_*`), in the caller's transaction: older backups then hold the old
version under a key that no longer exists, and a restore says it changed. A
destroyed key's bytes leave the database files as deleted text does: the deleting
operations owe and run the same clean-up (SQLite's secure_delete and WAL
truncation, PostgreSQL's VACUUM of these tables). A request's key is replaced
when it is sealed (`renew_requests`): older backups then hold its identifiers as
given under a key that no longer exists.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from peewee import BlobField, ForeignKeyField, IntegerField

from ..store import engine, outcome
from ..store.engine import db
from ..store.guard import guarded
from ..store.schema import BaseModel, Contact, Conversation, Message

KEY_BYTES, KEY_ID_BYTES = 32, 8
FILL_CHUNK = 5_000  # keys given per write transaction: the write lock is held for milliseconds
CONTACT, CONVERSATION, REQUEST = "contact", "conversation", "privacy_request"
KINDS = (CONTACT, CONVERSATION, REQUEST)
NOUNS = {CONTACT: "contact", CONVERSATION: "conversation", REQUEST: "request"}  # as said


class ContactKey(BaseModel):
    """A contact's key (migration 0010; PostgreSQL's 0005)."""

    contact = ForeignKeyField(Contact, primary_key=True, on_delete="CASCADE")
    key_id = BlobField()
    key = BlobField()


class ConversationKey(BaseModel):
    """A conversation's key, guarding its subject, messages and mail hashes."""

    conversation = ForeignKeyField(Conversation, primary_key=True, on_delete="CASCADE")
    key_id = BlobField()
    key = BlobField()


class RequestKey(BaseModel):
    """A request's key, guarding its identifiers and trail (migration 0014; PostgreSQL's 0010)."""

    # the request's id; the migration's foreign key deletes the key with its request (the
    # request's model stands in privacy/, above this room)
    privacy_request = IntegerField(primary_key=True, column_name="privacy_request_id")
    key_id = BlobField()
    key = BlobField()

    class Meta:
        table_name = "privacy_request_key"


KeyModel = type[ContactKey] | type[ConversationKey] | type[RequestKey]
MODELS: dict[str, KeyModel] = {
    CONTACT: ContactKey,
    CONVERSATION: ConversationKey,
    REQUEST: RequestKey,
}


class Key(NamedTuple):
    key_id: bytes
    key: bytes


def table(kind: str) -> str:
    return f"{kind}_key"


def new_key() -> Key:
    """A random 256-bit key and a random id naming it (neither derived from anything)."""
    return Key(os.urandom(KEY_ID_BYTES), os.urandom(KEY_BYTES))


def _renew(model: KeyModel, ids: Iterable[int]) -> None:
    """Give these records a new key in place of the old one, which is overwritten."""
    column: Any = model._meta.primary_key
    for batch in engine.chunked(sorted(set(ids))):
        query = model.select(column).where(column.in_(batch))
        for (rid,) in engine.rows(query):
            key = new_key()
            model.update(key_id=key.key_id, key=key.key).where(column == rid).execute()


def renew_contacts(contact_ids: Iterable[int]) -> None:
    """New keys for these contacts (inside the caller's changing transaction): older
    backups hold their old version under a key that no longer exists."""
    _renew(ContactKey, contact_ids)


def renew_conversations(conversation_ids: Iterable[int]) -> None:
    """New keys for these conversations (inside the caller's changing transaction)."""
    _renew(ConversationKey, conversation_ids)


def renew_requests(request_ids: Iterable[int]) -> None:
    """New keys for these requests, as they are sealed (inside the caller's transaction):
    older backups hold their identifiers as given under a key that no longer exists."""
    _renew(RequestKey, request_ids)


def renew_written_by(contact_id: int) -> None:
    """New keys for the conversations holding messages this contact wrote (their author
    changes when the profile goes)."""
    query = Message.select(Message.conversation).where(Message.contact == contact_id)
    renew_conversations(int(cid) for (cid,) in engine.rows(query.distinct()))


def _missing_sql(kind: str) -> str:
    lock = " FOR KEY SHARE OF r" if engine.is_postgres() else ""
    return (
        f"SELECT r.id FROM {kind} r WHERE r.id > ? AND NOT EXISTS "
        f"(SELECT 1 FROM {table(kind)} k WHERE k.{kind}_id = r.id) ORDER BY r.id LIMIT ?{lock}"
    )


def _fill_chunk(kind: str, after: int) -> list[int]:
    """Give keys to the next records without one; their ids (none: all have keys).

    On PostgreSQL the records are locked against deletion until the keys commit, so no
    key is ever given to a record deleted meanwhile."""
    model = MODELS[kind]
    with outcome.transaction():
        sql = engine.backend().dialect.mark(_missing_sql(kind))
        ids = [int(rid) for (rid,) in db.execute_sql(sql, (after, FILL_CHUNK)).fetchall()]
        if ids:
            fields = [model._meta.primary_key, model.key_id, model.key]
            model.insert_many([(rid, *new_key()) for rid in ids], fields=fields).execute()
    return ids


@guarded
def fill() -> int:
    """Give a key to every record without one, a chunk per short transaction; how many."""
    given = 0
    for kind in KINDS:
        after = 0
        while ids := _fill_chunk(kind, after):
            given, after = given + len(ids), ids[-1]
    return given


def missing(kind: str) -> int:
    """Records of `kind` without a key, as this transaction sees them."""
    sql = (
        f"SELECT count(*) FROM {kind} r WHERE NOT EXISTS "
        f"(SELECT 1 FROM {table(kind)} k WHERE k.{kind}_id = r.id)"
    )
    return int(db.execute_sql(sql).fetchone()[0])


def all_keys(kind: str) -> Iterator[tuple[int, Key]]:
    """Every key of `kind`, by record id, in id order."""
    sql = f"SELECT {kind}_id, key_id, key FROM {table(kind)} ORDER BY {kind}_id"
    for rid, key_id, key in db.execute_sql(sql):
        yield int(rid), Key(bytes(key_id), bytes(key))


KeyRing = dict[str, dict[int, Key]]


@guarded
def key_ring() -> KeyRing:
    """The whole key store of the open database, read in one snapshot (no write lock)."""
    from .snapshot import snapshot

    with snapshot():
        return {kind: dict(all_keys(kind)) for kind in KINDS}
