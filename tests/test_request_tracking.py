"""Requests as records, on both engines: opened, listed by their clock, extended, done by
the erasure or the export made through them, and sealed once ended."""

import json
from datetime import UTC, date, datetime

import pytest

import models
from models.privacy.tracking.tables import PrivacyRequest

from .helpers import conversation
from .test_cli import cli

pytestmark = pytest.mark.both_engines

EMAIL, PHONE = "zoe.quist@example.org", "+1 (415) 555-0199"
TODAY = date(2026, 6, 1)  # the fixed clock's day (conftest.NOW)


def left(texts):
    """Where the texts still are: every byte (SQLite), every live row (PostgreSQL)."""
    return models.store.engine.backend().traces(texts)


def rows():
    return [(r.reference, r.state, r.due_on, r.identifiers) for r in PrivacyRequest.select()]


@pytest.fixture
def zoe(db, bystanders):
    models.set_region("US")
    contact = models.create_contact("Zoe Quist", EMAIL, PHONE)
    conversation(subject="my order", body="Please delete my data.", contact_id=contact)
    conversation(body=f"ask {EMAIL} about it", email="oskar@example.net", name="Oskar Other")
    return contact


def test_a_request_is_a_record_with_its_reference_and_due_day(zoe):
    first = models.open_request("erasure", [EMAIL], "sam", received=date(2026, 1, 31))
    assert first.matched and first.request.reference == "REQ-2026-0001"
    assert first.request.due_on == date(2026, 2, 28) and first.request.standing == "overdue"
    second = models.open_request("access", [PHONE], "sam")
    assert second.request.reference == "REQ-2026-0002"
    assert second.request.received_on == TODAY and second.request.due_on == date(2026, 7, 1)
    leap = models.open_request("access", [EMAIL], "sam", received=date(2024, 2, 29))
    assert leap.request.reference == "REQ-2024-0001"
    assert leap.request.due_on == date(2024, 3, 29)
    assert [r.reference for r in models.list_requests()] == [
        "REQ-2024-0001",
        "REQ-2026-0001",
        "REQ-2026-0002",
    ]
    [step] = models.request_trail("REQ-2026-0001")
    assert step.what == "received" and step.actor == "sam" and "2026-01-31" in step.note


def test_identifiers_matching_no_one_are_recorded_and_said(zoe):
    opened = models.open_request("access", ["nobody@example.com"], "sam")
    assert not opened.matched
    notes = [s.note for s in models.request_trail(opened.request.reference)]
    assert "its identifiers match no one yet" in notes


@pytest.mark.parametrize(
    "kind, identifiers, received, reference, said",
    [
        ("access", [EMAIL], date(2026, 6, 2), None, "in the future"),
        ("access", [EMAIL], date(1969, 12, 31), None, "before 1970"),
        ("refund", [EMAIL], None, None, "access or erasure"),
        ("access", ["not an identifier"], None, None, "not an id"),
        ("access", [EMAIL], None, "zoe-quist-request", "must not hold"),
        ("access", [EMAIL], None, "REQ 5550199", "must not hold"),
        ("access", [EMAIL], None, "", "1 to 100"),
    ],
)
def test_bad_requests_are_refused_and_change_nothing(
    zoe, kind, identifiers, received, reference, said
):
    before = rows()
    with pytest.raises(models.HushdeskError, match=said):
        models.open_request(kind, identifiers, "sam", received, reference)
    assert rows() == before


def test_a_reference_is_unique(zoe):
    models.open_request("access", [EMAIL], "sam", reference="ACC-7")
    with pytest.raises(models.Refused, match="exists already"):
        models.open_request("erasure", [EMAIL], "sam", reference="ACC-7")


def test_an_extension_must_be_told_within_the_first_month(zoe):
    ref = models.open_request(
        "access", [EMAIL], "sam", received=date(2026, 1, 31)
    ).request.reference
    before = rows()
    with pytest.raises(models.Refused, match="within the first month"):
        models.extend_request(ref, 1, "many archives", date(2026, 3, 1), "sam")
    with pytest.raises(models.Refused, match="within the first month"):
        models.extend_request(ref, 1, "many archives", date(2026, 1, 30), "sam")
    assert rows() == before
    done = models.extend_request(ref, 1, "many archives", date(2026, 2, 28), "sam")
    assert done.state == "extended" and done.due_on == date(2026, 3, 31)


