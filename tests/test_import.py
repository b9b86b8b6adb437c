import json
import mailbox
from email.message import EmailMessage

import pytest

import models
from models import importer
from models.mail import reader as mail_reader
from models.store.schema import Contact, Conversation

pytestmark = pytest.mark.both_engines


def write_lines(path, records):
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    return path


GOOD = [
    {
        "type": "contact",
        "id": "c1",
        "name": "Ada Lovelace",
        "email": "ada@example.com",
        "phone": "+1 555 0100",
        "attributes": {"plan": "pro", "seats": 3},
    },
    {
        "type": "conversation",
        "channel": "Instagram",
        "kind": "instagram",
        "contact": "c1",
        "subject": "where is my order",
        "status": "archived",
        "created": "2026-05-01T10:00:00+02:00",
        "messages": [
            {"author": "customer", "body": "hello", "sent": "2026-05-01T10:00:00Z"},
            {"author": "Sam", "body": "on its way", "sent": "2026-05-02T09:00:00Z"},
        ],
    },
]


def test_jsonl_import(db, tmp_path):
    result = importer.import_path(write_lines(tmp_path / "in.jsonl", GOOD))
    assert (result.contacts, result.conversations, result.messages) == (1, 1, 2)
    [row] = models.ConversationSearch("order").page()
    assert (row.contact, row.channel, row.social, row.status) == (
        "Ada Lovelace",
        "Instagram",
        True,
        "archived",
    )
    attrs = models.list_attributes(row.contact_id)
    assert {(a.key, a.value, a.source) for a in attrs} == {
        ("plan", "pro", "api"),
        ("seats", "3", "api"),
    }
    assert models.get_conversation(row.id).created_at.hour == 8


@pytest.mark.parametrize(
    "bad, message",
    [
        ("{not json", "not JSON"),
        ('["a list"]', "JSON object"),
        ({"type": "robot"}, '"type"'),
        ({"type": "conversation", "contact": "nobody@example.com"}, "no contact"),
        ({"type": "conversation", "status": "deleted"}, "status"),
        ({"type": "conversation", "created": "yesterday-ish"}, "not a date"),
        ({"type": "conversation", "kind": "pigeon", "channel": "Pigeon"}, "unknown channel kind"),
        (
            {"type": "contact", "name": "x", "attributes": {"k": {"nested": 1}}},
            "string or a number",
        ),
        ({"type": "conversation", "messages": "hi"}, "list of objects"),
    ],
)
def test_malformed_line_refused_with_line_number(db, tmp_path, bad, message):
    path = write_lines(tmp_path / "in.jsonl", [*GOOD, bad])
    with pytest.raises(models.InvalidInput, match=message) as caught:
        importer.import_path(path)
    assert "in.jsonl:3" in str(caught.value)
    assert Contact.select().count() == 0 and Conversation.select().count() == 0


def _mail(sender, subject, body, date="Mon, 04 May 2026 10:00:00 +0000"):
    message = EmailMessage()
    message["From"], message["Subject"], message["Date"] = sender, subject, date
    message.set_content(body)
    return message


def test_mbox_import_threads_by_subject(db, tmp_path):
    box = mailbox.mbox(str(tmp_path / "mail.mbox"))
    box.add(_mail("Ada <ada@example.com>", "Broken engine", "It is broken"))
    box.add(
        _mail(
            "Ada <ada@example.com>",
            "Re: Broken engine",
            "Still broken",
            "Tue, 05 May 2026 10:00:00 +0000",
        )
    )
    box.add(_mail("grace@example.com", "Compiler", "Bug found"))
    box.flush()
    result = importer.import_path(tmp_path / "mail.mbox")
    assert (result.contacts, result.conversations, result.messages) == (2, 2, 3)
    [row] = models.ConversationSearch("engine").page()
    assert row.contact == "Ada" and row.channel == "Email"
    assert len(models.get_conversation(row.id).messages) == 2


def test_maildir_import(db, tmp_path):
    box = mailbox.Maildir(str(tmp_path / "Maildir"))
    box.add(_mail("ada@example.com", "Hello", "from a maildir"))
    assert importer.import_path(tmp_path / "Maildir").conversations == 1
    assert models.ConversationSearch("maildir").count() == 1


def test_mail_without_sender_is_skipped_and_named(db, tmp_path):
    box = mailbox.mbox(str(tmp_path / "mail.mbox"))
    box.add(_mail("ada@example.com", "ok", "fine"))
    box.add(_mail("", "no sender", "hmm"))
    box.flush()
    result = importer.import_path(tmp_path / "mail.mbox")
    assert result.conversations == 1
    assert result.skipped == ["message 2: it has no sender address in From:"]


def test_missing_and_non_utf8_files(db, tmp_path):
    with pytest.raises(models.InvalidInput, match="no such file"):
        importer.import_path(tmp_path / "nope.jsonl")
    (tmp_path / "bin.jsonl").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(models.InvalidInput, match="UTF-8"):
        importer.import_path(tmp_path / "bin.jsonl")


def test_mail_without_message_id_is_found_again_in_another_mailbox_or_a_grown_one(db, tmp_path):
    def bare(sender: str, subject: str) -> bytes:
        return (
            f"From: {sender}\nSubject: {subject}\nDate: Mon, 04 May 2026 10:00:00 +0000\n\n"
            "Hello\nFrom here on it is broken.\n"
        ).encode()

    box = mailbox.Maildir(str(tmp_path / "Maildir"))
    box.add(bare("ada@example.com", "no id").replace(b"\n", b"\r\n"))
    assert importer.import_path(tmp_path / "Maildir").messages == 1
    mbox = tmp_path / "same.mbox"
    escaped = bare("ada@example.com", "no id").replace(b"\nFrom here", b"\n>From here")
    mbox.write_bytes(b"From ada@example.com Mon May  4 10:00:00 2026\n" + escaped + b"\n")
    again = importer.import_path(mbox)
    assert (again.messages, again.duplicates) == (0, 1)

    grown = tmp_path / "grown.mbox"
    first = b"From bob@example.com Mon May  4 10:00:00 2026\n" + bare("bob@example.com", "one")
    grown.write_bytes(first)
    assert importer.import_path(grown).messages == 1
    later = b"From cy@example.com Mon May  4 11:00:00 2026\n" + bare("cy@example.com", "two")
    grown.write_bytes(first + b"\n" + later)
    more = importer.import_path(grown)
    assert (more.messages, more.duplicates) == (1, 1)
    assert Conversation.select().count() == 3


def test_the_mail_import_takes_raw_messages_from_any_source(db, monkeypatch):
    """Nothing below importer.import_path knows of files: a later source (IMAP) feeds this door."""
    from models import mail_import
    from models.mail.raw import MailItem

    def server(count: int):  # messages as a mail server hands them over: bytes, no files
        for n in range(count):
            data = bytes(_mail(f"c{n}@example.com", f"question {n}", "hello"))
            yield MailItem(f"uid {n + 1}", data)
        yield MailItem("uid 99", b"", problem="the server could not send it")

    monkeypatch.setattr(mail_reader, "PARALLEL_FROM", 10)  # read by worker processes
    monkeypatch.setattr(mail_reader, "BATCH", 4)
    result = mail_import.import_mail(server(30), ours=None)
    assert (result.read, result.messages, result.conversations) == (31, 30, 30)
    assert result.skipped == ["uid 99: the server could not send it"]
