"""`hushdesk intake add|ls|rm` (the mail sources) and `hushdesk fetch` (once, for cron).

Arguments and commands of live intake together, so the shared table gains two
lines. Nothing printed holds a password: a source is shown by its URL (which
never holds one) and its password file's path.
"""

from __future__ import annotations

import argparse
import sys

import models

from ..text import plural, safe
from .checks import value
from .output import json_lines, table


def intake_arguments(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a mail source")
    add.add_argument("name", metavar="NAME", type=value)
    add.add_argument(
        "url",
        metavar="URL",
        type=value,
        help="imaps://user@host[:port]/MAILBOX, imap://... (STARTTLS) or maildir:/path",
    )
    add.add_argument("--password-file", default="", help="a file whose first line is the password")
    add.add_argument("--ca-file", default="", help="a CA certificate to trust (PEM)")
    add.add_argument(
        "--after-intake",
        nargs="+",
        default=["move"],
        metavar="ACTION",
        help="keep, seen, move [FOLDER] (default: move hushdesk/done) or delete",
    )
    ls = actions.add_parser("ls", help="the sources, their last and next fetch, their last error")
    ls.add_argument("--json", action="store_true")
    rm = actions.add_parser("rm", help="remove a source (the mail it brought stays)")
    rm.add_argument("name", metavar="NAME", type=value)


def fetch_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="?", metavar="NAME", help="one source (else every source)")


def cmd_intake(args: argparse.Namespace) -> int:
    if args.action == "add":
        after = args.after_intake
        if len(after) > 2 or (len(after) == 2 and after[0] != "move"):
            raise models.InvalidInput("--after-intake is keep, seen, move [FOLDER] or delete")
        source = models.add_source(
            args.name,
            args.url,
            password_file=args.password_file,
            ca_file=args.ca_file,
            after=after[0],
            folder=after[1] if len(after) == 2 else "",
        )
        print(f"Added {safe(source.name)}: {safe(source.where.shown())} ({_after(source)}).")
        return 0
    if args.action == "rm":
        models.remove_source(args.name)
        print(f"Removed {safe(args.name)}; the mail it brought stays.")
        return 0
    sources = models.list_sources()
    if args.json:
        json_lines([_document(s) for s in sources])
        return 0
    table(
        ("name", "source", "after intake", "taken", "last fetch", "next fetch", "last error"),
        [
            (
                s.name,
                s.where.shown(),
                _after(s),
                s.taken,
                s.last_fetch,
                s.next_fetch,
                s.last_error or "-",
            )
            for s in sources
        ],
        (20, 60, 24, 8, 16, 16, 120),
    )
    return 0


def _after(source: models.Source) -> str:
    return f"move to {source.folder}" if source.after == "move" else source.after


def _document(source: models.Source) -> dict[str, object]:
    return {
        "name": source.name,
        "url": source.where.shown(),
        "password_file": source.password_file,
        "ca_file": source.ca_file,
        "after_intake": source.after,
        "folder": source.folder,
        "taken": source.taken,
        "last_fetch": source.last_fetch,
        "next_fetch": source.next_fetch,
        "last_error": source.last_error,
    }


def cmd_fetch(args: argparse.Namespace) -> int:
    results = models.fetch(args.name)
    if not results:
        print("No mail source (add one with hushdesk intake add).")
    for r in results:
        if r.read or not r.error:
            print(
                f"{safe(r.name)}: read {plural(r.read, 'message')}: {r.messages:,} imported "
                f"({plural(r.conversations, 'new conversation')}, {r.joined:,} joined earlier "
                f"ones), {plural(r.duplicates, 'duplicate')}, {r.gone:,} deleted before, "
                f"{len(r.skipped):,} skipped."
            )
        if r.purged:
            print(f"{safe(r.name)}: deleted {_copies(r.purged)} of deleted mail.")
        if r.kept:
            print(
                f"{safe(r.name)}: {_copies(r.kept)} of deleted mail could not be "
                "found (the server did not say where it moved them): delete them there."
            )
        for skipped in r.skipped[:5]:
            print(f"  skipped {safe(skipped, 160)}")
        if r.error:
            print(f"hushdesk: {safe(r.name)}: {safe(r.error, 300)}", file=sys.stderr)
    return 1 if any(r.error for r in results) else 0


def _copies(count: int) -> str:
    return f"{count:,} server {'copy' if count == 1 else 'copies'}"
