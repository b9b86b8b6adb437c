"""The command line's sub-commands: each one calls `models` and prints the outcome.

A deletion prints what it did; when its text is not yet gone from every byte
it also says what is pending and returns EXIT_PENDING instead of 0.
"""

from __future__ import annotations

import argparse
import json
import sys

import models

from ..text import plural, safe
from ..wording import cleanup_note, social_notice
from . import import_summary, progress, tracking
from .output import json_lines, table

EXIT_PENDING = 3
EXIT_CANNOT_TELL = 4  # the connection was lost as a change committed: done, or not


def finished(cleanup: models.Cleanup) -> int:
    """0 when every byte is gone; else say what is pending and return EXIT_PENDING."""
    if cleanup.done:
        return 0
    print(cleanup_note(cleanup))
    return EXIT_PENDING


def _note(note: str) -> None:
    if note:
        print(f"Note: {safe(note)}.")


def cmd_app(args: argparse.Namespace) -> int:
    """The app: the inbox, on the open database."""
    from ..app import make_app

    make_app(args.agent, args.sweep_interval, args.theme, own_process=True).run()
    return 0


def cmd_demo(args: argparse.Namespace) -> None:
    result = models.generate_demo(args.conversations, args.seed, add=args.add)
    print(
        f"Added {result.conversations:,} conversations ({result.messages:,} messages) "
        f"and {result.contacts:,} contacts."
    )
    _note(result.note)


def cmd_import(args: argparse.Namespace) -> None:
    bar = progress.for_terminal("messages")
    try:
        result = models.import_path(args.file, args.ours, bar)
    finally:
        if bar:
            bar.close()
    print(
        f"Imported {result.contacts:,} contacts, {result.conversations:,} conversations "
        f"and {result.messages:,} messages."
    )
    for line in import_summary.mail_lines(result):
        print(line)
    _note(result.note)


def cmd_settings(args: argparse.Namespace) -> None:
    if args.setting == "ours":
        if args.clear == bool(args.addresses):
            raise models.InvalidInput("give the addresses of the help desk, or --clear")
        kept = models.set_ours(args.addresses)
        print(f"Ours: {', '.join(safe(a, 80) for a in kept) or 'none (imports infer them)'}.")
        return
    if args.setting == "region":
        _set_region(args)
        return
    if args.setting in ("smtp", "signature", "sent-copy"):
        from .replies import set_reply_setting

        set_reply_setting(args)
        return
    found = models.all_settings()
    server = models.smtp()
    found["smtp"] = server.shown if server else None
    found["sent-copy"] = models.sent_copy() or None
    if args.json:
        print(json.dumps(found))
        return
    ours = found["ours"]
    shown = ", ".join(safe(str(a), 80) for a in ours) if isinstance(ours, list) else ""
    print(f"ours: {shown or 'not set (imports infer them)'}")
    region = found["region"]
    print(f"region: {safe(region) if region else NO_REGION}")
    print(f"smtp: {safe(server.shown) if server else 'not set (replies wait in the outbox)'}")
    copy = models.sent_copy()
    print(f"sent-copy: {f'the Sent folder of {safe(copy)}' if copy else 'none'}")


NO_REGION = "not set (a phone number without its country code names no one)"


def _set_region(args: argparse.Namespace) -> None:
    if args.clear == bool(args.code):
        raise models.InvalidInput("give the help desk's region (GB, US, ...), or --clear")
    change = models.set_region(None if args.clear else args.code)
    shown = change.region or NO_REGION
    print(
        f"Region: {shown}. {plural(change.reread, 'stored number')} without a country code "
        f"read again: {change.placed:,} placed."
    )


def cmd_search(args: argparse.Namespace) -> None:
    text = " ".join(args.query)
    if not text.strip():
        raise models.InvalidInput(
            "an empty search; `is:open is:archived` lists every conversation"
        )
    search = models.ConversationSearch(text)
    rows = search.page(0, args.limit)
    if args.json:  # rows only: a script that wants the total asks with --limit 0
        json_lines(rows)
        return
    total = search.count()
    table(
        ("id", "contact", "channel", "status", "held", "subject", "last activity"),
        [(r.id, r.contact, r.channel, r.status, r.held, r.subject, r.last_activity) for r in rows],
        (10, 24, 12, 8, 4, 40, 16),
    )
    print(f"{len(rows):,} of {total:,} matching conversations shown.")


def _changed(verb: str, count: int, asked: int) -> None:
    print(f"{verb} {plural(asked, 'conversation')} ({count:,} changed).")


def cmd_archive(args: argparse.Namespace) -> None:
    _changed("Archived", models.archive(args.ids), len(set(args.ids)))


def cmd_unarchive(args: argparse.Namespace) -> None:
    _changed("Unarchived", models.unarchive(args.ids), len(set(args.ids)))


def cmd_hold(args: argparse.Namespace) -> None:
    _changed("Put on legal hold", models.hold(args.ids), len(set(args.ids)))


def cmd_release(args: argparse.Namespace) -> None:
    _changed("Released from legal hold", models.release(args.ids), len(set(args.ids)))


def cmd_delete(args: argparse.Namespace) -> int:
    result = models.delete_conversations(args.ids, args.agent)
    print(f"Deleted {plural(result.count, 'conversation')} permanently.")
    if result.social_channels:
        print(social_notice(result.social_channels))
    return finished(result.cleanup)


def cmd_forget(args: argparse.Namespace) -> int:
    contact_id = models.resolve_contact(args.contact)
    result = models.forget_contact(contact_id, args.agent)
    print(
        f"Deleted contact #{contact_id}'s profile; its {plural(result.kept, 'conversation')} "
        f'stay and show "{models.SOMEONE}".'
    )
    return finished(result.cleanup)


