"""Access and erasure requests as the API answers them: a document, a receipt, a preview,
and the requests' records with their trails."""

from __future__ import annotations

from collections.abc import Sequence

from ..privacy.access import person_document
from ..privacy.erasure import check_reference, plan_erasure
from ..privacy.people import find_person
from ..privacy.tracking.doing import document_for_request, planned
from ..privacy.tracking.records import (
    MAX_IDENTIFIERS,
    Opened,
    RequestInfo,
    TrailStep,
    get_request,
    open_request,
    parse_day,
    request_trail,
)
from ..store.errors import InvalidInput, NotFound
from ..store.guard import guarded

MAX_ID = 2**63 - 1


@guarded
def access_document(
    identifiers: Sequence[str], request: str | None = None, actor: str = ""
) -> dict[str, object]:
    """Everything held about the person, as the access export's JSON document; through
    `request` (its identifiers unless others are given), that request is answered and ends."""
    if request is not None:
        return document_for_request(request, actor, identifiers)
    if not identifiers:
        raise InvalidInput("name the person, or give the request")
    return person_document(find_person(identifiers))


@guarded
def erasure_preview(
    identifiers: Sequence[str],
    reference: str | None,
    keep_held: bool = False,
    request: str | None = None,
) -> dict[str, object]:
    """What an erasure would do, in counts and ids only (the dry run's answer over HTTP):
    the same refusals as the erasure itself, and nothing changed."""
    if request is not None:
        identifiers, named = planned(request, "erasure", identifiers)
        reference = reference or named
    if not reference:
        raise InvalidInput("give the request's reference")
    if not identifiers:
        raise InvalidInput("name the person: a contact id, an email or a phone number")
    plan = plan_erasure(identifiers, keep_held)
    check_reference(reference, plan.person)
    return {
        "dry_run": True,
        "reference": reference.strip(),
        "counts": {
            "contacts": len(plan.person.contacts),
            "attributes": plan.attributes,
            "conversations": len(plan.conversations),
            "messages": plan.messages,
            "messages_elsewhere": len(plan.written),
            "redactions": len(plan.redactions),
        },
        "contacts": plan.person.contact_ids,
        "conversations": plan.conversations,
        "retained": [{"conversation": cid, "reason": "legal hold"} for cid in plan.retained],
        "possible_mentions": len(plan.left),
    }


@guarded
def open_for_api(
    kind: str,
    identifiers: Sequence[str],
    actor: str,
    received: str | None = None,
    reference: str | None = None,
    conversation: int | None = None,
) -> Opened:
    """`open_request` with its day as text (YYYY-MM-DD); the person named, or the
    conversation they asked in."""
    if not identifiers and conversation is None:
        raise InvalidInput("name the person, or give the conversation they asked in")
    if len(identifiers) > MAX_IDENTIFIERS:
        raise InvalidInput(f"a request names at most {MAX_IDENTIFIERS} identifiers")
    if conversation is not None and not 0 < conversation <= MAX_ID:
        raise NotFound(f"no conversation #{conversation}")
    day = parse_day(received, "received date") if received is not None else None
    return open_request(kind, identifiers, actor, day, reference, conversation)


@guarded
def request_with_trail(reference: str) -> tuple[RequestInfo, list[TrailStep]]:
    """One request and every step of its trail, oldest first."""
    return get_request(reference), request_trail(reference)
