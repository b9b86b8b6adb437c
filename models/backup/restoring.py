"""`hushdesk restore FILE --db NEW`: a new database from a backup, with today's keys.

A record whose key is gone from the key store (deleted, swept, erased since the
backup) or was replaced (redacted, an attribute deleted, a person erased from it)
cannot be decrypted and is left out: not shown as "Someone", absent. A conversation
whose contact was left out has no contact. The backup is read and checked whole
before anything is written; on SQLite the new database is built under a temporary
name beside NEW, synced and then linked to NEW (never over a file), and on
PostgreSQL into an empty database in one transaction, so a restore killed midway
leaves no database that looks complete. The deletion log comes from the backup,
followed by the live database's entries made since (when the keys come from it)
and one entry for the restore itself.

What was forgotten since the backup stays forgotten in what comes next, too: the
live database's (or the key export's) tombstones of deleted mail, and its tombstone
secret, join the backup's, so the next fetch or import of a message deleted since
leaves it out; its sealed requests replace the backup's open versions (which no
key opens any more), so their trail and clock survive without their identifiers.
The taken mail of a conversation gone since is owed deletion on its server. An
unsent reply is restored failed, never sent again by itself: it may have been sent
after the backup was taken.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import log
from ..mail.gone import SECRET
from ..outbound.outbox import FAILED
from ..store import engine, outcome
from ..store.engine import db
from ..store.errors import InvalidInput, Refused
from ..store.guard import guarded
from ..store.schema import ATTRIBUTE_COLUMNS, CONTACT_COLUMNS, CONVERSATION_COLUMNS
from . import format as fmt
from . import records
from .keys import CONTACT, CONVERSATION, KINDS, NOUNS, REQUEST, KeyRing, key_ring

EMPTY_TABLES = (
    *("channel", "contact", "conversation", "deletion_log", "setting"),
    *("privacy_request", "intake_source", "mail_gone"),
)
TAKEN = "intake_taken"
RESTORED_UNSENT = (
    "restored from a backup: it may have been sent after the backup was taken; check the "
    "customer's thread before retrying (a retry sends it with the same Message-ID)"
)
SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)


@dataclass(frozen=True)
class Keys:
    """The key store a restore decrypts with, and what came with it from the live database
    (or the key export): the deletion log, the tombstones of deleted mail with their
    secret, and the sealed requests."""

    ring: KeyRing
    log: list[dict[str, Any]] = field(default_factory=list)
    tombstones: list[str] = field(default_factory=list)
    secret: str | None = None
    sealed: list[dict[str, Any]] = field(default_factory=list)
    owed: list[dict[str, Any]] = field(default_factory=list)  # server copies to delete


@dataclass
class Left:
    """Records of one kind that could not be read: changed, or gone, since the backup."""

    noun: str
    changed: int = 0
    gone: int = 0
    gone_ids: set[int] = field(default_factory=set)

    @property
    def count(self) -> int:
        return self.changed + self.gone


@dataclass(frozen=True)
class RestoreResult:
    target: str
    created_at: str
    contacts: int
    conversations: int
    requests: int
    left: dict[str, Left]
    log_entries: int  # from the backup
    later_entries: int  # from the live database, made since the backup


@guarded
def live_keys(live: str | Path) -> Keys:
    """The key store of the live database and what a restore takes from it (opened, read,
    closed)."""
    engine.open_database(live)
    try:
        return with_forgotten(key_ring())
    finally:
        engine.close_database()


def with_forgotten(ring: KeyRing) -> Keys:
    """The key store `ring` with what the open database has forgotten: its deletion log,
    tombstones and their secret, and sealed requests (none holds personal data)."""
    plain = records.plain()
    secret = [s["value"] for s in plain["setting"] if s["key"] == SECRET]
    return Keys(
        ring,
        plain["deletion_log"],
        [str(t["key"]) for t in plain["mail_gone"]],
        str(secret[0]) if secret else None,
        records.sealed_requests(),
        records.owed_copies(),
    )


@guarded
def restore(path: str | Path, target: str, keys: Callable[[], Keys], actor: str) -> RestoreResult:
    """Build the new database `target` from the backup at `path`, decrypting with the key
    store `keys` gives, asked for once the backup has been read and checked whole."""
    actor = log.check_actor(actor)
    backup = fmt.read(path)
    _check_migrations(backup, Path(path).name)
    if engine.choose(target).name == "postgresql":
        return _into_postgres(backup, target, keys, actor)
    return _into_sqlite_file(backup, Path(target), keys, actor)


def _check_migrations(backup: fmt.Backup, where: str) -> None:
    """The backup's schema is one this hushdesk knows (either engine's: the format is the
    same for both, so a backup of one engine restores into the other)."""
    from ..store.engines.postgres import MIGRATIONS_DIR as POSTGRES_MIGRATIONS
    from ..store.migrations import names

    folder = POSTGRES_MIGRATIONS if backup.header.get("engine") == "postgresql" else None
    known = names(folder) if folder else set(engine.schema_migrations())
    unknown = sorted(set(backup.header["migrations"]) - known)
    if unknown:
        raise fmt.BackupUnreadable(
            f"{where} was written by a newer hushdesk (migration {unknown[-1]}); "
            "upgrade hushdesk to restore it"
        )


def _into_sqlite_file(
    backup: fmt.Backup, target: Path, keys: Callable[[], Keys], actor: str
) -> RestoreResult:
    if os.path.lexists(target):
        raise Refused(f"{target} exists: a restore never writes into an existing database")
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {target}: {target.parent} is not a folder")
    ring = keys()
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        engine.open_database(partial, create=True)
        try:
            result = _fill(backup, ring, actor, str(target))
        finally:
            engine.close_database()
        _sync(partial)
        try:
            os.link(partial, target)
        except FileExistsError:
            raise Refused(f"{target} exists now: a restore never writes over it") from None
        except OSError as error:
            raise InvalidInput(f"cannot write {target}: {error.strerror or error}") from None
        _sync(target.parent)
        return result
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)


def _into_postgres(
    backup: fmt.Backup, target: str, keys: Callable[[], Keys], actor: str
) -> RestoreResult:
    _check_empty(target)
    ring = keys()
    engine.open_database(target, create=True)
    try:
        return _fill(backup, ring, actor, engine.backend().describe(target))
    finally:
        engine.close_database()


def _check_empty(target: str) -> None:
    """Refuse a PostgreSQL database that holds any data, before hushdesk opens it (opening
    one of an older hushdesk would migrate it, a write). hushdesk's tables with no rows (a
    restore killed midway leaves them) are empty."""
    import psycopg

    from ..store.engines import pg_url
    from ..store.engines.postgres import shown

    try:
        with psycopg.connect(pg_url.read(target).conninfo(), autocommit=True) as raw:
            tables = [
                str(name)
                for (name,) in raw.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                )
            ]
            ours = "schema_migration" in tables
            held = [t for t in EMPTY_TABLES if t in tables]
            filled = any(raw.execute(f"SELECT 1 FROM {t} LIMIT 1").fetchone() for t in held)
    except psycopg.Error:
        return  # hushdesk's own open says what is wrong, in its words
    if filled or (tables and not ours):
        raise Refused(
            f"{shown(target)} holds data: a restore never writes into an existing database "
            "(create an empty one)"
        )


def _sync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fill(backup: fmt.Backup, keys: Keys, actor: str, shown: str) -> RestoreResult:
    """Every table written in one transaction, then indexed; a bad shape is damage."""
    where = backup.name
    try:
        with outcome.transaction():
            plain = _plain_tables(backup)
            later = _later_entries(plain["deletion_log"], keys.log)
            _with_tombstones(plain, keys)
            _insert_plain(plain, later)
            left = {kind: Left(NOUNS[kind]) for kind in KINDS}
            contacts = _contacts(backup, keys.ring, left[CONTACT], where)
            conversations = _conversations(backup, keys.ring, left[CONVERSATION], contacts, where)
            taken = _with_owed(plain, keys.owed)
            _taken(taken, conversations, left[CONVERSATION].gone_ids)
            requests = _requests(backup, keys, left[REQUEST], conversations, where)
            _after_ids()
            if conversations:
                engine.index_from(min(conversations), max(conversations))
            log.record(
                actor,
                "restore from backup",
                sum(x.count for x in left.values()),
                _why(backup, left),
            )
    except SHAPE_ERRORS:
        raise fmt.BackupUnreadable(f"{where} is damaged (a section is not a backup's)") from None
    engine.after_bulk_load()
    return RestoreResult(
        shown,
        str(backup.header["created_at"]),
        len(contacts),
        len(conversations),
        requests,
        left,
        len(plain["deletion_log"]),
        len(later),
    )


def _why(backup: fmt.Backup, left: dict[str, Left]) -> str:
    return (
        f"backup of {backup.header['created_at']} UTC; left out as changed or deleted "
        f"since: {left[CONTACT].count} contacts, {left[CONVERSATION].count} conversations, "
        f"{left[REQUEST].count} requests"
    )


def _plain_tables(backup: fmt.Backup) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {name: [] for name in records.PLAIN_TABLES}
    for document in backup.plain:
        for name in records.PLAIN_TABLES:
            found[name].extend(dict(row) for row in document.get(name, []))
    return found


def _later_entries(ours: list[dict[str, Any]], live: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The live log's entries after the backup's last one, when both are one chain."""
    if not live:
        return []
    if not ours:
        return live if live[0]["prev_hash"] == log.GENESIS else []
    last = ours[-1]
    same = [e for e in live if e["id"] == last["id"] and e["hash"] == last["hash"]]
    return [e for e in live if e["id"] > last["id"]] if same else []


