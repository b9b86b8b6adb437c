"""Property tests: hostile arguments to every command, hostile JSONL, mbox and Maildir files.

Whatever comes in, the command line answers with exit 0 (done), 3 (done, a
clean-up pending) or 1 with exactly one line on stderr, never a traceback,
and a refusal leaves every row of the database as it was.
"""

import hashlib
import io
import json
import os
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models
from tui.cli import main

FUZZ = settings(
    max_examples=int(os.environ.get("HUSHDESK_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(autouse=True)
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Hostile values become file names (`--out -1`): they land in a folder of the test's."""
    monkeypatch.chdir(tmp_path)


def run(db_path: Path, argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(["--db", str(db_path), "--agent", "fuzz", "--wait", "1", *argv])
    code = done.value.code
    return (code if isinstance(code, int) else 1), out.getvalue(), err.getvalue()


def digest() -> str:
    con = models.store.engine.db.connection()
    rows = "\n".join(con.iterdump())
    return hashlib.sha256(rows.encode("utf-8", "surrogatepass")).hexdigest()


def check(db_path: Path, argv: list[str]) -> tuple[int, str]:
    models.open_database(db_path)
    before = digest()
    models.close_database()
    code, out, err = run(db_path, argv)
    assert "Traceback" not in err and "unexpected" not in err, err
    assert code in (0, 1, 3), (code, err)
    models.open_database(db_path)
    after = digest()
    models.close_database()
    if code == 1:
        assert after == before, f"a refusal changed the database: {argv!r}"
        if argv[0] == "verify-gone" and not err:  # a finding, not a refusal: a text
            assert out.startswith(("FOUND", "PENDING")), out  # such as "0000" is in the file
        else:
            assert err.count("\n") == 1 and err.startswith("hushdesk"), err
    return code, out


@pytest.fixture
def demo(tmp_path, clock):
    path = tmp_path / "fuzz.db"
    models.open_database(path, create=True)
    models.generate_demo(60, seed=1)
    models.close_database()
    return path


# Arguments a hostile user or a broken script would send: empty, blank, control codes,
# invalid UTF-8 (as Python receives it: lone surrogates), NUL, huge numbers, real values.
SPECIAL = ["", " ", "\t", "\x00", "\udcff\udcfe", "a\ud800b", "\x1b[31m", "9" * 5000, "-1", "0"]
hostile_text = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=30),
    st.sampled_from(SPECIAL),
    st.sampled_from(["1", "2", "3", "60", "Chat", "email", "SMS", "off", "30", "plan", "x.db"]),
    st.from_regex(r"[0-9]{1,30}", fullmatch=True),
)
COMMANDS = [
    ["search"],
    ["archive"],
    ["unarchive"],
    ["hold"],
    ["release"],
    ["delete"],
    ["forget"],
    ["attr", "ls"],
    ["attr", "set"],
    ["attr", "rm"],
    ["assistant", "set"],
    ["assistant", "ls"],
    ["sweep"],
    ["sweep", "--dry-run"],
    ["sweep", "--channel"],
    ["log"],
    ["log", "--limit"],
    ["verify-gone"],
    ["search", "--limit"],
    ["demo", "--conversations"],
    ["person"],
    ["person", "--json"],
    ["export", "--out"],
    ["erase", "--reference", "R-1"],
    ["erase", "--dry-run", "--reference"],
    ["redact"],
    ["reply"],
    ["reply", "--body-file"],
    ["send"],
    ["outbox"],
    ["outbox", "retry"],
    ["settings", "smtp"],
    ["settings", "smtp", "--password-file"],
    ["settings", "signature"],
    ["backup"],
    ["restore", "--live"],
    ["keys", "export", "--passphrase-file"],
    ["verify-gone", "--backup"],
]


@FUZZ
@given(command=st.sampled_from(COMMANDS), args=st.lists(hostile_text, max_size=4))
def test_any_arguments_to_any_command(demo, command, args):
    check(demo, [*command, *args])


# Valid commands, each with a number of leading words that name it: the fuzz replaces
# any of the rest, so every value reaches the code that reads it.
VALID = [
    (["attr", "set", "1", "plan", "gold"], 2),
    (["attr", "rm", "1", "plan"], 2),
    (["attr", "ls", "ada@example.com", "--json"], 2),
    (["forget", "2"], 1),
    (["archive", "1", "2"], 1),
    (["hold", "3"], 1),
    (["delete", "5", "6"], 1),
    (["assistant", "set", "Chat", "30"], 2),
    (["sweep", "--channel", "Chat"], 1),
    (["sweep", "--dry-run", "--channel", "SMS"], 1),
    (["verify-gone", "some text", "more text"], 1),
    (["search", "refund", "--limit", "5", "--json"], 1),
    (["log", "--limit", "3", "--json"], 1),
    (["import", "/nonexistent/in.jsonl"], 1),
    (["person", "ines.moreau@example.org", "+1 415 555 0199", "--json"], 1),
    (["export", "ines.moreau@example.org", "--out", "/nonexistent/out.json"], 1),
    (["erase", "ines.moreau@example.org", "--reference", "R-1", "--dry-run"], 1),
    (["erase", "415.555.0199", "--reference", "R-2", "--keep-held"], 1),
    (["redact", "3", "order", "refund"], 1),
    (["reply", "3", "--body-file", "/nonexistent/reply.txt", "--yes"], 1),
    (["outbox", "retry", "1"], 2),
    (
        [
            "settings",
            "smtp",
            "submission://desk@127.0.0.1:2525",
            "--password-file",
            "/etc/hostname",
        ],
        2,
    ),
    (["settings", "signature", "Sam, support"], 2),
    (["backup", "b.hdb"], 1),
    (["restore", "b.hdb", "--live", "fuzz.db"], 1),
    (["keys", "export", "k.keys", "--passphrase-file", "phrase"], 2),
    (["verify-gone", "--backup", "b.hdb", "some text"], 1),
]


@FUZZ
@given(data=st.data(), template=st.sampled_from(VALID))
def test_valid_commands_with_hostile_values(demo, data, template):
    argv, fixed = template
    argv = list(argv)
    for index in data.draw(st.sets(st.integers(fixed, len(argv) - 1), min_size=1)):
        argv[index] = data.draw(hostile_text)
    check(demo, argv)


query_piece = st.one_of(
    st.sampled_from(
        [
            "refund",
            '"credit card"',
            "OR",
            "-",
            "(",
            ")",
            "is:held",
            "-is:held",
            "is:open",
            "-is:archived",
            "channel:sms",
            "-channel:chat",
            "name:",
            "-name:ada",
            "email:example.org",
            "phone:555",
            "older:30d",
            "newer:99999y",
            "before:0001-01-01T00:00:00+05:00",
            "after:9999-12-31T23:00:00-05:00",
            "before:march",
            "after:not-a-date",
            "NEAR(",
            "*",
            '"',
            "^",
        ]
    ),
    st.text(max_size=12),
)


@FUZZ
@given(pieces=st.lists(query_piece, min_size=1, max_size=6))
def test_any_search(demo, pieces):
    check(demo, ["search", " ".join(pieces)])


json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=20),
        st.sampled_from(["\ud800", "9999-12-31T00:00:00Z", "0001-01-01", "2026-05-01T10:00:00Z"]),
    ),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
