"""The backup file, version 1: what each byte is, written and read in one place.

    file    = MAGIC version:u16 header section* end
    header  = length:u32 JSON          (format, version, backup id, when, engine, migrations)
    section = tag:1 length:u32 body
      P     = deflate(JSON)            the tables without personal data: channels,
                                       assistants, settings, the deletion log, the
                                       intake's sources and taken mail, tombstones
      C, V, R = id:u64 key_id:8 nonce:12 AES-256-GCM(key, nonce, deflate(JSON), aad)
                                       one contact (with its attributes), one conversation
                                       (with its messages, mail hashes, Message-IDs,
                                       drafts and unsent replies), one request (with its
                                       trail)
    end     = "Z" records:u64 sha256:32 of every byte before the "Z"

Integers are big-endian; deflate is raw DEFLATE (RFC 1951), JSON is UTF-8. The
associated data of a record is AAD_PREFIX, the backup id, the tag, the id and the
key id, so a record cannot be moved to another id, kind or backup. Each record has
its own key (kept out of the file, in the key store) and a fresh random nonce.
Reading checks the whole file's SHA-256 before anything is used, so a damaged or
cut file is refused as a whole.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, NamedTuple

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ..store.errors import HushdeskError
from .keys import CONTACT, CONVERSATION, REQUEST, Key

MAGIC = b"HUSHDESK-BACKUP\n"
VERSION = 1
FORMAT = "hushdesk-backup"
AAD_PREFIX = b"hushdesk-backup/1"
NONCE_BYTES = 12
PLAIN, END = b"P", b"Z"
TAGS = {CONTACT: b"C", CONVERSATION: b"V", REQUEST: b"R"}
KINDS = {tag: kind for kind, tag in TAGS.items()}
TIME_RE = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d")  # as times are stored
WINDOW_BITS = 10
MAX_SECTION = 256 * 1024 * 1024  # no record or header is larger; a larger length is damage
RECORD_HEAD = struct.Struct(">Q8s12s")
U16, U32, U64 = struct.Struct(">H"), struct.Struct(">I"), struct.Struct(">Q")


_DEFLATE = zlib.compressobj(1, zlib.DEFLATED, -WINDOW_BITS, 2)


class BackupUnreadable(HushdeskError):
    """Not a backup, a damaged or cut one, or one from a newer hushdesk: nothing is done."""

    status = 422
    title = "The backup cannot be read"


class Record(NamedTuple):
    kind: str
    id: int
    key_id: bytes
    nonce: bytes
    sealed: bytes


def compact(document: object) -> bytes:
    """A document as compressed JSON (what is encrypted, or what a plain section holds):
    raw DEFLATE with a 1 KB window, which for records of a few hundred bytes compresses as
    well as zlib's default and costs a fifth of its time (most of it is zlib's set-up)."""
    text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
    deflate = _DEFLATE.copy()  # a copy of a fresh compressor: cheaper than setting one up
    return deflate.compress(text.encode("utf-8")) + deflate.flush()


def expand(data: bytes, where: str) -> Any:
    """A section's document; one that inflates past MAX_SECTION is damage, not a record."""
    try:
        inflate = zlib.decompressobj(-15)  # any window up to 32 KB
        text = inflate.decompress(data, MAX_SECTION)
        if inflate.unconsumed_tail or not inflate.eof:
            raise ValueError
        return json.loads(text.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError):
        raise BackupUnreadable(f"{where} is damaged (a section cannot be read)") from None


def aad(backup_id: bytes, kind: str, record_id: int, key_id: bytes) -> bytes:
    return AAD_PREFIX + backup_id + TAGS[kind] + U64.pack(record_id) + key_id


def seal(backup_id: bytes, kind: str, record_id: int, key: Key, document: object) -> bytes:
    """One record's section body: compressed, then encrypted under its key, a fresh nonce."""
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(key.key).encrypt(
        nonce, compact(document), aad(backup_id, kind, record_id, key.key_id)
    )
    return RECORD_HEAD.pack(record_id, key.key_id, nonce) + sealed


def unseal(backup_id: bytes, record: Record, key: bytes, where: str) -> Any:
    """The record's document; a record that fails its tag under its own key is damage."""
    try:
        data = AESGCM(key).decrypt(
            record.nonce, record.sealed, aad(backup_id, record.kind, record.id, record.key_id)
        )
    except (InvalidTag, ValueError):
        raise BackupUnreadable(
            f"{where} is damaged (record {record.id} fails its check)"
        ) from None
    return expand(data, where)


