"""Live intake from a Maildir that a mail program keeps filling, and hostile sources.

Property tests: any text as `intake add`'s URL gives a source or one line (never a
traceback, never a password shown), and any odd Maildir content is taken or skipped,
once, without a failure.
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import models
from models.inflow import where
from models.inflow.tables import IntakeTaken
from models.store.schema import Message

from .test_hostile import run_cli
from .test_intake_imap import letter

FUZZ = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def maildir(folder: Path) -> Path:
    for sub in ("tmp", "new", "cur"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    return folder


def drop(box: Path, name: str, data: bytes) -> Path:
    (box / "tmp" / name).write_bytes(data)
    os.rename(box / "tmp" / name, box / "new" / name)
    return box / "new" / name


@pytest.mark.both_engines
def test_a_maildir_read_by_a_mail_client_between_fetches_doubles_nothing(db, tmp_path):
    box = maildir(tmp_path / "Mail")
    models.add_source("local", f"maildir:{box}", after="keep")
    for n in range(1, 4):
        drop(box, f"17000000{n}.M{n}P1.host", letter(n))
    (result,) = models.fetch("local")
    assert (result.error, result.messages) == ("", 3)
    for path in (box / "new").iterdir():  # a mail client reads them: new/ to cur/, flags
        os.rename(path, box / "cur" / f"{path.name}:2,S")
    drop(box, "170000004.M4P1.host", letter(4))
    (result,) = models.fetch("local")
    assert (result.read, result.messages) == (1, 1)
    assert Message.select().count() == 4 and IntakeTaken.select().count() == 4


def test_move_and_delete_on_a_maildir(db, tmp_path):
    box = maildir(tmp_path / "Mail")
    models.add_source("moving", f"maildir:{box}")  # the default: move to hushdesk/done
    drop(box, "1.M1P1.host", letter(1))
    (result,) = models.fetch("moving")
    assert result.messages == 1
    assert list((box / "new").iterdir()) == []
    assert [p.name for p in (box / ".hushdesk.done" / "cur").iterdir()] == ["1.M1P1.host:2,S"]
    models.remove_source("moving")
    models.add_source("deleting", f"maildir:{box}", after="delete")
    drop(box, "2.M2P1.host", letter(2))
    (result,) = models.fetch("deleting")
    assert result.messages == 1 and list((box / "new").iterdir()) == []


def test_a_maildir_that_is_gone_is_one_line(db, tmp_path):
    box = maildir(tmp_path / "Mail")
    models.add_source("local", f"maildir:{box}")
    for sub in ("tmp", "new", "cur"):
        (box / sub).rmdir()
    (result,) = models.fetch("local")
    assert result.error == f"{box}: not a Maildir any more (no cur/ or new/)"
    code, out, _ = run_cli(db, ["intake", "ls"])
    assert code == 0 and "not a Maildir any more" in out


odd_names = st.text(string.ascii_letters + string.digits + ".:,-_", min_size=1, max_size=30)
odd_files = st.lists(
    st.tuples(
        odd_names,
        st.sampled_from(["mail", "bytes", "empty", "fifo", "folder", "outside", "dangling"]),
        st.binary(max_size=300),
    ),
    max_size=8,
    unique_by=lambda f: f[0].split(":", 1)[0],
)


@FUZZ
@given(files=odd_files)
@example(files=[("a:2,S", "mail", b""), ("b", "fifo", b""), ("c", "outside", b"")])
def test_odd_maildir_contents_are_taken_once_or_skipped(db, tmp_path_factory, files):
    box = maildir(tmp_path_factory.mktemp("odd"))
    outside = tmp_path_factory.mktemp("outside") / "secret"
    outside.write_bytes(letter(99))
    made: set[str] = set()
    for number, (name, kind, data) in enumerate(files):
        name = "x" + name if name.startswith(".") else name
        if name.split(":", 1)[0] in made:
            continue
        made.add(name.split(":", 1)[0])
        path = box / ("new" if number % 2 else "cur") / name
        if kind == "mail":
            path.write_bytes(letter(number))
        elif kind == "bytes":
            path.write_bytes(data)
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "folder":
            path.mkdir()
        elif kind == "outside":
            path.symlink_to(outside)
        else:
            path.symlink_to(box / "nothing-here")
    name = f"odd{len(models.list_sources())}"
    models.add_source(name, f"maildir:{box}", after="keep")
    (result,) = models.fetch(name)
    assert result.error == ""
    assert result.read == len(made)  # every file is read once: a message, or skipped
    assert result.read == result.messages + result.duplicates + result.gone + len(result.skipped)
    assert all("Message number 99" not in m.body for m in Message.select())  # never followed
    (again,) = models.fetch(name)
    assert (again.error, again.messages) == ("", 0)


urls = st.one_of(
    st.text(max_size=80),
    st.builds(
        lambda scheme, user, secret, host, port, box: (
            f"{scheme}://{user}{':' + secret if secret else ''}@{host}{port}/{box}"
        ),
        st.sampled_from(["imaps", "imap", "IMAPS", "maildir", "http"]),
        st.text(max_size=12),
        st.one_of(st.just(""), st.text(string.ascii_letters, min_size=6, max_size=12)),
        st.text(max_size=20),
        st.one_of(st.just(""), st.text(":0123456789x", max_size=8)),
        st.text(max_size=12),
    ),
)


@FUZZ
@given(url=urls)
@example(url="imaps://ann:hunter2secret@mail.example.org/INBOX")
@example(url="maildir:relative/path")
@example(url="imaps://ann@[::1]:993/INBOX")
@example(url="imaps://a%25b@host/%2541 x")
def test_any_url_gives_a_source_or_one_line_and_never_shows_a_password(db, tmp_path, url):
    secret_file = tmp_path / "pw"
    secret_file.write_text("pw\n")
    name = f"s{abs(hash(url)) % 10**9}"
    code, out, err = run_cli(db, ["intake", "add", name, url, "--password-file", str(secret_file)])
    assert code in (0, 1) and "Traceback" not in err
    if code == 1:
        assert len(err.strip().splitlines()) == 1
    if "@" in url and ":" in url.split("//", 1)[-1].rsplit("@", 1)[0]:
        secret = url.split("//", 1)[-1].rsplit("@", 1)[0].split(":", 1)[1]
        if len(secret) >= 6:
            assert code == 1 and secret not in out + err
    if code == 0:
        (source,) = [s for s in models.list_sources() if s.name == name]
        assert where.parse(source.where.shown()) == source.where
        models.remove_source(name)


def test_deleting_a_conversation_deletes_its_maildir_copy_at_the_next_fetch(db, tmp_path):
    box = maildir(tmp_path / "Mail")
    models.add_source("local", f"maildir:{box}")
    drop(box, "1.M1P1.host", letter(1))
    drop(box, "2.M2P1.host", letter(2, sender="bob@example.com"))
    models.fetch()
    (ann,) = models.ConversationSearch("email:ann@example.com").ids()
    models.archive([ann])
    models.delete_conversations([ann], "sam")
    (result,) = models.fetch()
    assert (result.purged, result.kept) == (1, 0)
    (left,) = (box / ".hushdesk.done" / "cur").iterdir()
    assert b"bob@example.com" in left.read_bytes()


intake_commands = st.sampled_from(
    [
        ["intake", "add"],
        ["intake", "add", "x", "maildir:/nonexistent"],
        ["intake", "add", "y", "imaps://a@127.0.0.1:1/INBOX", "--password-file"],
        ["intake", "add", "z", "imap://a@127.0.0.1/INBOX", "--after-intake"],
        ["intake", "ls"],
        ["intake", "ls", "--json"],
        ["intake", "rm"],
        ["fetch"],
    ]
)


@FUZZ
@given(command=intake_commands, args=st.lists(st.text(max_size=30), max_size=4))
@example(
    command=["intake", "add", "z", "imap://a@127.0.0.1/INBOX", "--after-intake"],
    args=["move", "a", "b"],
)
@example(command=["fetch"], args=["\x1b[31mred"])
def test_any_arguments_to_intake_and_fetch_give_exit_0_or_1_and_one_line(db, command, args):
    args = [a.replace("\x00", "") for a in args]
    code, out, err = run_cli(db, [*command, *args])
    assert code in (0, 1) and "Traceback" not in err
    if code == 1:
        assert len(err.strip().splitlines()) == 1
    assert "\x1b" not in out + err