record = st.fixed_dictionaries(
    {"type": st.sampled_from(["contact", "conversation", "robot"])},
    optional={
        key: json_value
        for key in (
            "id",
            "name",
            "email",
            "phone",
            "attributes",
            "channel",
            "kind",
            "contact",
            "subject",
            "status",
            "held",
            "created",
            "messages",
        )
    },
)
jsonl_line = st.one_of(
    st.builds(lambda r: json.dumps(r, ensure_ascii=True), record),
    st.text(max_size=40),
    st.just('{"type": "conversation", "messages": [{"body": "\\ud800"}]}'),
)


@FUZZ
@given(lines=st.lists(jsonl_line, max_size=6))
def test_any_jsonl_file(demo, tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("in") / "in.jsonl"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    check(demo, ["import", str(path)])


header_value = st.one_of(
    st.sampled_from(
        [
            "Ada <ada@example.com>",
            "Smith, John <j@example.com>",
            "Mal [ops] Lory <m@example.org>",
            "=?utf-8?q?x_=3Cvictim=40example.com=3E?= <attacker@evil.test>",
            "=?idna?q?abc?= <i@example.com>",
            "=?punycode?b?////?= <p@example.com>",
            "<>",
            "",
            "no address at all",
            "Fri, 31 Dec 9999 23:59:59 -1200",
            "Thu, 01 Jan 10000 00:00:00 +0000",
            "Mon, 04 May 2026 10:00:00 +0000",
            'text/plain; charset="idna"',
            'text/plain; charset="punycode"',
            "multipart/mixed; boundary=x",
            "message/rfc822",
            "base64",
        ]
    ),
    st.text(max_size=30).map(lambda t: t.replace("\n", " ").replace("\r", " ")),
)
message_bytes = st.one_of(
    st.builds(
        lambda sender, subject, date, kind, encoding, body: (
            f"From: {sender}\nSubject: {subject}\nDate: {date}\nContent-Type: {kind}\n"
            f"Content-Transfer-Encoding: {encoding}\n\n{body}\n"
        ).encode("utf-8", "surrogateescape"),
        header_value,
        header_value,
        header_value,
        header_value,
        header_value,
        st.text(max_size=200),
    ),
    st.binary(max_size=400),
)


def _escaped(data: bytes) -> bytes:
    return data.replace(b"\nFrom ", b"\n>From ")


@FUZZ
@given(messages=st.lists(message_bytes, min_size=1, max_size=5))
def test_any_mbox_file(demo, tmp_path_factory, messages):
    path = tmp_path_factory.mktemp("in") / "in.mbox"
    path.write_bytes(
        b"".join(b"From x Mon May  4 10:00:00 2026\n" + _escaped(m) + b"\n\n" for m in messages)
    )
    check(demo, ["import", str(path)])


@FUZZ
@given(
    messages=st.lists(message_bytes, max_size=4),
    odd=st.lists(st.sampled_from(["fifo", "link", "folder", "dotfile", "empty"]), max_size=3),
)
def test_any_maildir(demo, tmp_path_factory, messages, odd):
    folder = tmp_path_factory.mktemp("in") / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True)
    for number, data in enumerate(messages):
        (folder / "cur" / f"{number}.host:2,S").write_bytes(data)
    for number, kind in enumerate(odd):
        entry = folder / "new" / f"odd{number}"
        if kind == "fifo":
            os.mkfifo(entry)
        elif kind == "link":
            os.symlink(folder / "missing", entry)
        elif kind == "folder":
            entry.mkdir()
        elif kind == "dotfile":
            (folder / "new" / f".hidden{number}").write_bytes(b"x")
        else:
            entry.write_bytes(b"")
    check(demo, ["import", str(folder)])