class Writer:
    """Writes the sections in order to an open binary file, hashing as it goes."""

    def __init__(self, out: BinaryIO, header: dict[str, object]) -> None:
        self.out, self.hash, self.records = out, hashlib.sha256(), 0
        body = json.dumps(header, separators=(",", ":")).encode()
        self._put(MAGIC + U16.pack(VERSION) + U32.pack(len(body)) + body)

    def _put(self, data: bytes) -> None:
        self.hash.update(data)
        self.out.write(data)

    def section(self, tag: bytes, body: bytes) -> None:
        self._put(tag + U32.pack(len(body)) + body)

    def plain(self, document: object) -> None:
        self.section(PLAIN, compact(document))

    def record(self, kind: str, body: bytes) -> None:
        self.section(TAGS[kind], body)
        self.records += 1

    def end(self) -> None:
        self.out.write(END + U64.pack(self.records) + self.hash.digest())


class Backup(NamedTuple):
    """A backup file read and checked whole: its header, plain documents and records."""

    header: dict[str, Any]
    plain: list[Any]
    records: list[Record]
    name: str  # the file's name, as messages say it

    @property
    def backup_id(self) -> bytes:
        return bytes.fromhex(str(self.header["backup_id"]))


def read(path: str | Path) -> Backup:
    """Read and check a backup file whole; any fault is one `BackupUnreadable` line."""
    where = Path(path).name
    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except IsADirectoryError:
        raise BackupUnreadable(f"{where} is a folder, not a backup") from None
    except OSError as error:
        raise BackupUnreadable(f"cannot read {where}: {error.strerror or error}") from None
    return parse(data, where)


def parse(data: bytes, where: str) -> Backup:
    if not data.startswith(MAGIC):
        raise BackupUnreadable(f"{where} is not a hushdesk backup")
    view = _Cursor(data, len(MAGIC), where)
    (version,) = U16.unpack(view.take(2))
    if version > VERSION:
        raise BackupUnreadable(
            f"{where} was written by a newer hushdesk (backup format {version}); "
            "upgrade hushdesk to restore it"
        )
    if version != VERSION:
        raise BackupUnreadable(f"{where} is damaged (backup format {version} does not exist)")
    header = _header(view.take(view.length()), where)
    plain: list[Any] = []
    records: list[Record] = []
    for tag, body in _sections(view, data, where):
        if tag == PLAIN:
            plain.append(expand(body, where))
        else:
            records.append(_record(KINDS[tag], body, where))
    return Backup(header, plain, records, where)


def _header(body: bytes, where: str) -> dict[str, Any]:
    try:
        header = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BackupUnreadable(f"{where} is damaged (its header cannot be read)") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise BackupUnreadable(f"{where} is damaged (its header is not a backup's)")
    try:
        if len(bytes.fromhex(str(header["backup_id"]))) != 16:
            raise ValueError
        [str(name) for name in header["migrations"]]
        if not TIME_RE.fullmatch(str(header["created_at"])):
            raise ValueError
    except (KeyError, TypeError, ValueError):
        raise BackupUnreadable(f"{where} is damaged (its header is not a backup's)") from None
    return header


def _sections(view: _Cursor, data: bytes, where: str) -> Iterator[tuple[bytes, bytes]]:
    """Every section up to the end, once the end's hash matches every byte before it."""
    found: list[tuple[bytes, bytes]] = []
    while True:
        tag = view.take(1)
        if tag == END:
            end = view.at - 1
            (count,) = U64.unpack(view.take(8))
            digest = view.take(32)
            if view.at != len(data):
                raise BackupUnreadable(f"{where} is damaged (bytes after its end)")
            if hashlib.sha256(data[:end]).digest() != digest:
                raise BackupUnreadable(f"{where} is damaged (its checksum does not match)")
            if count != sum(1 for t, _ in found if t != PLAIN):
                raise BackupUnreadable(f"{where} is damaged (its record count does not match)")
            return iter(found)
        if tag != PLAIN and tag not in KINDS:
            raise BackupUnreadable(
                f"{where} is damaged (an unknown section at byte {view.at - 1:,})"
            )
        found.append((tag, view.take(view.length())))


def _record(kind: str, body: bytes, where: str) -> Record:
    if len(body) < RECORD_HEAD.size + 16:
        raise BackupUnreadable(f"{where} is damaged (a record is too short)")
    record_id, key_id, nonce = RECORD_HEAD.unpack_from(body)
    return Record(kind, record_id, key_id, nonce, body[RECORD_HEAD.size :])


class _Cursor:
    """Reads a file's bytes in order; running out is a cut file."""

    def __init__(self, data: bytes, at: int, where: str) -> None:
        self.data, self.at, self.where = data, at, where

    def take(self, size: int) -> bytes:
        if self.at + size > len(self.data):
            raise BackupUnreadable(
                f"{self.where} is cut short (it ends at byte {len(self.data):,})"
            )
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk

    def length(self) -> int:
        (size,) = U32.unpack(self.take(4))
        if size > MAX_SECTION:
            raise BackupUnreadable(f"{self.where} is damaged (a section claims {size:,} bytes)")
        return int(size)
