"""Backups of live mail, replies and requests: what was forgotten since a backup stays forgotten.

A backup taken before an erasure is restored; the erased person's mail, still in the
Maildir and in an old mbox, is fetched and imported again: nothing of it comes back,
because the restored desk has the live desk's tombstones. Drafts, unsent replies,
Message-IDs, automatic flags, intake sources and requests come back from a backup made
after them. A request's identifiers cannot be read from a backup made before it was
sealed, with or without the key store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import models
from models.backup import records
from models.backup.restoring import RESTORED_UNSENT
from models.inflow.tables import IntakeTaken
from models.store.schema import MailReference, Message

from .backups import in_the_clear, new_target, reopen, restore, take_backup, traces
from .test_gone import marker
from .test_intake_imap import letter
from .test_intake_maildir import drop, maildir

pytestmark = pytest.mark.both_engines

BOB = "bob@example.com"


def mbox(path: Path, *letters: bytes) -> Path:
    path.write_bytes(b"".join(b"From x@y Mon Jun  1 10:01:00 2026\n" + m + b"\n" for m in letters))
    return path


@pytest.mark.parametrize("keys", ["live", "export"])
def test_mail_of_a_person_erased_after_the_backup_stays_out_of_the_restored_desk(
    db, tmp_path, request, engine, keys
):
    words = marker("erased")
    ann = f"{marker('ann')}@example.org"
    box = maildir(tmp_path / "Mail")
    models.add_source("local", f"maildir:{box}", after="keep")
    mine = [letter(1, sender=ann, body=f"first {words}"), letter(2, sender=BOB)]
    drop(box, "1.M1P1.host", mine[0])
    drop(box, "2.M2P1.host", mine[1])
    assert models.fetch()[0].messages == 2
    backup = tmp_path / "nightly.hdb"
    take_backup(db, backup)  # before any deletion: it holds no tombstone and no secret
    later = letter(3, sender=ann, body=f"again {words}", reply_to="m1@example.com")
    drop(box, "3.M3P1.host", later)
    assert models.fetch()[0].messages == 1
    models.erase([ann], "GDPR-1", "sam")
    target = new_target(request, engine, tmp_path)
    code, out, err = restore(db, backup, target, *_keys(keys, tmp_path))
    assert code == 0, err
    reopen(target)
    assert models.ConversationSearch(f"email:{ann}").ids() == []
    (fetched,) = models.fetch()
    assert (fetched.error, fetched.messages) == ("", 0)
    assert fetched.purged == 2  # both copies of hers: the restored desk owes their deletion
    assert sorted(p.name for p in (box / "new").iterdir()) == ["2.M2P1.host"]
    again = models.import_path(mbox(tmp_path / "old.mbox", mine[0], later))
    assert (again.messages, again.gone) == (0, 2)
    assert models.ConversationSearch(f"email:{ann}").ids() == []
    assert models.ConversationSearch(f"email:{BOB}").ids() != []
    models.close_database()
    assert traces(request, target, [words, ann]) == []
    reopen(db)


def test_copies_the_live_desk_deleted_already_are_not_owed_again(db, tmp_path, request, engine):
    box = maildir(tmp_path / "Mail")
    models.add_source("local", f"maildir:{box}", after="keep")
    drop(box, "1.M1P1.host", letter(1))
    models.fetch()
    backup = tmp_path / "nightly.hdb"
    take_backup(db, backup)
    models.erase(["ann@example.com"], "GDPR-3", "sam")
    assert models.fetch()[0].purged == 1  # the live desk deletes the copy
    target = new_target(request, engine, tmp_path)
    code, out, err = restore(db, backup, target)
    assert code == 0, err
    reopen(target)
    (fetched,) = models.fetch()
    assert (fetched.error, fetched.read, fetched.purged, fetched.kept) == ("", 0, 0, 0)
    reopen(db)


def _keys(how: str, tmp_path: Path) -> list[str]:
    """Restore's keys: the live database's (none given), or an export made now."""
    if how == "live":
        return []
    phrase = tmp_path / "passphrase"
    phrase.write_text("a long enough passphrase\n")
    models.export_keys(tmp_path / "keys.hdk", phrase.read_text().strip())
    return ["--keys", str(tmp_path / "keys.hdk"), "--passphrase-file", str(phrase)]


def test_drafts_replies_requests_and_intake_come_back_from_a_backup_made_after_them(
    db, tmp_path, request, engine
):
    box = maildir(tmp_path / "Mail")
    models.set_ours(["support@desk.example"])
    models.add_source("local", f"maildir:{box}", after="keep")
    auto = letter(2, sender="robot@example.com").replace(
        b"Subject:", b"Auto-Submitted: auto-replied\nSubject:"
    )
    drop(box, "1.M1P1.host", letter(1))
    drop(box, "2.M2P1.host", auto)
    models.fetch()
    (cid,) = models.ConversationSearch("email:ann@example.com").ids()
    models.save_draft(cid, "Kim", "half a thought")
    models.queue_reply(cid, "Sam", "On its way.")
    opened = models.open_request("access", ["ann@example.com"], "sam")
    reference = opened.request.reference
    models.wait_for_identity(reference, "sam")
    before = _desk(cid, reference)
    backup = tmp_path / "nightly.hdb"
    take_backup(db, backup)
    target = new_target(request, engine, tmp_path)
    code, out, err = restore(db, backup, target)
    assert code == 0, err
    assert "and 1 request" in out
    reopen(target)
    after = _desk(cid, reference)
    (unsent,) = models.pending_replies(cid)
    assert (unsent.shown, unsent.reason) == ("failed", RESTORED_UNSENT)
    assert models.draft(cid, "Kim") == "half a thought"
    assert after == before
    assert models.fetch()[0].read == 0  # both letters were taken before the backup
    reopen(db)


def _desk(cid: int, reference: str) -> dict[str, object]:
    """What the restore must keep: messages with why they were automatic, Message-IDs,
    drafts, unsent replies, the request with its trail, the intake's sources and takings."""
    info = models.get_request(reference)
    return {
        "messages": [
            (m.author, m.body, m.automatic) for m in Message.select().order_by(Message.id)
        ],
        "references": sorted((r.message_id, r.automatic, r.ours) for r in MailReference.select()),
        "draft": models.draft(cid, "Kim"),
        "outbox": [(p.id, p.agent, p.attempts) for p in models.pending_replies(cid)],
        "request": (info.reference, info.kind, info.state, info.due_on, info.identifiers),
        "trail": [(s.what, s.note, s.actor) for s in models.request_trail(reference)],
        "sources": [(s.name, str(s.where), s.after) for s in models.list_sources()],
        "taken": sorted((t.box, t.item, t.place) for t in IntakeTaken.select()),
    }


