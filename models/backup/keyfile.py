"""`hushdesk keys export FILE`: the key store for disaster recovery, under a passphrase.

    file = MAGIC version:u16 salt:16 log2_n:u8 nonce:12 AES-256-GCM(scrypt(passphrase), JSON)

The key is derived with scrypt (n = 2**17, r = 8, p = 1). The file holds every key
of the store when it was written, and what a restore takes from the live database
(no personal data): the deletion log, so a restore with it continues the log; the
tombstones of deleted mail and their secret, so deleted mail stays out of the
restored desk's fetches; the sealed requests. Whoever holds a key export and a backup made
before it can read every record the backup holds that had not changed by then:
an erased person stays readable from them until the export is deleted.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ..store.errors import InvalidInput
from ..store.files import NewFile, into_new_file
from ..store.guard import guarded
from .format import BackupUnreadable
from .keys import KINDS, Key, KeyRing, key_ring
from .restoring import Keys, with_forgotten

MAGIC = b"HUSHDESK-KEYS\n"
VERSION = 1
LOG2_N, SALT_BYTES, NONCE_BYTES = 17, 16, 12
HEAD = struct.Struct(">H16sB12s")
MIN_PASSPHRASE = 12


@guarded
def read_passphrase(path: str | Path) -> str:
    """The passphrase: the file's first line, at least MIN_PASSPHRASE characters."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or "it is not UTF-8 text"
        raise InvalidInput(f"cannot read the passphrase file {Path(path).name}: {why}") from None
    lines = text.splitlines()
    phrase = lines[0] if lines else ""
    if len(phrase) < MIN_PASSPHRASE:
        raise InvalidInput(
            f"the passphrase (the first line of {Path(path).name}) must be at least "
            f"{MIN_PASSPHRASE} characters"
        )
    return phrase


def _derive(passphrase: str, salt: bytes, log2_n: int) -> bytes:
    return Scrypt(salt=salt, length=32, n=2**log2_n, r=8, p=1).derive(passphrase.encode("utf-8"))


def _document(keys: Keys) -> bytes:
    ring = {
        kind: [[rid, key.key_id.hex(), key.key.hex()] for rid, key in keys.ring[kind].items()]
        for kind in KINDS
    }
    document = {
        "keys": ring,
        "log": keys.log,
        "tombstones": keys.tombstones,
        "secret": keys.secret,
        "sealed": keys.sealed,
        "owed": keys.owed,
    }
    return json.dumps(document, separators=(",", ":")).encode()


@guarded
def export_keys(path: str | Path, passphrase: str) -> int:
    """Write the open database's key store to a new file, encrypted; how many keys."""
    keys = with_forgotten(key_ring())
    salt, nonce = os.urandom(SALT_BYTES), os.urandom(NONCE_BYTES)
    sealed = AESGCM(_derive(passphrase, salt, LOG2_N)).encrypt(nonce, _document(keys), MAGIC)
    data = MAGIC + HEAD.pack(VERSION, salt, LOG2_N, nonce) + sealed
    into_new_file(path, _write_bytes(data))
    return sum(len(keys.ring[kind]) for kind in KINDS)


def _write_bytes(data: bytes) -> Callable[[NewFile], None]:
    def write(new: NewFile) -> None:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(new.fd, view) :]
            os.fsync(new.fd)
        except OSError as error:
            raise InvalidInput(f"cannot write {new.target}: {error.strerror or error}") from None

    return write


@guarded
def read_keys(path: str | Path, passphrase: str) -> Keys:
    """A key export opened with its passphrase; a wrong one or a damaged file is one line."""
    where = Path(path).name
    try:
        data = Path(path).read_bytes()
    except OSError as error:
        raise BackupUnreadable(f"cannot read {where}: {error.strerror or error}") from None
    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + HEAD.size + 16:
        raise BackupUnreadable(f"{where} is not a hushdesk key export")
    version, salt, log2_n, nonce = HEAD.unpack_from(data, len(MAGIC))
    if version != VERSION:
        raise BackupUnreadable(f"{where} is a key export of another hushdesk (format {version})")
    if not 14 <= log2_n <= 20:
        raise BackupUnreadable(f"{where} is damaged (its key derivation is not hushdesk's)")
    try:
        plain = AESGCM(_derive(passphrase, salt, log2_n)).decrypt(
            nonce, data[len(MAGIC) + HEAD.size :], MAGIC
        )
    except InvalidTag:
        raise BackupUnreadable(
            f"the passphrase does not open {where}, or the file is damaged"
        ) from None
    return _keys(json.loads(plain), where)


def _keys(document: Any, where: str) -> Keys:
    try:
        ring: KeyRing = {
            kind: {
                int(rid): Key(bytes.fromhex(key_id), bytes.fromhex(key))
                for rid, key_id, key in document["keys"].get(kind, [])  # older: no requests
            }
            for kind in KINDS
        }
        secret = document.get("secret")
        return Keys(
            ring,
            [dict(e) for e in document["log"]],
            [str(t) for t in document.get("tombstones", [])],
            None if secret is None else str(secret),
            [dict(r) for r in document.get("sealed", [])],
            [dict(r) for r in document.get("owed", [])],
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise BackupUnreadable(f"{where} is damaged ({type(error).__name__})") from None
