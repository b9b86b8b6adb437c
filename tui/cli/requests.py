"""Access and erasure requests from the command line: person, export, erase, redact.

An erasure prints what it did, with no personal data but the request's
reference; `--dry-run` prints what it would do, every redaction with its line
(the agent's own terminal may see the person's data: that is the point of
looking first). Once an erasure has committed, nothing makes it exit 1: a
receipt that cannot be named, or output that cannot be written, is said, and
the exit is 0, or 3 while something is pending.
"""

from __future__ import annotations

import argparse
import json
import sys

import models

from ..text import plural, safe
from ..wording import cleanup_note
from .commands import EXIT_PENDING, finished
from .output import table


def cmd_person(args: argparse.Namespace) -> None:
    person = models.find_person(args.identifiers)
    if args.json:
        print(json.dumps(models.person_document(person, for_agent=True), ensure_ascii=False))
        return
    _warnings(person)
    print(f"{plural(len(person.contacts), 'contact')}:")
    _contacts(person.contacts)
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
    if person.written:
        print(f"\n{plural(len(person.written), 'message')} they wrote in others' conversations:")
        table(
            ("conversation", "message", "contact", "held"),
            [(w.conversation, w.message, w.contact_id, w.held) for w in person.written],
            (12, 10, 10, 4),
        )
    _mentions(person)
    if person.uncertain:
        print("\nCannot tell (a number that cannot be placed, ending like theirs):")
        _contacts(person.uncertain)


def _contacts(contacts: list[models.ContactInfo]) -> None:
    table(
        ("id", "name", "email", "phone", "number", "attributes", "conversations"),
        [
            (
                c.id,
                c.name,
                c.email,
                c.phone,
                c.number or "cannot tell",
                len(c.attributes),
                c.conversations,
            )
            for c in contacts
        ],
        (10, 30, 40, 20, 16, 10, 13),
    )


def _mentions(person: models.Person) -> None:
    sure = [m for m in person.mentions if m.sure]
    print(f"\n{plural(len(sure), 'mention')} in other people's conversations:")
    table(
        ("conversation", "where", "identifier", "line"),
        [(m.conversation, _where(m), m.identifier, m.line) for m in sure],
        (12, 16, 10, 70),
    )
    unsure = [m for m in person.mentions if not m.sure]
    if unsure:
        print(
            f"\n{plural(len(unsure), 'possible mention')} left to you (never redacted by erase):"
        )
        table(
            ("conversation", "where", "why", "line"),
            [(m.conversation, _where(m), m.why, m.line) for m in unsure],
            (12, 16, 34, 60),
        )


def _warnings(person: models.Person) -> None:
    for warning in person.warnings:
        print(f"Check: {safe(warning, 300)}.")


def _where(mention: models.Mention) -> str:
    return "subject" if mention.message is None else f"message {mention.message}"


def cmd_export(args: argparse.Namespace) -> None:
    if args.request:
        summary = models.export_for_request(args.request, args.out, args.agent, args.identifiers)
    else:
        summary = models.export_person(args.identifiers, args.out)
    print(
        f"Wrote {safe(summary.path)}: {plural(summary.contacts, 'contact')}, "
        f"{plural(summary.conversations, 'conversation')} with "
        f"{plural(summary.messages, 'message')}, {plural(summary.mentions, 'mention')} elsewhere."
    )


def cmd_erase(args: argparse.Namespace) -> int:
    if args.dry_run:
        plan = models.plan_erasure(_named(args), keep_held=True)
        _print_plan(plan)
        if plan.retained and not args.keep_held:
            print(
                "Without --keep-held this erasure is refused: a legal hold wins over erasure. "
                "With it, the conversations on hold are kept whole."
            )
        return 0
    receipt = models.erase(
        args.identifiers,
        args.reference,
        args.agent,
        args.keep_held,
        receipt=args.receipt,
        same_person=args.same_person,
        request=args.request,
    )
    code = 0 if receipt.proof.passed and receipt.cleanup.done else EXIT_PENDING
    _emit(_receipt_lines(receipt, args.receipt), receipt)
    return code


def _named(args: argparse.Namespace) -> list[str]:
    """The identifiers given, else those of the open request named by --request."""
    if args.identifiers or not args.request:
        return list(args.identifiers)
    request = models.get_request(args.request)
    if not request.open:
        raise models.Refused(f"request {safe(request.reference)} has ended ({request.state})")
    return request.identifiers