def _with_tombstones(plain: dict[str, list[dict[str, Any]]], keys: Keys) -> None:
    """The tombstones made since the backup join its own, with the secret they are keyed by
    (the help desk's one secret: the backup's, when it had one already)."""
    if keys.secret and not any(s["key"] == SECRET for s in plain["setting"]):
        plain["setting"].append({"key": SECRET, "value": keys.secret})
    known = {str(t["key"]) for t in plain["mail_gone"]}
    plain["mail_gone"] += [{"key": t} for t in sorted(set(keys.tombstones) - known)]


def _insert_plain(plain: dict[str, list[dict[str, Any]]], later: list[dict[str, Any]]) -> None:
    """The plain tables but the taken mail, which names conversations (`_taken`)."""
    for row in plain["intake_source"]:
        row.setdefault("last_error", "")
    for name, fields in records.PLAIN_TABLES.items():
        rows = plain[name] + (later if name == "deletion_log" else [])
        if rows and name != TAKEN:
            engine.insert_rows(name, fields, [[row[f] for f in fields] for row in rows])


def _with_owed(plain: dict[str, list[dict[str, Any]]], owed: list[dict[str, Any]]) -> Any:
    """The backup's taken mail, with the live database's copies owed deletion or deleted:
    a copy the backup knows takes the live state, one taken since (of a source the backup
    has) is added, so the restored desk deletes each owed copy once and no other."""
    sources = {row["id"] for row in plain["intake_source"]}
    rows = {(r["source_id"], r["box"], r["item"]): r for r in plain[TAKEN]}
    for copy in owed:
        where = (copy["source_id"], copy["box"], copy["item"])
        state = {"place": copy["place"], "purge": bool(copy["purge"])}  # owners: `_taken`
        if where in rows:
            rows[where].update(state)
        elif copy["source_id"] in sources:
            rows[where] = {**copy, **state}
    return list(rows.values())


