"""Access and erasure requests as the API answers them: a document, a receipt, a preview."""

from __future__ import annotations

from collections.abc import Sequence

from ..privacy.access import person_document
from ..privacy.erasure import check_reference, plan_erasure
from ..privacy.people import find_person
from ..store.guard import guarded


@guarded
def access_document(identifiers: Sequence[str]) -> dict[str, object]:
    """Everything held about the person, as the access export's JSON document."""
    return person_document(find_person(identifiers))


@guarded
def erasure_preview(
    identifiers: Sequence[str], reference: str, keep_held: bool = False
) -> dict[str, object]:
    """What an erasure would do, in counts and ids only (the dry run's answer over HTTP):
    the same refusals as the erasure itself, and nothing changed."""
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
