"""A real support mailbox imported faithfully: threads become conversations, our replies ours.

Real-world mail comes from notmuch's test corpora and CPython's email tests
(tests/data/README.md says where each file comes from and under which licence);
the generated support mailboxes have known threads.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest

import models
from models import importer

from .conftest import NOW
from .test_cli import cli

pytestmark = pytest.mark.both_engines

DATA = Path(__file__).parent / "data"
SUPPORT = "support@desk.example"


def conversations() -> list[models.ConversationRow]:
    return models.ConversationSearch("").page(0, 0)


def messages_of(cid: int) -> list[tuple[str, str]]:
    return [(m.author, m.body) for m in models.get_conversation(cid).messages]


def contact_emails() -> set[str]:
    return {r.email for r in conversations() if r.email}


# real-world mail ------------------------------------------------------------------------------
def notmuch_threads(maildir: Path) -> int | None:
    """What `notmuch count --output=threads` says of a copy of the Maildir (None: no notmuch)."""
    if shutil.which("notmuch") is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        shutil.copytree(maildir, Path(folder) / "mail")
        config = Path(folder) / "config"
        config.write_text(f"[database]\npath={folder}/mail\n[new]\ntags=\n")
        env = {**os.environ, "NOTMUCH_CONFIG": str(config)}
        subprocess.run(["notmuch", "new", "--quiet"], env=env, check=True, capture_output=True)
        done = subprocess.run(
            ["notmuch", "count", "--output=threads", "*"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        return int(done.stdout)


@pytest.mark.parametrize(
    "corpus, threads, messages, duplicates",
    [("default", 24, 52, 1), ("threading", 3, 12, 0), ("duplicate", 3, 3, 6)],
)
def test_notmuch_corpora_become_their_threads(db, corpus, threads, messages, duplicates):
    result = importer.import_path(DATA / "notmuch" / corpus)
    assert (result.conversations, result.messages) == (threads, messages)
    assert result.duplicates == duplicates
    assert len(conversations()) == threads


def test_the_same_thread_count_as_notmuch(db):
    counted = notmuch_threads(DATA / "notmuch" / "default")
    if counted is None:
        pytest.skip("notmuch is not installed (apt-get install notmuch)")
    assert importer.import_path(DATA / "notmuch" / "default").conversations == counted == 24


def test_a_second_import_of_the_same_mail_adds_nothing(db):
    importer.import_path(DATA / "notmuch" / "default")
    again = importer.import_path(DATA / "notmuch" / "default")
    assert (again.conversations, again.messages, again.duplicates) == (0, 0, 53)
    assert len(conversations()) == 24


def test_list_mail_infers_the_list_as_ours_and_keeps_every_sender_a_customer(db):
    result = importer.import_path(DATA / "notmuch" / "default")
    assert (result.ours, result.ours_from) == (["notmuch@notmuchmail.org"], "inferred")
    assert "notmuch@notmuchmail.org" not in contact_emails()
    assert models.ours() == [], "an inferred address is said, not kept"


def maildir_of(folder: Path, files: dict[str, bytes]) -> Path:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / "cur" / name).write_bytes(data)
    return folder


def test_cpython_samples_bodies_attachments_and_dates(db, tmp_path):
    names = ("msg_12.txt", "msg_16.txt", "msg_47.txt")
    box = maildir_of(tmp_path / "box", {n: (DATA / "cpython" / n).read_bytes() for n in names})
    stamp = (NOW - timedelta(days=3)).timestamp()
    os.utime(box / "cur" / "msg_47.txt", (stamp, stamp))
    result = importer.import_path(box)
    assert (result.conversations, result.messages, result.skipped) == (3, 3, [])
    bounce = models.ConversationSearch("delivery notification").page()[0]
    [(author, body)] = messages_of(bounce.id)
    assert "This report relates to a message you sent" in body
    assert "I always love to find more Ian" not in body, "an attached message is no body"
    assert "[attachments]" in body and "(message/rfc822)" in body
    spam = models.ConversationSearch("pharrmacy").page()[0]
    assert spam.last_activity == NOW - timedelta(days=3), "a broken Date: gives the file's time"


def test_an_unescaped_from_in_an_mbox_body_stays_in_the_body(db, tmp_path):
    box = tmp_path / "one.mbox"
    box.write_bytes(
        b"From MAILER-DAEMON Sun Aug  7 11:40:37 2022 extra info\n"
        b"From: Foo <foo@example.com>\nSubject: unquoted From\n\nHello\n\nFrom time to time\n"
    )
    result = importer.import_path(box)
    assert (result.conversations, result.messages) == (1, 1)
    [(_, body)] = messages_of(conversations()[0].id)
    assert body == "Hello\n\nFrom time to time\n"


# a generated support mailbox ------------------------------------------------------------------
class Mailbox:
    """A support mailbox written message by message, with known threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        for sub in ("cur", "new", "tmp"):
            (folder / sub).mkdir(parents=True, exist_ok=True)

    def add(
        self,
        sender: str,
        to: str,
        subject: str,
        body: str,
        days_ago: float,
        mid: str | None = None,
        reply_to: list[str] | None = None,
        html: bool = False,
        attachment: tuple[str, bytes] | None = None,
        crlf: bool = False,
    ) -> str:
        self.count += 1
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = sender, to, subject
        message["Date"] = format_datetime(NOW - timedelta(days=days_ago))
        mid = mid or f"{self.folder.name}.{self.count}@mail.example"
        message["Message-ID"] = f"<{mid}>"
        if reply_to:
            message["In-Reply-To"] = f"<{reply_to[-1]}>"
            message["References"] = " ".join(f"<{r}>" for r in reply_to)
        if html:
            message.set_content(body, subtype="html")
        else:
            message.set_content(body)
        if attachment:
            message.add_attachment(
                attachment[1], maintype="application", subtype="pdf", filename=attachment[0]
            )
        data = bytes(message)
        if crlf:
            data = data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        (self.folder / "cur" / f"{self.count:04d}.msg:2,S").write_bytes(data)
        return mid


