"""The command line's sub-commands: each one calls `models` and prints the outcome."""

from __future__ import annotations

import argparse
import dataclasses
import sys

import models
from models import demo, forensics, importer

from .output import json_lines, safe, table
from .wording import social_notice


def cmd_demo(args: argparse.Namespace) -> None:
    result = demo.generate(args.conversations, args.seed)
    print(
        f"Added {result.conversations:,} conversations ({result.messages:,} messages) "
        f"and {result.contacts:,} contacts."
    )


def cmd_import(args: argparse.Namespace) -> None:
    result = importer.import_path(args.file)
    print(
        f"Imported {result.contacts:,} contacts, {result.conversations:,} conversations "
        f"and {result.messages:,} messages."
    )


def cmd_search(args: argparse.Namespace) -> None:
    search = models.ConversationSearch(" ".join(args.query))
    total = search.count()
    rows = search.page(0, args.limit)
    if args.json:
        json_lines([dataclasses.asdict(r) for r in rows])
        return
    table(
        ("id", "contact", "channel", "status", "held", "subject", "last activity"),
        [(r.id, r.contact, r.channel, r.status, r.held, r.subject, r.last_activity) for r in rows],
        (10, 24, 12, 8, 4, 40, 16),
    )
    print(f"{len(rows):,} of {total:,} matching conversations shown.")


def _changed(verb: str, count: int, asked: int) -> None:
    print(f"{verb} {asked:,} conversation{'s' if asked != 1 else ''} ({count:,} changed).")


def cmd_archive(args: argparse.Namespace) -> None:
    _changed("Archived", models.archive(args.ids), len(set(args.ids)))


def cmd_unarchive(args: argparse.Namespace) -> None:
    _changed("Unarchived", models.unarchive(args.ids), len(set(args.ids)))


def cmd_hold(args: argparse.Namespace) -> None:
    _changed("Put on legal hold", models.hold(args.ids), len(set(args.ids)))


def cmd_release(args: argparse.Namespace) -> None:
    _changed("Released from legal hold", models.release(args.ids), len(set(args.ids)))


def cmd_delete(args: argparse.Namespace) -> None:
    result = models.delete_conversations(args.ids, args.agent)
    print(f"Deleted {result.count:,} conversation{'s' if result.count != 1 else ''} permanently.")
    if result.social_channels:
        print(social_notice(result.social_channels))


def cmd_forget(args: argparse.Namespace) -> None:
    contact_id = models.resolve_contact(args.contact)
    kept = models.forget_contact(contact_id, args.agent)
    print(
        f"Deleted contact #{contact_id}'s profile; its {kept:,} conversations stay "
        f'and show "{models.SOMEONE}".'
    )


def cmd_attr(args: argparse.Namespace) -> None:
    contact_id = models.resolve_contact(args.contact)
    if args.action == "ls":
        rows = models.list_attributes(contact_id)
        if args.json:
            json_lines([dataclasses.asdict(a) for a in rows])
        else:
            table(
                ("key", "value", "source", "set"),
                [(a.key, a.value, a.source, a.set_at) for a in rows],
                (30, 50, 6, 16),
            )
    elif args.action == "set":
        models.set_attribute(contact_id, args.key, args.value, source="api")
        print(f"Set {safe(args.key, 60)} on contact #{contact_id}.")
    else:
        models.delete_attribute(contact_id, args.key, args.agent)
        print(f"Deleted {safe(args.key, 60)} from contact #{contact_id}.")


def cmd_assistant(args: argparse.Namespace) -> None:
    if args.action == "set":
        days = None if args.days.strip().lower() == "off" else args.days
        row = models.set_assistant(args.channel, days)
        state = f"deletes after {row.days} days" if row.enabled else "is off"
        print(f"The {row.channel} assistant {state}.")
        return
    rows = models.list_assistants()
    if args.json:
        json_lines([dataclasses.asdict(r) for r in rows])
        return
    table(
        ("channel", "kind", "social", "assistant", "days", "conversations", "due now", "last run"),
        [
            (
                r.channel,
                r.kind,
                r.social,
                "on" if r.enabled else "off",
                r.days,
                r.conversations,
                r.due,
                r.last_run_at,
            )
            for r in rows
        ],
        (20, 10, 3, 3, 6, 12, 12, 16),
    )