def cmd_attr(args: argparse.Namespace) -> int:
    contact_id = models.resolve_contact(args.contact)
    if args.action == "ls":
        rows = models.list_attributes(contact_id)
        if args.json:
            json_lines(rows)
        else:
            table(
                ("key", "value", "source", "set"),
                [(a.key, a.value, a.source, a.set_at) for a in rows],
                (30, 50, 6, 16),
            )
        return 0
    if args.action == "set":
        models.set_attribute(contact_id, args.key, args.value, source="api")
        print(f"Set {safe(args.key, 60)} on contact #{contact_id}.")
        return 0
    cleanup = models.delete_attribute(contact_id, args.key, args.agent)
    print(f"Deleted {safe(args.key, 60)} from contact #{contact_id}.")
    return finished(cleanup)


def cmd_assistant(args: argparse.Namespace) -> None:
    if args.action == "set":
        days = None if args.days.strip().lower() == "off" else args.days
        row = models.set_assistant(args.channel, days)
        state = f"deletes after {row.days} days" if row.enabled else "is off"
        print(f"The {safe(row.channel)} assistant {state}.")
        return
    rows = models.list_assistants()
    if args.json:
        json_lines(rows)
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


def cmd_sweep(args: argparse.Namespace) -> int:
    results = models.sweep(args.channel, dry_run=args.dry_run)
    if not results:
        print("No assistant is on.")
    verb = "would delete" if args.dry_run else "deleted"
    failed = False
    for r in results:
        if r.busy:
            print(f"{safe(r.channel)}: skipped, another hushdesk is sweeping it right now.")
            continue
        if r.stopped and not r.deleted:
            print(f"hushdesk: {safe(r.channel)}: {safe(r.stopped)}", file=sys.stderr)
            failed = True
            continue
        name, count = safe(r.channel), plural(r.deleted, "conversation")
        print(f"{name}: {verb} {count} ({models.rule(r.days)}).")
        if r.stopped:
            stopped = f"{name}: stopped early, the rest waits for the next run: {safe(r.stopped)}"
            print(f"hushdesk: {stopped}", file=sys.stderr)
            failed = True
    social = [r.channel for r in results if r.social and r.deleted]
    if social and not args.dry_run:
        print(social_notice(social))
    pending = [r.cleanup for r in results if not r.cleanup.done]
    for line in tracking.due_lines():  # the legal clock, for cron's mail too
        print(line)
    if failed:
        return 1
    return finished(pending[0]) if pending else 0


def cmd_log(args: argparse.Namespace) -> int:
    if args.verify:
        return verify_log()
    entries = models.list_log(args.limit)
    if args.json:
        json_lines(entries)
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
    """Look for the texts where the engine allows, and say what earlier deletions still owe."""
    report = models.verify(args.db, args.texts)
    for trace in report.traces:
        print(f"FOUND {safe(trace.text, 60)!r} in {safe(trace.place)}")
    for line in _owed(report):
        print(f"PENDING {line}")
    found = {t.text for t in report.traces}
    scope = _scope(report)
    for text in models.check_texts(args.texts):
        if text not in found:
            print(f"gone: {safe(text, 60)!r} is in {scope}")
    if report.engine == "postgresql":
        print(
            "Checked: every live row and search-index entry. Not checked: PostgreSQL's freed "
            "space in its files, its WAL, replicas and backups (see the README)."
        )
    return 1 if report.traces or report.owed.shards or report.owed.wal else 0


def _scope(report: models.Report) -> str:
    if report.engine == "postgresql":
        return f"no live row or search-index entry of {safe(report.name)}"
    return f"no byte of {safe(report.name)} or its -wal, -shm and -journal files"


def _owed(report: models.Report) -> list[str]:
    lines = []
    if report.owed.shards:
        lines.append(
            "the search index still holds deleted words in "
            f"{plural(report.owed.shards, 'shard')}; hushdesk rewrites them at its next start, "
            "or in the running app"
        )
    if report.owed.wal and report.engine == "postgresql":
        lines.append(
            "a deletion's tables are not yet vacuumed (an older transaction still saw the rows); "
            "hushdesk vacuums them at its next start, or in the running app"
        )
    elif report.owed.wal:
        lines.append(
            "a deletion's old pages may still be in the write-ahead log and the main file, "
            "kept by another program reading the database; hushdesk truncates it when that "
            "reader finishes"
        )
    return lines


def cmd_demo_session(args: argparse.Namespace) -> int:
    from ..hosting.demo_session import run_demo_session

    return run_demo_session(args.dir, args.theme, args.seed, args.error_log)


def _extra(module: str, extra: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise models.InvalidInput(f"this needs the {extra} extra: pip install 'hushdesk[{extra}]'")


def cmd_ssh_demo(args: argparse.Namespace) -> int:
    _extra("asyncssh", "ssh")
    import asyncio

    from ..hosting.ssh_demo import DemoSettings, serve
    from ..places import data_folder

    settings = DemoSettings(
        args.max_sessions,
        args.session_minutes,
        args.idle_minutes,
        args.theme,
        args.authorized_keys,
        args.login_seconds,
        args.per_address,
    )
    host_key = args.host_key or data_folder() / "ssh_host_ed25519_key"
    try:
        asyncio.run(serve(args.host, args.port, host_key, settings))
    except OSError as error:
        raise models.InvalidInput(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
        ) from None
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    _extra("textual_serve", "web")
    from ..hosting.serve import ServeSettings, serve

    settings = ServeSettings(
        args.max_sessions, args.session_minutes, args.idle_minutes, args.theme
    )
    try:
        serve(args.host, args.port, settings)
    except OSError as error:
        raise models.InvalidInput(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
        ) from None
    return 0