def support_mailbox(folder: Path, customers: int = 12) -> tuple[Mailbox, dict[int, list[str]]]:
    """`customers` threads: a question, our answer, their thanks; the ids of each thread."""
    box = Mailbox(folder)
    threads = {}
    for n in range(customers):
        who = f"Customer {n} <c{n}@example.com>"
        days = 300 - n * 10
        ask = box.add(who, SUPPORT, f"Order {n} is late", f"Where is order {n}?", days)
        answer = box.add(
            f"Sam (Support) <{SUPPORT}>",
            who,
            f"Re: Order {n} is late",
            f"It ships tomorrow, order {n}.",
            days - 1,
            reply_to=[ask],
        )
        thanks = box.add(
            who, SUPPORT, f"RE: Order {n} is late", "Thanks!", days - 2, reply_to=[ask, answer]
        )
        threads[n] = [ask, answer, thanks]
    return box, threads


def test_a_support_mailbox_becomes_one_conversation_per_thread(db, tmp_path):
    box, threads = support_mailbox(tmp_path / "support")
    result = importer.import_path(box.folder)
    assert result.conversations == len(threads) and result.messages == 3 * len(threads)
    assert (result.ours, result.ours_from) == ([SUPPORT], "inferred")
    assert SUPPORT not in contact_emails(), "our replies never make us a customer"
    assert contact_emails() == {f"c{n}@example.com" for n in threads}
    row = models.ConversationSearch("email:c3@").page()[0]
    assert row.subject == "Order 3 is late"
    assert [a for a, _ in messages_of(row.id)] == ["customer", "Sam (Support)", "customer"]