def _emit(lines: list[str], receipt: models.Receipt) -> None:
    """Print what a committed erasure did; output that cannot be written is said on stderr."""
    try:
        sys.stdout.write("\n".join(lines) + "\n")
        sys.stdout.flush()
    except OSError as error:
        where = f"log entry #{receipt.log_entry}"
        print(
            f"hushdesk: erased under reference {safe(receipt.reference)} ({where}); its summary "
            f"could not be printed: {safe(error.strerror or error)}",
            file=sys.stderr,
        )
        _drain_stdout()


def _drain_stdout() -> None:
    """Point stdout at /dev/null, so what is still buffered for it cannot fail the exit."""
    import os

    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def _receipt_lines(receipt: models.Receipt, path: str | None) -> list[str]:
    c = receipt.counts
    lines = [
        f"Erased under reference {safe(receipt.reference)}: {plural(c.contacts, 'contact')}, "
        f"{plural(c.attributes, 'attribute')}, {plural(c.conversations, 'conversation')} "
        f"({plural(c.messages, 'message')}), {plural(c.messages_elsewhere, 'message')} in "
        f"others' conversations, {plural(c.redactions, 'redaction')}."
    ]
    if receipt.confirmed_late:
        lines.append("The connection was lost while it committed; the database confirms it did.")
    if receipt.retained:
        kept = ", ".join(f"#{r['conversation']}" for r in receipt.retained)
        lines.append(f'Retained on legal hold (their contact now shows "Someone"): {kept}')
    lines += _proof_lines(receipt.proof)
    if not receipt.cleanup.done:
        lines.append(cleanup_note(receipt.cleanup))
    lines.append(f"Log entry #{receipt.log_entry}; chain head {receipt.chain_head}.")
    if receipt.request:
        lines.append(f"Request {safe(receipt.request)} is done; its identifiers are sealed.")
    if path is not None and receipt.receipt_problem:
        lines.append(
            f"Erased; the receipt could not be written to {safe(path)} because "
            f"{safe(receipt.receipt_problem)}. The receipt:"
        )
        lines.append(models.receipt_json(receipt).rstrip("\n"))
    elif path is not None:
        lines.append(f"Receipt: {safe(path)}")
    return lines


def _proof_lines(proof: models.Proof) -> list[str]:
    if not proof.made:
        return [f"verify-gone not yet run: {safe(proof.note)}."]
    verdict = "passed" if proof.passed else "did not pass"
    lines = [f"verify-gone {verdict}: {safe(proof.note)}."]
    for kind, why in proof.not_checked:
        lines.append(f"  not checked: {kind}, because {why}")
    return lines


def _print_plan(plan: models.ErasurePlan) -> None:
    person = plan.person
    print("Dry run: nothing is changed.")
    _warnings(person)
    print(f"Would delete {plural(len(person.contacts), 'contact')}:")
    for contact in person.contacts:
        attributes = plural(len(contact.attributes), "attribute")
        print(f"  #{contact.id} {safe(contact.shown)} ({attributes})")
    print(
        f"Would delete {plural(len(plan.conversations), 'conversation')} "
        f"({plural(plan.messages, 'message')}): {_ids(plan.conversations)}"
    )
    if plan.written:
        where = sorted({w.conversation for w in person.written if not w.held})
        print(
            f"Would delete {plural(len(plan.written), 'message')} they wrote in others' "
            f"conversations: {_ids(where)}"
        )
    print(f"Would redact {plural(len(plan.redactions), 'mention')} in other conversations:")
    for mention in plan.redactions:
        print(
            f"  #{mention.conversation} {_where(mention)}: {mention.identifier}: {_line(mention)}"
        )
    if plan.left:
        print(f"Would leave {plural(len(plan.left), 'possible mention')} to you:")
        for mention in plan.left:
            print(f"  #{mention.conversation} {_where(mention)}: {mention.why}: {_line(mention)}")
    held = sorted(
        {*plan.retained, *(m.conversation for m in plan.retained_mentions)}
        | {w.conversation for w in person.written if w.held}
    )
    if held:
        print(f"Would retain, on legal hold: {_ids(held)}")


def _line(mention: models.Mention) -> str:
    """The mention's line, the identifier between »«, made safe for the terminal."""
    line = mention.line
    return (
        f"{safe(line[: mention.start])}»{safe(line[mention.start : mention.end])}«"
        f"{safe(line[mention.end :])}"
    )


def _ids(ids: list[int]) -> str:
    shown = ", ".join(f"#{i}" for i in ids[:20])
    return shown + (f" and {len(ids) - 20:,} more" if len(ids) > 20 else "") if ids else "none"


def cmd_redact(args: argparse.Namespace) -> int:
    conversation = models.check_ids([args.conversation])[0]
    count, cleanup = models.redact(conversation, args.texts, args.agent)
    print(f"Redacted {plural(count, 'occurrence')} in conversation #{conversation}.")
    return finished(cleanup)
