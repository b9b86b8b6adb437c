"""The backup commands: `backup`, `restore`, `keys export`, and `verify-gone --backup`."""

from __future__ import annotations

import argparse

import models

from ..text import plural, safe
from . import commands


def cmd_backup(args: argparse.Namespace) -> int:
    done = models.write_backup(args.file)
    print(
        f"Backed up {plural(done.contacts, 'contact')}, "
        f"{plural(done.conversations, 'conversation')} and "
        f"{plural(done.requests, 'request')} to {safe(str(done.path))} "
        f"({done.size:,} bytes, taken {done.created_at} UTC); the keys stay in the database."
    )
    if done.left_out:
        print(f"{plural(done.left_out, 'record')} added while it began wait for the next backup.")
    return 0


def _keys(args: argparse.Namespace) -> models.Keys:
    if args.keys:
        if not args.passphrase_file:
            raise models.InvalidInput("--keys needs --passphrase-file")
        return models.read_keys(args.keys, models.read_passphrase(args.passphrase_file))
    if args.passphrase_file:
        raise models.InvalidInput("--passphrase-file goes with --keys")
    return models.live_keys(args.live)


def cmd_restore(args: argparse.Namespace) -> int:
    done = models.restore(args.file, args.db, lambda: _keys(args), args.agent)
    print(
        f"Restored {plural(done.contacts, 'contact')}, "
        f"{plural(done.conversations, 'conversation')} and "
        f"{plural(done.requests, 'request')} from the backup of {done.created_at} UTC "
        f"into {safe(done.target)}."
    )
    for left in done.left.values():
        if left.count:
            print(
                f"Left out: {plural(left.count, left.noun)} that changed ({left.changed}) or went "
                f"({left.gone}) since the backup; their keys are gone."
            )
    print(
        f"Deletion log: {done.log_entries:,} entries from the backup, "
        f"{done.later_entries} made since, and one for this restore."
    )
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    count = models.export_keys(args.file, models.read_passphrase(args.passphrase_file))
    print(
        f"Exported {plural(count, 'key')} to {safe(args.file)}. Whoever holds it and an older "
        "backup can read what the backup holds: keep it briefly (see the README)."
    )
    return 0


def cmd_verify_gone(args: argparse.Namespace) -> int:
    """The database files, as ever; with --backup, the backup read with today's keys."""
    if not args.backup:
        return commands.cmd_verify_gone(args)
    models.open_database(args.db)
    try:
        proof = models.verify_backup(args.backup, args.texts)
    finally:
        models.close_database()
    for trace in proof.traces:
        print(f"FOUND {safe(trace.text, 60)!r} {safe(trace.place)} of {safe(proof.name)}")
    found = {t.text for t in proof.traces}
    for text in models.check_texts(args.texts):
        if text not in found:
            print(f"gone: {safe(text, 60)!r} cannot be read from {safe(proof.name)}")
    print(
        f"Checked: every byte of {safe(proof.name)} in the clear, and the "
        f"{plural(proof.readable, 'record')} today's keys open "
        f"({proof.unreadable} no longer open)."
    )
    return 1 if proof.traces else 0
