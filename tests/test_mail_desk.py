"""One message is one message, and our addresses are the help desk's, not one import's.

A Message-ID seen before makes a copy only with the same sender or text; a
different message with a taken id is kept and named. An address is inferred
to be ours only when the whole desk's mail (stored and imported) bears it out.
"""

from __future__ import annotations

import pytest

import models
from models import importer
from models.store.schema import MailKey

from .test_cli import cli
from .test_mail_threads import DATA, SUPPORT, Mailbox, conversations

pytestmark = pytest.mark.both_engines


def test_a_reused_message_id_keeps_both_messages_and_says_so(db_path, tmp_path, clock):
    box = Mailbox(tmp_path / "box")
    box.add("Ada <ada@example.com>", SUPPORT, "Refund", "please refund order 7", 3, mid="x@m")
    box.add(
        "Ada <ada@example.com>",
        SUPPORT,
        "[list] Refund",
        "please refund order 7\n--\nlist",
        2,
        mid="x@m",
    )  # a list's copy: the same sender, a footer added
    box.add("Bob <bob@example.com>", SUPPORT, "Hello", "an unrelated question", 1, mid="x@m")
    code, out, err = cli(db_path, "import", str(box.folder), "--ours", SUPPORT)
    assert code == 0, err
    assert "Read 3 messages: 2 imported, 1 duplicate, 0 skipped." in out
    assert "1 message had the Message-ID of a different message" in out
    assert "cur/0003.msg:2,S <x@m>" in out and "bob@" not in out
    models.open_database(db_path)
    try:
        assert sorted(r.email for r in conversations()) == ["ada@example.com", "bob@example.com"]
    finally:
        models.close_database()
    later = Mailbox(tmp_path / "later")  # the same three again, and a fourth with the id
    for sender, body in (
        ("Ada <ada@example.com>", "please refund order 7"),
        ("Bob <bob@example.com>", "an unrelated question"),
        ("Cy <cy@example.com>", "yet another message"),
    ):
        later.add(sender, SUPPORT, "Re: x", body, 1, mid="x@m")
    code, out, _ = cli(db_path, "import", str(later.folder))
    assert "Read 3 messages: 1 imported, 2 duplicates, 0 skipped." in out
    assert "1 message had the Message-ID of a different message" in out


def test_mail_imported_before_ids_were_kept_with_their_senders_is_still_found_again(db):
    importer.import_path(DATA / "notmuch" / "default")
    detailed = MailKey.delete().where(MailKey.key.contains(":"))
    assert detailed.execute() > 0  # now as an older hushdesk left it: ids alone
    again = importer.import_path(DATA / "notmuch" / "default")
    assert (again.messages, again.duplicates, again.reused) == (0, 53, [])
    assert MailKey.select().where(MailKey.key.contains(":")).count()
    assert importer.import_path(DATA / "notmuch" / "default").duplicates == 53


def test_our_address_is_inferred_from_all_the_desks_mail_not_one_import(db, tmp_path):
    """Half a mailbox made a customer ours: the replies in it went mostly to one customer."""
    first = Mailbox(tmp_path / "first")
    for n in range(12):  # twelve customers wrote to us: support received a third and more
        first.add(f"C{n} <c{n}@example.com>", SUPPORT, f"Question {n}", "?", 30 - n)
        first.add(f"Sam <{SUPPORT}>", f"c{n}@example.com", f"Re: Question {n}", "!", 29 - n)
    assert importer.import_path(first.folder).ours == [SUPPORT]
    assert models.ours() == [], "inferred: applied to this import, never kept"
    half = Mailbox(tmp_path / "half")
    for n in range(6):  # then our replies to one customer, and hers
        half.add(f"Sam <{SUPPORT}>", "Ada <ada@example.com>", f"Re: Order {n}", "sent", 5)
        half.add(f"Sam (Sales) <{SUPPORT}>", "ada@example.com", f"Re: Offer {n}", "new", 4)
    half.add("Ada <ada@example.com>", "sales@desk.example", "Thanks", "thanks!", 3)
    result = importer.import_path(half.folder)
    assert result.ours == [] and result.suggested == "ada@example.com"
    assert result.suggested_share == (12, 24 + 13)
    rows = {r.subject: r for r in conversations()}
    assert rows["Thanks"].email == "ada@example.com", "her own message stays hers"