def _taken(rows: list[dict[str, Any]], conversations: set[int], gone: set[int]) -> None:
    """The mail taken, after the conversations: each names only a conversation restored,
    and the copies of a conversation deleted since are owed deletion on their server."""
    for row in rows:
        owner = row["conversation_id"]
        if owner is not None and owner not in conversations:
            row["conversation_id"] = None
            row["purge"] = bool(row["purge"]) or owner in gone
    fields = records.PLAIN_TABLES[TAKEN]
    if rows:
        engine.insert_rows(TAKEN, fields, [[row[f] for f in fields] for row in rows])


def _readable(
    backup: fmt.Backup, ring: KeyRing, kind: str, left: Left, where: str
) -> Iterator[tuple[int, dict[str, Any]]]:
    keys = ring.get(kind, {})
    for record in backup.records:
        if record.kind != kind:
            continue
        key = keys.get(record.id)
        if key is None:
            left.gone += 1
            left.gone_ids.add(record.id)
        elif key.key_id != record.key_id:
            left.changed += 1
        else:
            yield record.id, fmt.unseal(backup.backup_id, record, key.key, where)


def _contacts(backup: fmt.Backup, ring: KeyRing, left: Left, where: str) -> set[int]:
    done: set[int] = set()
    rows: list[list[Any]] = []
    attributes: list[list[Any]] = []
    for rid, document in _readable(backup, ring, CONTACT, left, where):
        rows.append([rid, *(document[f] for f in records.FIELDS[CONTACT])])
        attributes.extend([rid, *a] for a in document["attributes"])
        done.add(rid)
        if len(rows) >= records.CHUNK:
            _put(("contact", CONTACT_COLUMNS, rows), ("attribute", ATTRIBUTE_COLUMNS, attributes))
            rows, attributes = [], []
    _put(("contact", CONTACT_COLUMNS, rows), ("attribute", ATTRIBUTE_COLUMNS, attributes))
    return done