def test_extensions_are_capped_at_two_months_in_all(zoe):
    ref = models.open_request(
        "erasure", [EMAIL], "sam", received=date(2026, 5, 20)
    ).request.reference
    with pytest.raises(models.InvalidInput, match="1 or 2 months"):
        models.extend_request(ref, 3, "many archives", date(2026, 5, 25), "sam")
    models.extend_request(ref, 1, "many archives", date(2026, 5, 25), "sam")
    before = rows()
    with pytest.raises(models.Refused, match="2 months in all"):
        models.extend_request(ref, 2, "still more", date(2026, 5, 26), "sam")
    assert rows() == before
    done = models.extend_request(ref, 1, "still more", date(2026, 5, 26), "sam")
    assert done.extended_months == 2 and done.due_on == date(2026, 8, 20)
    with pytest.raises(models.Refused, match="2 months in all"):
        models.extend_request(ref, 1, "again", date(2026, 5, 27), "sam")


def test_a_reason_may_not_name_the_person(zoe):
    ref = models.open_request("erasure", [EMAIL], "sam").request.reference
    for reason in ("Quist asked twice", f"see {EMAIL}", "call 415 555 0199"):
        with pytest.raises(models.InvalidInput, match="must not hold"):
            models.extend_request(ref, 1, reason, TODAY, "sam")


def test_an_unknown_or_ended_reference_is_refused(zoe):
    with pytest.raises(models.NotFound, match="no request"):
        models.get_request("REQ-1999-0001")
    ref = models.open_request("access", [EMAIL], "sam").request.reference
    models.refuse_request(ref, "identity not proven", "sam")
    with pytest.raises(models.Refused, match="has ended"):
        models.close_request(ref, "sam")


def test_an_erasure_through_its_request_closes_it_and_seals_the_identifiers(db, zoe, tmp_path):
    ref = models.open_request("erasure", [EMAIL, PHONE], "sam", received=date(2026, 5, 4))
    ref = ref.request.reference
    receipt_file = tmp_path / "receipt.json"
    code, out, err = cli(db, "erase", "--request", ref, "--receipt", str(receipt_file))
    assert code == 0, err
    assert f"Request {ref} is done" in out
    receipt = json.loads(receipt_file.read_text())
    assert receipt["request"] == ref and receipt["reference"] == ref
    request = models.get_request(ref)
    assert request.state == "done" and request.sealed
    assert all(i.startswith("hmac:") and len(i) == 69 for i in request.identifiers)
    assert models.request_names(ref, EMAIL.upper()) and models.request_names(ref, "4155550199")
    assert not models.request_names(ref, "other@example.org")
    trail = models.request_trail(ref)
    assert [s.what for s in trail] == ["received", "erased", "done", "verify-gone"]
    assert f"log entry #{receipt['log_entry']}" in trail[1].note
    assert trail[3].note.startswith("passed")
    assert left([EMAIL, "415.555.0199", "(415) 555-0199", "Zoe Quist"]) == []
    code, out, _ = cli(db, "request", "show", ref)
    assert code == 0 and "erased under reference" in out and "verify-gone" in out
    assert EMAIL not in out


def test_any_erasure_settles_the_requests_that_name_the_person(zoe):
    erasure = models.open_request("erasure", [PHONE], "sam").request.reference
    access = models.open_request("access", [EMAIL], "sam").request.reference
    other = models.open_request("access", ["oskar@example.net"], "sam").request.reference
    models.erase([EMAIL, PHONE], "TICKET-9", "sam")
    assert models.get_request(erasure).state == "done"
    assert models.get_request(access).state == "received" and models.get_request(access).sealed
    assert not models.get_request(other).sealed
    assert "TICKET-9" in models.request_trail(access)[-1].note
    assert left([EMAIL, "(415) 555-0199"]) == []