def test_messages_are_in_date_order_whatever_the_file_order(db, tmp_path):
    box = Mailbox(tmp_path / "box")
    late = box.add("Ada <ada@example.com>", SUPPORT, "Re: Engine", "third", 1, reply_to=["a0"])
    box.add(f"Sam <{SUPPORT}>", "ada@example.com", "Re: Engine", "second", 2, reply_to=["a0"])
    box.add("Ada <ada@example.com>", SUPPORT, "Engine", "first", 3, mid="a0")
    assert late
    importer.import_path(box.folder, ours=[SUPPORT])
    [row] = conversations()
    assert [b.strip() for _, b in messages_of(row.id)] == ["first", "second", "third"]
    assert row.subject == "Engine" and row.contact == "Ada"


def test_a_reply_without_headers_falls_back_to_subject_and_customer(db, tmp_path):
    box = Mailbox(tmp_path / "box")
    box.add("Ada <ada@example.com>", SUPPORT, "[support] Broken  engine", "one", 5)
    box.add("Ada <ada@example.com>", SUPPORT, "AW: Re: [support] Broken engine", "two", 4)
    box.add("Bob <bob@example.com>", SUPPORT, "Re: Broken engine", "not Ada's", 3)
    box.add("Ada <ada@example.com>", SUPPORT, "Broken engine", "a new request", 2)
    importer.import_path(box.folder, ours=[SUPPORT])
    by_contact = sorted((r.contact, len(messages_of(r.id))) for r in conversations())
    assert by_contact == [("Ada", 1), ("Ada", 2), ("Bob", 1)]


def test_a_thread_between_customers_belongs_to_its_first_sender(db, tmp_path):
    box = Mailbox(tmp_path / "box")
    first = box.add("Ada <ada@example.com>", "bob@example.com", "Lunch", "noon?", 3)
    box.add("Bob <bob@example.com>", "ada@example.com", "Re: Lunch", "yes", 2, reply_to=[first])
    importer.import_path(box.folder, ours=[SUPPORT])
    [row] = conversations()
    assert row.contact == "Ada"
    assert [a for a, _ in messages_of(row.id)] == ["customer", "Bob"]


def test_when_we_wrote_first_the_customer_is_whom_we_wrote_to(db, tmp_path):
    box = Mailbox(tmp_path / "box")
    box.add(f"Sam <{SUPPORT}>", "Ada <ada@example.com>", "Your renewal", "due soon", 3)
    importer.import_path(box.folder, ours=[SUPPORT])
    [row] = conversations()
    assert row.email == "ada@example.com"
    assert messages_of(row.id)[0][0] == "Sam"


def test_later_replies_join_their_conversations_in_a_second_import(db, tmp_path):
    box, threads = support_mailbox(tmp_path / "first")
    importer.import_path(box.folder)
    before = {r.contact: r.id for r in conversations()}
    later = Mailbox(tmp_path / "later")
    for n in (2, 5):
        later.add(
            f"Customer {n} <c{n}@example.com>",
            SUPPORT,
            f"Re: Order {n} is late",
            "It arrived broken.",
            1,
            reply_to=threads[n],
        )
    later.add("New Person <new@example.com>", SUPPORT, "Hello", "a new question", 1)
    result = importer.import_path(later.folder)
    assert (result.conversations, result.joined, result.messages) == (1, 2, 3)
    after = {r.contact: r for r in conversations()}
    assert len(after) == len(before) + 1
    for n in (2, 5):
        row = after[f"Customer {n}"]
        assert row.id == before[f"Customer {n}"]
        assert messages_of(row.id)[-1][1].strip() == "It arrived broken."
        assert row.last_activity == NOW - timedelta(days=1), "last activity follows the reply"
        assert models.ConversationSearch(f"id:{row.id} broken").count() == 1, "indexed"