def cmd_sweep(args: argparse.Namespace) -> None:
    results = models.sweep(args.channel, dry_run=args.dry_run)
    if not results:
        print("No assistant is on.")
    verb = "would delete" if args.dry_run else "deleted"
    for r in results:
        print(f"{r.channel}: {verb} {r.deleted:,} conversations (older than {r.days} days).")
    social = [r.channel for r in results if r.social and r.deleted]
    if social and not args.dry_run:
        print(social_notice(social))


def cmd_log(args: argparse.Namespace) -> int:
    if args.verify:
        return verify_log()
    entries = models.list_log(args.limit)
    if args.json:
        json_lines([dataclasses.asdict(e) for e in entries])
        return 0
    table(
        ("id", "when", "who", "what", "how many", "why"),
        [(e.id, e.at, e.actor, e.action, e.count, e.reason) for e in entries],
        (8, 16, 30, 24, 10, 40),
    )
    return 0


def verify_log() -> int:
    check = models.verify_log()
    if check.ok:
        print(f"Deletion log intact: {check.entries:,} entries; head {check.head}.")
        return 0
    print(
        f"hushdesk: the deletion log is broken at entry #{check.first_broken}: it, or one "
        f"before it, was changed or removed ({check.entries:,} entries verified before it).",
        file=sys.stderr,
    )
    return 1


def cmd_verify_gone(args: argparse.Namespace) -> int:
    """Scan the files, then (read-only) the search index's pending purges."""
    findings = forensics.scan(args.db, args.texts)
    for f in findings:
        where = f" (page {f.page}, {f.table})" if f.page else ""
        print(
            f"FOUND {safe(f.text, 60)!r} in {f.file.name} at byte {f.offset:,} "
            f"as {f.encoding}{where}"
        )
    pending = forensics.pending_purges(args.db)
    if pending:
        print(
            f"PENDING the search index still holds deleted words in {len(pending)} shard(s); "
            "open hushdesk once (or run any command) to finish the purge"
        )
    found = {f.text for f in findings}
    for text in forensics.check_texts(args.texts):
        if text not in found:
            print(
                f"gone: {safe(text, 60)!r} is in no byte of {args.db.name} or its -wal, "
                "-shm and -journal files"
            )
    return 1 if findings or pending else 0


def cmd_demo_session(args: argparse.Namespace) -> int:
    from .demo_session import run_demo_session

    return run_demo_session(args.dir, args.theme, args.seed)


def _extra(module: str, extra: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise models.InvalidInput(f"this needs the {extra} extra: pip install 'hushdesk[{extra}]'")


def cmd_ssh_demo(args: argparse.Namespace) -> int:
    _extra("asyncssh", "ssh")
    import asyncio

    from .cli import default_db
    from .ssh_demo import DemoSettings, serve

    settings = DemoSettings(
        args.max_sessions,
        args.session_minutes,
        args.idle_minutes,
        args.theme,
        args.authorized_keys,
    )
    host_key = args.host_key or default_db().parent / "ssh_host_ed25519_key"
    try:
        asyncio.run(serve(args.host, args.port, host_key, settings))
    except OSError as error:
        raise models.InvalidInput(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
        ) from None
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _extra("textual_serve", "web")
    import shlex

    from textual_serve.server import Server

    command = [sys.executable, "-m", "tui", "demo-session"]
    if args.theme:
        command += ["--theme", args.theme]
    Server(shlex.join(command), host=args.host, port=args.port, title="hushdesk demo").serve()
    return 0