def test_an_export_through_its_request_closes_it(db, zoe, tmp_path):
    ref = models.open_request("access", [EMAIL], "sam").request.reference
    out = tmp_path / "zoe.json"
    code, said, err = cli(db, "export", "--request", ref, "--out", str(out))
    assert code == 0, err
    assert json.loads(out.read_text())["identifiers"] == [EMAIL]
    request = models.get_request(ref)
    assert request.state == "done" and request.sealed
    assert [s.what for s in models.request_trail(ref)] == ["received", "exported", "done"]
    with pytest.raises(models.Refused, match="has ended"):
        models.export_for_request(ref, tmp_path / "again.json", "sam")


def test_the_kind_must_fit(zoe, tmp_path):
    ref = models.open_request("access", [EMAIL], "sam").request.reference
    with pytest.raises(models.Refused, match="not erasure"):
        models.erase([], None, "sam", request=ref)
    assert models.get_request(ref).state == "received"


def test_a_request_from_a_conversation_takes_its_contact_and_the_day_it_asked(db):
    asked_at = datetime(2026, 5, 10, 9, 0, tzinfo=UTC)
    cid = conversation(body="Hello. Please delete all you hold about me.", at=asked_at)
    opened = models.open_request("erasure", [], "sam", conversation=cid)
    r = opened.request
    assert opened.matched and r.conversation == cid
    assert r.identifiers == ["ada@example.com", "+1 (555) 014-2000"]
    assert r.received_on == date(2026, 5, 10) and r.due_on == date(2026, 6, 10)
    with pytest.raises(models.NotFound, match="no conversation"):
        models.open_request("erasure", [], "sam", conversation=cid + 1000)


def test_ls_filters_and_sweep_prints_what_is_due(db, zoe):
    models.open_request("erasure", [EMAIL], "sam", received=date(2026, 4, 20), reference="LATE-1")
    models.open_request("access", [EMAIL], "sam", received=date(2026, 5, 5), reference="SOON-1")
    models.open_request("access", [EMAIL], "sam", received=date(2026, 5, 30), reference="LATER-1")
    assert [r.reference for r in models.list_requests(overdue=True)] == ["LATE-1"]
    assert [r.reference for r in models.list_requests(due_within=7)] == ["LATE-1", "SOON-1"]
    code, out, _ = cli(db, "request", "ls", "--due", "7d")
    assert code == 0 and "LATE-1" in out and "SOON-1" in out and "LATER-1" not in out
    assert "overdue by 12 days" in out and "4 days left" in out
    code, out, _ = cli(db, "request", "ls", "--json")
    assert [json.loads(line)["reference"] for line in out.splitlines()] == [
        "LATE-1",
        "SOON-1",
        "LATER-1",
    ]
    code, out, _ = cli(db, "sweep")
    assert code == 0
    assert "Request LATE-1 (erasure): due 2026-05-20, overdue by 12 days." in out
    assert "Request SOON-1 (access): due 2026-06-05, 4 days left." in out
    assert "LATER-1" not in out


def test_agents_opening_requests_at_once_get_a_number_each(zoe):
    """Two agents count the year's references in transactions of their own, at once."""
    import threading

    start, made, failed = threading.Barrier(4), [], []

    def agent() -> None:
        start.wait()
        for _ in range(5):
            try:
                with models.connection():
                    made.append(models.open_request("access", [EMAIL], "sam").request.reference)
            except models.HushdeskError as error:
                failed.append(str(error))

    agents = [threading.Thread(target=agent) for _ in range(4)]
    for thread in agents:
        thread.start()
    for thread in agents:
        thread.join()
    assert failed == []
    assert sorted(made) == [f"REQ-2026-{n:04d}" for n in range(1, 21)]


def test_show_check_says_whether_a_sealed_request_named_an_identifier(db, zoe):
    ref = models.open_request("access", [EMAIL, PHONE], "sam").request.reference
    models.close_request(ref, "sam")
    assert cli(db, "request", "show", ref, "--check", "Zoe.Quist@example.org")[:2] == (
        0,
        f"Request {ref} named it.\n",
    )
    assert cli(db, "request", "show", ref, "--check", "+14155550199")[1].endswith("named it.\n")
    assert cli(db, "request", "show", ref, "--check", "other@example.org")[:2] == (
        0,
        f"Request {ref} did not name it.\n",
    )