@pytest.mark.parametrize("how", ["closed", "erased"])
def test_a_requests_identifiers_cannot_be_read_from_a_backup_made_before_it_was_sealed(
    db, tmp_path, request, engine, how
):
    email = f"{marker('zoe')}@example.org"
    if how == "erased":  # else the identifier matches no one, and only the request holds it
        models.create_contact("Zoe Quist", email, "")
    reference = models.open_request("erasure", [email], "sam").request.reference
    backup = tmp_path / "nightly.hdb"
    take_backup(db, backup)
    assert in_the_clear(backup.read_bytes(), [email]) == []  # without the key store
    found = [t.place for t in models.verify_backup(backup, [email]).traces]
    assert "in request #1" in found  # with the key store, before it is sealed
    if how == "closed":
        models.close_request(reference, "sam")
    else:
        models.erase([email], "GDPR-2", "sam", request=reference)
    assert models.get_request(reference).identifiers[0].startswith("hmac:")
    models.finish_cleanup()  # what the next hushdesk does: the old versions leave the files
    assert traces(request, db, [email]) == []
    reopen(db)
    proof = models.verify_backup(backup, [email])
    assert (proof.traces, proof.unreadable) == ([], 2 if how == "erased" else 1)
    target = new_target(request, engine, tmp_path)
    code, out, err = restore(db, backup, target)
    assert code == 0, err
    assert "Left out: 1 request that changed (1)" in out
    reopen(target)
    restored = models.get_request(reference)  # the live desk's sealed version
    assert restored.identifiers[0].startswith("hmac:") and restored.state == "done"
    models.close_database()
    assert traces(request, target, [email]) == []
    reopen(db)


def test_every_table_is_in_a_backup_or_left_out_with_a_reason(db):
    """A table added later is refused here until it is backed up or left out with why."""
    if models.store.engine.is_postgres():
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
    else:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
    tables = {str(name) for (name,) in models.store.engine.db.execute_sql(sql)}
    held = set(records.PLAIN_TABLES) | set(records.FIELDS)
    held |= {child[1] for children in records.CHILDREN.values() for child in children}
    unplaced = {
        t for t in tables - held - set(records.LEFT_OUT) if not t.startswith(records.INDEX_PREFIX)
    }
    assert unplaced == set()