def test_faithful_bodies(db, tmp_path):
    box = Mailbox(tmp_path / "box")
    box.add(
        "Ada <ada@example.com>",
        SUPPORT,
        "A very long subject that a mail program folds onto a second line when it writes it",
        "<p>Hello <b>team</b>,</p><p>see <a href='https://example.com/x'>the page</a></p>",
        2,
        html=True,
    )
    box.add(
        "Bob <bob@example.com>",
        SUPPORT,
        "Invoice",
        "line one\nline two\n",
        1,
        attachment=("invoice.pdf", b"%PDF" * 300),
        crlf=True,
    )
    importer.import_path(box.folder, ours=[SUPPORT])
    ada = models.ConversationSearch("email:ada@").page()[0]
    assert ada.subject == (
        "A very long subject that a mail program folds onto a second line when it writes it"
    )
    [(_, html)] = messages_of(ada.id)
    assert html == "Hello team,\nsee the page (https://example.com/x)\n"
    bob = models.ConversationSearch("email:bob@").page()[0]
    [(_, body)] = messages_of(bob.id)
    assert body.startswith("line one\nline two\n") and "\r" not in body
    assert "invoice.pdf (1 KB)" in body


def test_errors_name_the_file_and_the_message_id(db, tmp_path):
    box = Mailbox(tmp_path / "box")
    box.add("Ada <ada@example.com>", SUPPORT, "fine", "ok", 2)
    (box.folder / "cur" / "1700000000.bad:2,S").write_bytes(
        b"From: nobody\nMessage-ID: <broken-1@mail.example>\nSubject: x\n\nbody\n"
    )
    result = importer.import_path(box.folder)
    assert result.skipped == [
        "cur/1700000000.bad:2,S <broken-1@mail.example>: it has no sender address in From:"
    ]


def test_folders_inside_a_maildir_are_read_too(db, tmp_path):
    box, _ = support_mailbox(tmp_path / "inbox", customers=2)
    sent = Mailbox(tmp_path / "inbox" / ".Sent")
    sent.add(f"Sam <{SUPPORT}>", "Ada <ada@example.com>", "Hello Ada", "from Sent", 1)
    result = importer.import_path(box.folder, ours=[SUPPORT])
    assert (result.conversations, result.messages) == (3, 7)


def test_ours_on_the_command_line_is_kept_as_a_setting(db_path, tmp_path, clock):
    box, _ = support_mailbox(tmp_path / "box", customers=2)
    code, out, err = cli(db_path, "import", str(box.folder), "--ours", "Support@Desk.example")
    assert code == 0, err
    assert "Ours: support@desk.example." in out
    code, out, _ = cli(db_path, "settings")
    assert (code, out.splitlines()[0]) == (0, "ours: support@desk.example")
    code, out, _ = cli(db_path, "settings", "--json")
    assert json.loads(out) == {
        "ours": ["support@desk.example"],
        "region": None,
        "smtp": None,
        "sent-copy": None,
    }
    code, _, err = cli(db_path, "settings", "ours", "not an address")
    assert code == 1 and "is not a mail address" in err
    code, out, _ = cli(db_path, "settings", "ours", "--clear")
    assert (code, out) == (0, "Ours: none (imports infer them).\n")


def test_an_inferred_ours_is_printed(db_path, tmp_path, clock):
    box, _ = support_mailbox(tmp_path / "box", customers=3)
    code, out, _ = cli(db_path, "import", str(box.folder))
    assert code == 0
    assert "Ours (inferred: the address most messages were sent to): support@desk.example." in out
    code, out, _ = cli(db_path, "import", str(box.folder))
    assert "Skipped 9 duplicates (already stored once)." in out


@pytest.mark.parametrize(
    "to, customer",
    [
        (f"Support <{SUPPORT}>, ada@example.com", "ada@example.com"),  # a bare one after <...>
        ("Customers: Ada <ada@example.com>;", "ada@example.com"),  # a group's member
        (f"{SUPPORT} (us), Ada (at home) <ada@example.com>", "ada@example.com"),
    ],
)
def test_every_address_in_to_is_read(db, tmp_path, to, customer):
    box = Mailbox(tmp_path / "box")
    box.add(f"Sam <{SUPPORT}>", to, "Your renewal", "due soon", 3)
    importer.import_path(box.folder, ours=[SUPPORT])
    [row] = conversations()
    assert row.email == customer
