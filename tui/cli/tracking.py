"""`hushdesk request`: access and erasure requests as records, against their legal clock.

Each action calls one operation of `models` and prints its outcome; what is
due is said in the same words as the app's (`tui.wording.due_words`).
"""

from __future__ import annotations

import argparse
import json

import models

from ..text import plural, safe
from ..wording import due_words
from .output import json_lines, table


def cmd_request(args: argparse.Namespace) -> int:
    action = args.action
    if action == "open":
        return _open(args)
    if action == "ls":
        return _list(args)
    if action == "show":
        return _show(args)
    if action == "extend":
        told = models.parse_day(args.told, "date the requester was told")
        done = models.extend_request(args.reference, args.months, args.reason, told, args.agent)
        print(f"Extended {safe(done.reference)}: due {done.due_on}, {due_words(done)}.")
        return 0
    change = {
        "wait": lambda: models.wait_for_identity(args.reference, args.agent),
        "close": lambda: models.close_request(args.reference, args.agent),
        "refuse": lambda: models.refuse_request(args.reference, args.reason, args.agent),
    }[action]()
    sealed = " Its identifiers are now kept only as keyed hashes." if change.sealed else ""
    print(f"Request {safe(change.reference)}: {change.state}.{sealed}")
    return 0


def _open(args: argparse.Namespace) -> int:
    received = models.parse_day(args.received, "received date") if args.received else None
    opened = models.open_request(
        args.kind,
        args.identifiers,
        args.agent,
        received,
        args.reference,
        args.from_conversation,
    )
    r = opened.request
    print(
        f"Opened {r.kind} request {safe(r.reference)}: received {r.received_on}, "
        f"due {r.due_on} ({due_words(r)})."
    )
    if not opened.matched:
        print("Its identifiers match no one yet; it is recorded all the same.")
    return 0


def _list(args: argparse.Namespace) -> int:
    found = models.list_requests(args.due, args.overdue, args.all)
    if args.json:
        json_lines([_document(r) for r in found])
        return 0
    table(
        ("reference", "type", "received", "due", "days left", "state"),
        [(r.reference, r.kind, r.received_on, r.due_on, due_words(r), r.state) for r in found],
        (24, 8, 10, 10, 22, 22),
    )
    return 0


def _document(r: models.RequestInfo) -> dict[str, object]:
    return {
        "reference": r.reference,
        "kind": r.kind,
        "state": r.state,
        "received": r.received_on.isoformat(),
        "due": r.due_on.isoformat(),
        "extended_months": r.extended_months,
        "days_left": r.days_left,
        "standing": r.standing,
        "identifiers": r.identifiers,
        "sealed": r.sealed,
        "conversation": r.conversation,
    }


def _show(args: argparse.Namespace) -> int:
    r = models.get_request(args.reference)
    if args.check:
        named = models.request_names(args.reference, args.check)
        print(f"Request {safe(r.reference)} {'named' if named else 'did not name'} it.")
        return 0
    trail = models.request_trail(args.reference)
    if args.json:
        steps = [{"at": s.at.isoformat(), "what": s.what, "note": s.note} for s in trail]
        print(json.dumps({**_document(r), "trail": steps}, ensure_ascii=False))
        return 0
    print(f"{r.kind.capitalize()} request {safe(r.reference)}: {r.state}")
    print(f"  received {r.received_on}, due {r.due_on} ({due_words(r)})")
    if r.extended_months:
        print(f"  extended by {plural(r.extended_months, 'month')}")
    kept = "keyed hashes (sealed)" if r.sealed else "as given"
    print(f"  identifiers, {kept}: {', '.join(safe(i, 80) for i in r.identifiers)}")
    if r.conversation is not None:
        print(f"  asked in conversation #{r.conversation}")
    print("Trail:")
    table(
        ("when (UTC)", "what", "who", "note"),
        [(s.at, s.what, s.actor, s.note) for s in trail],
        (16, 12, 20, 200),
    )
    return 0


def due_lines() -> list[str]:
    """The open requests overdue or due soon, one line each (for `hushdesk sweep`). The
    sweep has done its work by then: a failure to read them is a line, never its exit."""
    try:
        due = models.due_requests()
    except models.HushdeskError as error:
        return [f"The requests due could not be read: {safe(error, 300)}."]
    return [
        f"Request {safe(r.reference)} ({r.kind}): due {r.due_on}, {due_words(r)}." for r in due
    ]
