"""Access and erasure requests from the command line: person, export, erase, redact.

An erasure prints what it did, with no personal data but the request's
reference; `--dry-run` prints what it would do (the agent's own terminal may
see the person's data: that is the point of looking first).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import models

from ..text import plural, safe
from .commands import EXIT_PENDING, finished
from .output import table


def cmd_person(args: argparse.Namespace) -> None:
    person = models.find_person(args.identifiers)
    if args.json:
        print(json.dumps(person_json(person), ensure_ascii=False))
        return
    print(f"{plural(len(person.contacts), 'contact')}:")
    table(
        ("id", "name", "email", "phone", "attributes", "conversations"),
        [
            (c.id, c.name, c.email, c.phone, len(c.attributes), c.conversations)
            for c in person.contacts
        ],
        (10, 30, 40, 20, 10, 13),
    )
    attributes = [(c.id, a.key, a.value, a.source) for c in person.contacts for a in c.attributes]
    if attributes:
        print(f"\n{plural(len(attributes), 'attribute')}:")
        table(("contact", "key", "value", "source"), attributes, (10, 30, 50, 6))
    print(f"\n{plural(len(person.conversations), 'conversation')}:")
    table(
        ("id", "contact", "channel", "status", "held", "subject"),
        [
            (c.id, c.contact_id, c.channel, c.status, c.held, c.subject)
            for c in person.conversations
        ],
        (10, 10, 12, 8, 4, 50),
    )
    print(f"\n{plural(len(person.mentions), 'mention')} in other people's conversations:")
    table(
        ("conversation", "where", "identifier", "line"),
        [(m.conversation, _where(m), m.identifier, m.line) for m in person.mentions],
        (12, 16, 10, 70),
    )


def _where(mention: models.Mention) -> str:
    return "subject" if mention.message is None else f"message {mention.message}"


def person_json(person: models.Person) -> dict[str, object]:
    return {
        "contacts": [
            {"id": c.id, "name": c.name, "email": c.email, "phone": c.phone}
            for c in person.contacts
        ],
        "attributes": [
            {"contact": c.id, "key": a.key, "value": a.value, "source": a.source}
            for c in person.contacts
            for a in c.attributes
        ],
        "conversations": [
            {
                "id": c.id,
                "contact": c.contact_id,
                "channel": c.channel,
                "status": c.status,
                "held": c.held,
                "subject": c.subject,
            }
            for c in person.conversations
        ],
        "mentions": [
            {
                "conversation": m.conversation,
                "message": m.message,
                "field": m.field,
                "identifier": m.identifier,
            }
            for m in person.mentions
        ],
    }


def cmd_export(args: argparse.Namespace) -> None:
    summary = models.export_person(args.identifiers, args.out)
    print(
        f"Wrote {safe(summary.path)}: {plural(summary.contacts, 'contact')}, "
        f"{plural(summary.conversations, 'conversation')} with "
        f"{plural(summary.messages, 'message')}, {plural(summary.mentions, 'mention')} elsewhere."
    )


def cmd_erase(args: argparse.Namespace) -> int:
    if args.receipt is not None:
        _check_new_file(args.receipt)
    if args.dry_run:
        plan = models.plan_erasure(args.identifiers, keep_held=True)
        _print_plan(plan)
        if plan.retained and not args.keep_held:
            print(
                "Without --keep-held this erasure is refused: a legal hold wins over erasure. "
                "With it, the conversations on hold are kept whole."
            )
        return 0
    receipt = models.erase(args.identifiers, args.reference, args.agent, args.keep_held)
    _print_receipt(receipt)
    if args.receipt is not None:
        data = json.dumps(models.receipt_dict(receipt), indent=2) + "\n"
        models.write_new(args.receipt, data)
        print(f"Receipt: {safe(args.receipt)}")
    if not receipt.cleanup.done:
        return finished(receipt.cleanup)
    return 0 if receipt.verify_gone or receipt.retained else EXIT_PENDING


def _check_new_file(path: str) -> None:
    target = Path(path)
    if target.exists():
        raise models.Refused(
            f"{target} exists: hushdesk never overwrites a file; nothing was erased"
        )
    if not target.parent.is_dir():
        raise models.InvalidInput(f"{target.parent} is not a folder; nothing was erased")


def _print_plan(plan: models.ErasurePlan) -> None:
    person = plan.person
    print("Dry run: nothing is changed.")
    print(f"Would delete {plural(len(person.contacts), 'contact')}:")
    for contact in person.contacts:
        attributes = plural(len(contact.attributes), "attribute")
        print(f"  #{contact.id} {safe(contact.shown)} ({attributes})")
    print(
        f"Would delete {plural(len(plan.conversations), 'conversation')} "
        f"({plural(plan.messages, 'message')}): {_ids(plan.conversations)}"
    )
    print(f"Would redact {plural(len(plan.redactions), 'mention')} in other conversations:")
    for mention in plan.redactions:
        print(f"  #{mention.conversation} {_where(mention)}: {mention.identifier}")
    if plan.retained or plan.retained_mentions:
        held = sorted({*plan.retained, *(m.conversation for m in plan.retained_mentions)})
        print(f"Would retain, on legal hold: {_ids(held)}")


def _ids(ids: list[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:20])
    return shown + (f" and {len(ids) - 20:,} more" if len(ids) > 20 else "") if ids else "none"


def _print_receipt(receipt: models.Receipt) -> None:
    c = receipt.counts
    print(
        f"Erased under reference {safe(receipt.reference)}: {plural(c.contacts, 'contact')}, "
        f"{plural(c.attributes, 'attribute')}, {plural(c.conversations, 'conversation')} "
        f"({plural(c.messages, 'message')}), {plural(c.redactions, 'redaction')}."
    )
    if receipt.retained:
        kept = ", ".join(f"#{r['conversation']}" for r in receipt.retained)
        print(f'Retained on legal hold (their contact now shows "Someone"): {kept}')
    verdict = "passed" if receipt.verify_gone else "did not pass"
    print(f"verify-gone {verdict}: {safe(receipt.verify_note)}.")
    print(f"Log entry #{receipt.log_entry}; chain head {receipt.chain_head}.")


def cmd_redact(args: argparse.Namespace) -> int:
    conversation = models.check_ids([args.conversation])[0]
    count, cleanup = models.redact(conversation, args.texts, args.agent)
    print(f"Redacted {plural(count, 'occurrence')} in conversation #{conversation}.")
    return finished(cleanup)
