"""Mail that breaks the rules, or is written to exploit a reader: taken, skipped or refused.

Each case is taken (the parts that can be), skipped with its file or number
named, or refused in one line; never a hang, a traceback or a wrong contact.
"""

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta

import pytest

import models
from models import importer
from models.store.schema import Contact, Conversation

from .conftest import NOW
from .test_cli import HUSHDESK

pytestmark = pytest.mark.both_engines


def mbox(path, *messages: bytes):
    path.write_bytes(
        b"".join(b"From sender Mon May  4 10:00:00 2026\n" + m + b"\n" for m in messages)
    )
    return path


def mail(sender: str, subject: str = "hello", body: str = "body text", extra: str = "") -> bytes:
    head = f"From: {sender}\nSubject: {subject}\nDate: Mon, 04 May 2026 10:00:00 +0000\n{extra}"
    return f"{head}\n{body}\n".encode()


def maildir(tmp_path):
    folder = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True)
    return folder


def test_an_encoded_display_name_never_supplies_the_address(db, tmp_path):
    victim = models.create_contact("Victim", "victim@example.com")
    spoof = "=?utf-8?q?x_=3Cvictim=40example.com=3E?= <attacker@evil.test>"
    importer.import_path(mbox(tmp_path / "in.mbox", mail(spoof)))
    assert models.get_contact(victim).conversations == 0
    [attacker] = Contact.select().where(Contact.email == "attacker@evil.test")
    assert attacker.name == "x <victim@example.com>", "shown as written, but only as a name"


@pytest.mark.parametrize(
    "head, clear",
    [
        ("From: attacker@evil.test (<victim@example.com>)", True),  # an address in a comment
        ("From: Eve <attacker@evil.test> (\\) <victim@example.com>)", True),  # ...a backslash
        ('From: "Victim <victim@example.com>" attacker@evil.test', False),  # in a quoted name
        ("From: attacker@evil.test, Victim <victim@example.com>", False),  # a list
        ("From: Team: attacker@evil.test, <victim@example.com>;", False),  # a group
        ("From: Eve <attacker@evil.test>\n <victim@example.com>", False),  # a folded line
        ("From: <attacker@evil.test <victim@example.com>>", False),  # nested angle brackets
        ("From: Eve <attacker@evil.test\\<victim@example.com>>", False),  # backslashed
        ("From: attacker@evil.test\nFrom: Victim <victim@example.com>", False),  # two From:
    ],
)
def test_no_header_shape_attaches_mail_to_another_customer(db, tmp_path, head, clear):
    victim = models.create_contact("Victim", "victim@example.com")
    data = f"{head}\nSubject: invoice\nDate: Mon, 04 May 2026 10:00:00 +0000\n\npay me\n"
    result = importer.import_path(mbox(tmp_path / "in.mbox", data.encode()))
    assert (result.messages, result.skipped, result.unclear) == (1, [], 0 if clear else 1)
    assert models.get_contact(victim).conversations == 0
    [conversation] = Conversation.select()
    contact = models.get_contact(conversation.contact_id)
    if clear:
        assert contact.email == "attacker@evil.test"
    else:
        assert contact.email == "" and contact.conversations == 1
        assert [(a.key, a.value) for a in contact.attributes] == [("sender", "unclear")]