def _conversations(
    backup: fmt.Backup, ring: KeyRing, left: Left, contacts: set[int], where: str
) -> set[int]:
    done: set[int] = set()
    held = _Held()
    for rid, document in _readable(backup, ring, CONVERSATION, left, where):
        if document["contact_id"] not in contacts:
            document["contact_id"] = None
        held.rows.append([rid, *(document[f] for f in records.FIELDS[CONVERSATION])])
        for author, body, sent_at, writer, *why in document["messages"]:
            writer = writer if writer in contacts else None
            held.messages.append([rid, author, body, sent_at, writer, why[0] if why else ""])
        held.mail.extend([rid, str(key)] for (key,) in document["mail_keys"])
        held.references.extend(
            [rid, m, sent_at, bool(auto), bool(ours)]
            for m, sent_at, auto, ours in document.get("references", [])
        )
        held.drafts.extend([rid, *d] for d in document.get("drafts", []))
        held.outbox.extend(_unsent(rid, o) for o in document.get("outbox", []))
        done.add(rid)
        if len(held.rows) >= records.CHUNK:
            held = held.put()
    held.put()
    return done


@dataclass
class _Held:
    """Conversations read and not yet written, with what each holds."""

    rows: list[list[Any]] = field(default_factory=list)
    messages: list[list[Any]] = field(default_factory=list)
    mail: list[list[Any]] = field(default_factory=list)
    references: list[list[Any]] = field(default_factory=list)
    drafts: list[list[Any]] = field(default_factory=list)
    outbox: list[list[Any]] = field(default_factory=list)

    def put(self) -> _Held:
        _put(
            ("conversation", CONVERSATION_COLUMNS, self.rows),
            ("message", records.MESSAGE_FIELDS, self.messages),
            ("mail_key", ("conversation_id", "key"), self.mail),
            ("mail_reference", records.REFERENCE_COLUMNS, self.references),
            ("reply_draft", records.DRAFT_COLUMNS, self.drafts),
            ("outbox", records.OUTBOX_COLUMNS, self.outbox),
        )
        return _Held()


def _unsent(rid: int, values: list[Any]) -> list[Any]:
    """An unsent reply as restored: failed, unclaimed, saying it may have been sent since
    (a backup cannot tell), so nothing sends it again without an agent's retry."""
    row = dict(zip(records.OUTBOX_COLUMNS, [rid, *values], strict=True))
    if row["state"] != FAILED:
        row.update(state=FAILED, reason=RESTORED_UNSENT)
    row.update(claim="", claimed_at=None)
    return [row[c] for c in records.OUTBOX_COLUMNS]


def _requests(
    backup: fmt.Backup, keys: Keys, left: Left, conversations: set[int], where: str
) -> int:
    """The backup's requests that today's keys open, then the live database's sealed ones
    it holds no readable version of (sealed since, or made since)."""
    found = {rid: d for rid, d in _readable(backup, keys.ring, REQUEST, left, where)}
    references = {str(d["reference"]) for d in found.values()}
    for document in keys.sealed:
        rid = int(document["id"])
        if rid not in found and str(document["reference"]) not in references:
            found[rid] = document
    rows: list[list[Any]] = []
    steps: list[list[Any]] = []
    for rid, document in sorted(found.items()):
        if document["conversation_id"] not in conversations:
            document["conversation_id"] = None
        rows.append([rid, *(document[f] for f in records.FIELDS[REQUEST])])
        steps.extend([rid, *step] for step in document.get("steps", []))
    _put(
        ("privacy_request", records.REQUEST_COLUMNS, rows),
        ("privacy_request_step", records.STEP_COLUMNS, steps),
    )
    return len(rows)


def _put(*tables: tuple[str, tuple[str, ...], list[list[Any]]]) -> None:
    for name, columns, rows in tables:
        if rows:
            engine.insert_rows(name, columns, rows)


def _after_ids() -> None:
    """PostgreSQL's sequences past the ids written (SQLite takes the highest by itself)."""
    if not engine.is_postgres():
        return
    for name in (
        *("channel", "contact", "attribute", "conversation", "message", "deletion_log"),
        *("mail_reference", "outbox", "intake_source", "privacy_request"),
        "privacy_request_step",
    ):
        db.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
            f"coalesce((SELECT max(id) FROM {name}), 0) + 1, false)"
        )
