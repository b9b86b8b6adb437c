"""Doing a request closes it: the erasure or the export is recorded against it.

An erasure made through its request (`erase(..., request=REF)`) writes the
request's trail inside its own transaction (the receipt's reference, its log
entry and counts), ends it and seals its identifiers, so the trail always
matches what was erased; verify-gone's result is added once it is known. Any
erasure, through a request or not, also settles every other open request that
names the person: an erasure request is done by it, an access request is
sealed (the data it asked for is gone) and left for the agent to answer. So no
request keeps the identifiers of a person who was erased. An export made
through its request is written, then recorded, and the request ends.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from ... import settings
from ...store import outcome
from ...store.errors import HushdeskError, InvalidInput, Refused
from ...store.guard import guarded
from .. import erasure
from ..access import ExportSummary, export_counts, export_person, person_document
from ..erasure import ErasurePlan, Progress, Receipt
from ..identifiers import Identifier, parse
from ..people import Person, find_person
from .records import DONE, OPEN_STATES, end, open_row, seal, step
from .tables import PrivacyRequest


def _theirs(row: PrivacyRequest, kind: str, texts: Sequence[str]) -> list[str]:
    if str(row.kind) != kind:
        raise Refused(f"request {row.reference} is an {row.kind} request, not {kind}")
    return list(texts) or list(json.loads(str(row.identifiers)))


@guarded
def erase(
    texts: Sequence[str],
    reference: str | None,
    actor: str,
    keep_held: bool = False,
    progress: Progress | None = None,
    receipt: str | Path | None = None,
    same_person: bool = False,
    request: str | None = None,
) -> Receipt:
    """Erase the person (`erasure.erase`), settling the requests that name them; through
    `request`, that request is done by it (its identifiers and reference by default)."""
    named = ""
    if request is not None:
        row = open_row(request)
        texts = _theirs(row, "erasure", texts)
        reference = reference or str(row.reference)
        named = str(row.reference)
    if not reference:
        raise InvalidInput("give the request's reference")
    if not texts:
        raise InvalidInput("name the person: a contact id, an email or a phone number")

    def within(plan: ErasurePlan, done: Receipt) -> None:
        _settle(plan.person, done, actor)

    done = erasure.erase(
        texts, reference, actor, keep_held, progress, receipt, same_person, named, within
    )
    if named:
        _proven(named, done, actor)
    return done


def _settle(person: Person, done: Receipt, actor: str) -> None:
    """Every open request naming the person, inside the erasure's transaction."""
    c = done.counts
    said = (
        f"erased under reference {done.reference} (log entry #{done.log_entry}, chain head "
        f"{done.chain_head[:16]}): {c.contacts} contacts, {c.conversations} conversations, "
        f"{c.messages} messages, {c.redactions} redactions, {len(done.retained)} retained"
    )
    theirs = _forms(person)
    for row in PrivacyRequest.select().where(
        PrivacyRequest.state.in_(OPEN_STATES), ~PrivacyRequest.sealed
    ):
        if str(row.reference) != done.request and not _names(row, theirs):
            continue
        if str(row.kind) == "erasure":
            step(row, "erased", said, actor)
            end(row, DONE, "done by the erasure; identifiers sealed", actor)
        else:
            seal(row)
            step(row, "note", f"the person was {said}; identifiers sealed", actor)


def _forms(person: Person) -> set[tuple[str, str]]:
    """The person as identifiers are compared: their ids, emails and numbers."""
    found = {(i.kind, i.value) for i in person.identifiers}
    for contact in person.contacts:
        found.add(("id", str(contact.id)))
        found |= {("email", contact.email.lower())} if contact.email else set()
        found |= {("phone", contact.number)} if contact.number else set()
    return found


def _names(row: PrivacyRequest, theirs: set[tuple[str, str]]) -> bool:
    region = settings.region()
    for text in json.loads(str(row.identifiers)):
        try:
            parsed = parse(text, region)
        except HushdeskError:
            continue
        if isinstance(parsed, Identifier) and (parsed.kind, parsed.value) in theirs:
            return True
    return False


def _proven(reference: str, done: Receipt, actor: str) -> None:
    """verify-gone's result on the trail; the erasure stands whatever happens here."""
    proof = done.proof
    verdict = "passed" if proof.passed else "not yet made" if not proof.made else "did not pass"
    try:
        with outcome.transaction():
            row = PrivacyRequest.get(PrivacyRequest.reference == reference)
            step(row, "verify-gone", f"{verdict}: {proof.note}", actor)
    except HushdeskError:
        pass  # the trail lacks the proof's words; the receipt holds them


def planned(reference: str, kind: str, texts: Sequence[str]) -> tuple[list[str], str]:
    """The identifiers and reference an operation through the open request `reference`
    works with: those given, else the request's own (refused for the other kind)."""
    row = open_row(reference)
    return _theirs(row, kind, texts), str(row.reference)


@guarded
def export_for_request(
    reference: str, out: str | Path, actor: str, texts: Sequence[str] = ()
) -> ExportSummary:
    """Write the access request's export (`access.export_person`), then end the request and
    seal its identifiers. The file is written first: a failure to record it is said, and
    the request stays open to record again."""
    texts, _ = planned(reference, "access", texts)
    summary = export_person(texts, out)
    counts = (summary.contacts, summary.conversations, summary.messages, summary.mentions)
    _exported(reference, "export written", counts, actor)
    return summary


@guarded
def document_for_request(
    reference: str, actor: str, texts: Sequence[str] = ()
) -> dict[str, object]:
    """The access request's export document (as `export_for_request` writes it), with the
    request recorded as answered, ended and its identifiers sealed."""
    texts, _ = planned(reference, "access", texts)
    person = find_person(texts)
    document = person_document(person)
    _exported(reference, "export answered", export_counts(person), actor)
    return document


def _exported(reference: str, how: str, counts: tuple[int, int, int, int], actor: str) -> None:
    """The export on the request's trail, and the request ended (its own transaction)."""
    contacts, conversations, messages, mentions = counts
    with outcome.transaction():
        row = open_row(reference)
        step(
            row,
            "exported",
            f"{how}: {contacts} contacts, {conversations} conversations, "
            f"{messages} messages, {mentions} mentions",
            actor,
        )
        end(row, DONE, f"{how}; identifiers sealed", actor)