def test_a_sender_unclear_is_said_and_each_such_sender_is_one_new_contact(tmp_path, clock):
    john = "John [Sales] <j@example.com>"  # not RFC 5322: unclear
    box = mbox(
        tmp_path / "in.mbox",
        mail(john, "one"),
        mail(john, "three"),
        mail("a@evil.test, j@example.com", "two"),
    )
    db_path = tmp_path / "h.db"
    models.open_database(db_path, create=True)
    models.create_contact("John", "j@example.com")
    models.close_database()
    done = subprocess.run(
        [HUSHDESK, "--db", str(db_path), "import", str(box)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert "Imported 2 contacts, 3 conversations and 3 messages." in done.stdout
    assert "3 messages had an unclear sender" in done.stdout
    assert 'a new contact marked "sender unclear"' in done.stdout
    assert "j@example.com" not in done.stdout and "evil" not in done.stdout
    models.open_database(db_path)
    try:
        [john] = Contact.select().where(Contact.email == "j@example.com")
        assert models.get_contact(john.id).conversations == 0
        unclear = Contact.select().where(Contact.email == "")
        assert sorted(c.name for c in unclear) == [
            "John [Sales] <j@example.com>",
            "a@evil.test, j@example.com",
        ]
    finally:
        models.close_database()


@pytest.mark.parametrize(
    "sender, name",
    [
        ("Smith, John <j@example.com>", "Smith, John"),
        ('"John [Sales]" <j@example.com>', "John [Sales]"),
        ("Mal (ops) Lory <j@example.com>", "Mal (ops) Lory"),
        ('"Doe, Jane" <j@example.com>', "Doe, Jane"),
        ("j@example.com (John)", ""),
    ],
)
def test_messy_but_real_senders_are_taken(db, tmp_path, sender, name):
    messages = [mail(sender, f"subject {i}") for i in range(20)]
    result = importer.import_path(mbox(tmp_path / "in.mbox", *messages))
    assert result.conversations == 20 and not result.skipped
    [contact] = Contact.select()
    assert contact.email == "j@example.com"
    assert contact.name == name or (not name and contact.name in ("", "John"))


def test_a_fifo_and_a_dangling_link_in_a_maildir_are_skipped_not_waited_for(tmp_path, clock):
    folder = maildir(tmp_path)
    (folder / "cur" / "1.good:2,S").write_bytes(mail("ada@example.com"))
    os.mkfifo(folder / "new" / "2.fifo")
    os.symlink(folder / "nowhere", folder / "new" / "3.link")
    (folder / "cur" / "4.folder").mkdir()
    db_path = tmp_path / "h.db"
    done = subprocess.run(
        [HUSHDESK, "--db", str(db_path), "import", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Imported 1 contacts, 1 conversations" in done.stdout
    assert "Skipped 3 items" in done.stdout
    assert "new/2.fifo: not a regular file" in done.stdout
    assert "new/3.link: a link to nothing" in done.stdout


@pytest.mark.parametrize("charset", ["idna", "punycode", "x-unknown", "base64", "utf-7"])
def test_odd_charsets_are_read_as_text(db, tmp_path, charset):
    extra = f'Content-Type: text/plain; charset="{charset}"\n'
    subject = f"=?{charset}?q?caf=E9?="
    box = mbox(tmp_path / "in.mbox", mail("ada@example.com", subject, "na\xefve", extra))
    result = importer.import_path(box)
    assert result.conversations == 1
    [conversation] = Conversation.select()
    assert conversation.subject


def test_dates_beyond_reason_are_never_stored(db, tmp_path):
    far = [
        mail("a@example.com", "far future", extra="").replace(
            b"Mon, 04 May 2026 10:00:00 +0000", date
        )
        for date in (b"Fri, 31 Dec 9999 23:59:59 -1200", b"Thu, 01 Jan 10000 00:00:00 +0000")
    ]
    past = mail("b@example.com", "long ago").replace(b"Mon, 04 May 2026", b"Mon, 01 Jan 1900")
    importer.import_path(mbox(tmp_path / "in.mbox", *far, past))
    for conversation in Conversation.select():
        assert conversation.last_activity <= NOW + timedelta(days=1)
        assert conversation.created_at.year >= 1970
    lines = tmp_path / "in.jsonl"
    lines.write_text(
        json.dumps({"type": "conversation", "subject": "x", "created": "9999-12-31T00:00:00Z"})
    )
    with pytest.raises(models.InvalidInput, match="in.jsonl:1: .*between 1970 and tomorrow"):
        importer.import_path(lines)


def test_lone_surrogates_in_jsonl_are_refused_with_the_line(db, tmp_path):
    lines = tmp_path / "in.jsonl"
    good = json.dumps({"type": "contact", "name": "Ada", "email": "ada@example.com"})
    lines.write_text(good + '\n{"type": "contact", "name": "Bad \\ud800 name"}\n')
    with pytest.raises(models.InvalidInput, match="in.jsonl:2: .*surrogate"):
        importer.import_path(lines)
    assert Contact.select().count() == 0


def nested(depth: int) -> bytes:
    parts = [f"--b{i}\nContent-Type: multipart/mixed; boundary=b{i + 1}\n\n" for i in range(depth)]
    closing = "".join(f"--b{i}--\n" for i in range(depth, -1, -1))
    body = "".join(parts) + f"--b{depth}\nContent-Type: text/plain\n\ndeep\n" + closing
    head = "From: deep@example.com\nSubject: deep\nContent-Type: multipart/mixed; boundary=b0\n"
    return f"{head}\n{body}".encode()


def test_thousands_of_nested_parts_are_skipped_by_number(db, tmp_path):
    box = mbox(tmp_path / "in.mbox", mail("ada@example.com"), nested(3000), nested(30))
    result = importer.import_path(box)
    assert result.conversations == 2
    assert result.skipped == ["message 2: its MIME parts are nested too deeply"]


def test_random_bytes_after_a_from_line(db, tmp_path):
    import random

    rng = random.Random(4)
    junk = [
        rng.randbytes(rng.randint(0, 3000)).replace(b"\nFrom ", b"\n>rom ") + b"\n"
        for _ in range(30)
    ]
    result = importer.import_path(mbox(tmp_path / "in.mbox", mail("ada@example.com"), *junk))
    assert result.conversations >= 1
    assert result.conversations + len(result.skipped) == 31
    assert all(s.startswith("message ") for s in result.skipped)


def test_an_html_only_message_and_an_attached_message(db, tmp_path):
    html = mail(
        "ada@example.com",
        "html",
        '<p>Hello <b>there</b></p><a href="https://example.com/x">the link</a>',
        "Content-Type: text/html\n",
    )
    attached = (
        b"From: grace@example.com\nSubject: fwd\nContent-Type: multipart/mixed; boundary=z\n\n"
        b"--z\nContent-Type: message/rfc822\n\nFrom: x@example.com\nSubject: inner\n\ninner body\n"
        b"--z--\n"
    )
    importer.import_path(mbox(tmp_path / "in.mbox", html, attached))
    bodies = {
        c.subject: models.get_conversation(c.id).messages[0].body for c in Conversation.select()
    }
    assert "Hello there" in bodies["html"] and "the link (https://example.com/x)" in bodies["html"]
    assert "inner body" not in bodies["fwd"]


def test_links_out_of_a_maildir_are_skipped_and_named_not_followed(tmp_path, clock):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "secret").write_bytes(mail("ada@example.com", "outside the Maildir"))
    (outside / "cur").mkdir()
    (outside / "cur" / "1.other:2,S").write_bytes(mail("bob@example.com", "another folder"))
    folder = maildir(tmp_path)
    (folder / "new" / "1.inside").write_bytes(mail("cy@example.com", "inside"))
    (folder / "tmp" / "kept").write_bytes(mail("dee@example.com", "linked from new"))
    os.symlink(folder / "tmp" / "kept", folder / "new" / "2.link-inside")
    os.symlink(outside / "secret", folder / "new" / "3.link-out")
    os.symlink("../../elsewhere/secret", folder / "new" / "4.relative-out")
    (folder / "cur").rmdir()
    os.symlink(outside / "cur", folder / "cur")
    done = subprocess.run(
        [HUSHDESK, "--db", str(tmp_path / "h.db"), "import", str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "Imported 2 contacts, 2 conversations" in done.stdout
    assert "new/3.link-out: a link out of the Maildir (not followed)" in done.stdout
    assert "new/4.relative-out: a link out of the Maildir (not followed)" in done.stdout
    assert "cur/: a link out of the Maildir (not followed)" in done.stdout
    models.open_database(tmp_path / "h.db")
    try:
        subjects = {c.subject for c in Conversation.select()}
    finally:
        models.close_database()
    assert subjects == {"inside", "linked from new"}


RECEIVED = (
    "Received: from relay.example.net by mx.example.com; Sun, 03 May 2026 09:00:00 +0000\n"
    "Received: from laptop by relay.example.net; Sat, 02 May 2026 08:00:00 +0000\n"
)


@pytest.mark.parametrize(
    "date",
    [
        "",
        "Date: 2012-12-08 00:48\n",
        "Date: Mon, 04 May 2026 10:00:00 -7900\n",
        "Date: Sat, 08 Dec 3609 00:48:00 +0000\n",
    ],
)
def test_without_a_usable_date_the_newest_received_line_dates_the_mail(tmp_path, clock, date):
    folder = maildir(tmp_path)
    data = f"From: ada@example.com\n{date}{RECEIVED}Subject: old question\n\nbody\n"
    (folder / "cur" / "1.copied:2,S").write_bytes(data.encode())  # its file time: now
    db_path = tmp_path / "h.db"
    code = subprocess.run([HUSHDESK, "--db", str(db_path), "import", str(folder)], timeout=60)
    assert code.returncode == 0
    models.open_database(db_path)
    try:
        [conversation] = Conversation.select()
        assert conversation.last_activity == datetime(2026, 5, 3, 9, 0, tzinfo=UTC)
    finally:
        models.close_database()


def test_without_date_or_received_the_mbox_from_line_dates_the_mail(db, tmp_path):
    box = tmp_path / "in.mbox"
    box.write_bytes(
        b"From ada@example.com Tue Mar  3 10:00:00 2026\nFrom: ada@example.com\nSubject: x\n\nb\n"
    )
    importer.import_path(box)
    [conversation] = Conversation.select()
    assert conversation.last_activity == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)


def test_header_text_is_decoded_as_mail_clients_decode_it(db, tmp_path):
    subjects = {
        b"=?utf-8?q?caf\xc3\xa9?= au lait": "caf\u00e9 au lait",  # 8-bit bytes in an encoded word
        b"=?iso-8859-1?q?cr\xe8me?=": "cr\u00e8me",
        b"caf\xe9 cr\xe8me \x80": "caf\u00e9 cr\u00e8me \u20ac",  # undeclared, not UTF-8: cp1252
        b"na\xc3\xafve": "na\u00efve",  # undeclared UTF-8
        b"=?utf-8?q?na=C3=AFve?=  =?utf-8?q?_caf=C3=A9?=": "na\u00efve caf\u00e9",
    }
    messages = [
        b"From: Jos\xe9 <jose@example.com>\nSubject: " + raw + b"\n\nbody\n" for raw in subjects
    ]
    importer.import_path(mbox(tmp_path / "in.mbox", *messages))
    assert {c.subject for c in Conversation.select()} == set(subjects.values())
    assert Contact.get(Contact.email == "jose@example.com").name == "Jos\u00e9"


def test_attachment_names_are_decoded(db, tmp_path):
    parts = [
        b"Content-Disposition: attachment; filename*=utf-8''%E2%82%AC%20rate.pdf",
        b"Content-Disposition: attachment; filename*=iso-8859-1'fr'r%E9sum%E9.pdf",
        b'Content-Disposition: attachment; filename="=?utf-8?q?caf=C3=A9.pdf?="',
        b'Content-Type: application/pdf; name="=?iso-8859-1?q?men=FC.pdf?="',
        b'Content-Disposition: attachment; filename="na\xc3\xafve.pdf"',
    ]
    body = b"".join(
        b"--b\n"
        + (p if p.startswith(b"Content-Type") else b"Content-Type: application/pdf\n" + p)
        + b"\n\nAAAA\n"
        for p in parts
    )
    head = b"From: ada@example.com\nSubject: files\nContent-Type: multipart/mixed; boundary=b\n\n"
    importer.import_path(mbox(tmp_path / "in.mbox", head + b"--b\n\nsee\n" + body + b"--b--\n"))
    [conversation] = Conversation.select()
    text = models.get_conversation(conversation.id).messages[0].body
    for name in (
        "\u20ac rate.pdf",
        "r\u00e9sum\u00e9.pdf",
        "caf\u00e9.pdf",
        "men\u00fc.pdf",
        "na\u00efve.pdf",
    ):
        assert f"  {name} (" in text, text


def test_a_file_name_too_long_is_one_line(tmp_path):
    from .test_cli import cli

    code, out, err = cli(tmp_path / "desk.db", "import", "9" * 5000)
    assert code == 1 and err.count("\n") == 1 and "cannot be read" in err, err
    assert "Traceback" not in err and "unexpected" not in err
