"""Hostile backup files: cut, flipped, from a newer hushdesk, not a backup at all, or forged
with a good checksum. Each gets one line, exit 1, and nothing is written."""

import io
import itertools
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models
from models.backup import format as fmt

from .backups import new_target, take_backup
from .helpers import conversation
from .test_cli import cli

EXAMPLES = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
names = itertools.count()


@pytest.fixture
def good(db, tmp_path):
    for i in range(5):
        conversation(name=f"Hostile Person{i}", email=f"h{i}@example.com", body=f"body {i}")
    path = tmp_path / "good.hdb"
    take_backup(db, path)
    models.close_database()
    return path.read_bytes()


def refused(db, tmp_path, data: bytes, why: str = "") -> str:
    """Restore `data`: one line on stderr, exit 1, and no file (not even a partial) made."""
    number = next(names)
    path = tmp_path / f"bad{number}.hdb"
    path.write_bytes(data)
    target = tmp_path / f"never{number}.db"
    before = made(tmp_path)
    code, out, err = cli(target, "restore", str(path), "--live", str(db))
    assert code == 1 and out == "" and err.count("\n") == 1, (out, err)
    assert err.startswith("hushdesk: ") and "Traceback" not in err
    assert why in err
    assert made(tmp_path) == before
    return err


def made(folder) -> set[str]:
    """The files in the folder but the live database's own (its -wal comes and goes)."""
    return {name for name in os.listdir(folder) if not name.startswith("hushdesk.db")}


@EXAMPLES
@given(cut=st.integers(min_value=0))
def test_a_cut_backup_is_refused(db, tmp_path, good, cut):
    refused(db, tmp_path, good[: cut % len(good)])


@EXAMPLES
@given(at=st.integers(min_value=0), bits=st.integers(min_value=1, max_value=255))
def test_a_flipped_byte_is_refused(db, tmp_path, good, at, bits):
    data = bytearray(good)
    data[at % len(data)] ^= bits
    refused(db, tmp_path, bytes(data))


@EXAMPLES
@given(junk=st.binary(max_size=2000), keep=st.integers(min_value=0, max_value=40))
def test_junk_is_refused(db, tmp_path, good, junk, keep):
    refused(db, tmp_path, good[:keep] + junk)


def test_a_newer_format_or_migration_is_refused_as_such(db, tmp_path, good):
    newer = good[: len(fmt.MAGIC)] + fmt.U16.pack(2) + good[len(fmt.MAGIC) + 2 :]
    refused(db, tmp_path, newer, "newer hushdesk (backup format 2)")
    err = refused(db, tmp_path, forged(migrations=["9999_future"]), "newer hushdesk")
    assert "9999_future" in err
    refused(db, tmp_path, b"SQLite format 3\x00" + b"\x00" * 100, "is not a hushdesk backup")


def forged(plain=None, migrations=None) -> bytes:
    """A file with a good checksum and a bad body: what a checksum cannot catch."""
    out = io.BytesIO()
    header = {
        "format": fmt.FORMAT,
        "version": 1,
        "backup_id": "00" * 16,
        "created_at": "2026-06-01 12:00:00",
        "engine": "sqlite",
        "migrations": migrations or [],
    }
    writer = fmt.Writer(out, header)
    writer.plain(plain if plain is not None else {})
    writer.end()
    return out.getvalue()


@pytest.mark.parametrize(
    "plain",
    [
        {"channel": [{"id": "x"}]},
        {"channel": "nope"},
        {"deletion_log": [{"id": 1}]},
        [1, 2, 3],
        {"setting": [None]},
    ],
)
def test_a_forged_body_with_a_good_checksum_is_refused(db, tmp_path, good, plain):
    refused(db, tmp_path, forged(plain))


def test_verify_gone_on_a_damaged_backup_is_one_line(db, tmp_path, good):
    path = tmp_path / "cut.hdb"
    path.write_bytes(good[:-5])
    code, out, err = cli(db, "verify-gone", "--backup", str(path), "Hostile Person1")
    assert code == 1 and err.count("\n") == 1 and "cut short" in err


@pytest.mark.postgres_only
def test_a_damaged_backup_writes_nothing_into_postgresql(db, tmp_path, good, request):
    target = new_target(request, "postgresql", tmp_path)
    path = tmp_path / "cut.hdb"
    path.write_bytes(good[:-1])
    code, _, err = cli(target, "restore", str(path), "--live", str(db))
    assert code == 1 and "cut short" in err
    forged_path = tmp_path / "forged.hdb"
    forged_path.write_bytes(forged({"channel": [{"id": 1, "name": "x"}]}))
    code, _, err = cli(target, "restore", str(forged_path), "--live", str(db))
    assert code == 1 and err.count("\n") == 1
    models.open_database(target, create=True)
    try:
        assert models.list_channels() == [] and models.list_log() == []
    finally:
        models.close_database()


@pytest.fixture
def key_export(db, tmp_path, good):
    phrase = tmp_path / "phrase"
    phrase.write_text("a long enough passphrase\n")
    path = tmp_path / "good.keys"
    assert cli(db, "keys", "export", str(path), "--passphrase-file", str(phrase))[0] == 0
    models.close_database()
    return path.read_bytes(), phrase


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(at=st.integers(min_value=0), bits=st.integers(min_value=0, max_value=255))
def test_a_damaged_key_export_is_one_line(db, tmp_path, good, key_export, at, bits):
    data, phrase = key_export
    broken = bytearray(data[: max(1, at % (len(data) + 1))] if bits == 0 else data)
    if bits:
        broken[at % len(broken)] ^= bits
    number = next(names)
    (tmp_path / f"k{number}.keys").write_bytes(bytes(broken))
    (tmp_path / f"g{number}.hdb").write_bytes(good)
    target = tmp_path / f"never{number}.db"
    args = [
        "restore",
        str(tmp_path / f"g{number}.hdb"),
        "--keys",
        str(tmp_path / f"k{number}.keys"),
    ]
    code, out, err = cli(target, *args, "--passphrase-file", str(phrase))
    assert code == 1 and out == "" and err.count("\n") == 1, err
    assert not target.exists()


@pytest.mark.parametrize(
    "args, said",
    [
        (["restore", "b.hdb"], "one of the arguments --live --keys is required"),
        (["restore", "b.hdb", "--live", "x.db", "--keys", "k"], "not allowed with"),
        (["restore", "b.hdb", "--keys", "k"], "--keys needs --passphrase-file"),
        (["restore", "b.hdb", "--live", "x.db", "--passphrase-file", "p"], "goes with --keys"),
        (["restore", "missing.hdb", "--live", "x.db"], "cannot read missing.hdb"),
        (["keys", "export", "k.keys", "--passphrase-file", "short"], "at least 12"),
        (["backup", ""], "empty value"),
        (["verify-gone", "--backup", "missing.hdb", "some text"], "cannot read"),
    ],
)
def test_the_commands_refuse_bad_arguments_in_one_line(
    db, tmp_path, good, args, said, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "short").write_text("too short\n")
    (tmp_path / "b.hdb").write_bytes(good)
    live = args[0] in ("keys", "verify-gone", "backup")  # their --db is the live database
    code, out, err = cli(db if live else tmp_path / "target.db", *args)
    assert code != 0 and err.count("\n") == 1 and said in err, err
    assert not (tmp_path / "target.db").exists() and not (tmp_path / "k.keys").exists()
