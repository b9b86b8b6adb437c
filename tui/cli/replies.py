"""The reply commands: write a reply, send what is due, look at the outbox; their arguments.

A reply is written to the outbox first and then tried at once; what the server
did not take yet stays there, and `hushdesk send` (cron) or the app tries it
again. Nothing here answers anything by itself.
"""

from __future__ import annotations

import argparse
import sys

import models

from ..text import safe
from .checks import value
from .output import json_lines, table

EXIT_NOT_SENT = 5  # written to the outbox, not sent (yet): the output says why
MAX_BYTES = 4_000_001  # a reply of at most 1,000,000 characters is at most 4 MB of UTF-8


def reply_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("conversation", metavar="ID", type=value)
    p.add_argument(
        "--body-file", required=True, type=value, metavar="FILE", help="the reply's text (- stdin)"
    )
    p.add_argument(
        "--yes", action="store_true", help="answer mail that looks automatic (asked otherwise)"
    )


def outbox_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    actions.add_parser("retry", help="try a failed reply again").add_argument(
        "reply", metavar="REPLY", type=value
    )
    actions.add_parser(
        "settle", help="look replies that may have been sent up in the Sent folder and inbox"
    )


def read_body(where: str) -> str:
    """The reply's text from a file or stdin, as UTF-8; one line when it cannot be read."""
    try:
        if where == "-":
            data = sys.stdin.buffer.read(MAX_BYTES)
        else:
            with open(where, "rb") as handle:
                data = handle.read(MAX_BYTES)
    except OSError as error:
        raise models.InvalidInput(f"cannot read the reply ({error.strerror})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise models.InvalidInput("the reply is not UTF-8 text") from None


def cmd_reply(args: argparse.Namespace) -> int:
    (conversation,) = models.check_ids([args.conversation])
    models.reply_to(conversation)  # what cannot be answered is refused before the text is read
    body = read_body(args.body_file)
    queued = models.queue_reply(conversation, args.agent, body, automatic_ok=args.yes)
    print(f"Reply #{queued.id} to conversation #{conversation} is in the outbox.")
    report = models.send_due()
    return said(report, queued.id)


def said(report: models.SendReport, reply: int) -> int:
    """What became of the reply, and of others sent with it."""
    for line in [*report.waiting, *report.failed]:
        print(safe(line, 500))
    if report.said:
        print(f"Not sent: {safe(report.said, 300)}.")
    left = {p.id: p for p in models.pending_replies()}
    if reply not in left:
        print(f"Reply #{reply} was sent.")
        return 0
    pending = left[reply]
    if pending.shown == "failed":
        print(f"Reply #{reply} failed; hushdesk outbox retry {reply} tries it again.")
    else:
        print(f"Reply #{reply} is not sent yet; hushdesk send (or the app) tries it again.")
    return EXIT_NOT_SENT


def cmd_send(args: argparse.Namespace) -> None:
    report = models.send_due()
    if report.said:
        print(f"Not sent: {safe(report.said, 300)}.")
    for line in [*report.waiting, *report.failed]:
        print(safe(line, 500))
    count = len(report.sent)
    print(f"Sent {count:,} {'reply' if count == 1 else 'replies'}.")


def cmd_outbox(args: argparse.Namespace) -> int | None:
    if args.action == "settle":
        return settle()
    if args.action == "retry":
        (reply,) = models.check_ids([args.reply])
        models.retry_reply(reply)
        print(f"Reply #{reply} will be tried again now.")
        cmd_send(args)
        return None
    rows = models.pending_replies()
    if args.json:
        json_lines(
            [
                {
                    "id": p.id,
                    "conversation": p.conversation_id,
                    "state": p.shown,
                    "reason": p.reason,
                    "attempts": p.attempts,
                    "next_try_at": p.next_try_at,
                    "message_id": p.message_id,
                }
                for p in rows
            ]
        )
        return None
    table(
        ("reply", "conversation", "state", "tries", "reason"),
        [(p.id, p.conversation_id, p.shown, p.attempts, p.reason) for p in rows],
        (8, 12, 12, 5, 120),
    )
    return None


def settle() -> int:
    """`outbox settle`: replies that may have been sent, found sent or still unknown."""
    settled = models.settle_uncertain()
    for reply in settled.sent:
        print(f"Reply #{reply} was sent: its Message-ID is in the mailbox.")
    for reply in settled.unknown:
        print(f"Reply #{reply} is in neither the Sent folder nor the inbox; it stays failed.")
    if settled.said:
        print(f"hushdesk: {safe(settled.said, 300)}", file=sys.stderr)
        return 1
    if not settled.sent and not settled.unknown:
        print("No reply may have been sent.")
    return 0


def set_reply_setting(args: argparse.Namespace) -> None:
    """`settings smtp URL --password-file F | --clear`, `settings signature TEXT | --clear`."""
    given = {"smtp": "url", "signature": "text"}.get(args.setting, "name")
    given = getattr(args, given)
    if args.clear == bool(given):
        raise models.InvalidInput(f"give the {args.setting} setting's value, or --clear")
    if args.setting == "sent-copy":
        kept = models.set_sent_copy(None if args.clear else given)
        print(f"Sent copies: {f'in the Sent folder of {safe(kept)}' if kept else 'none'}.")
        return
    if args.setting == "signature":
        kept = models.set_signature(args.agent, None if args.clear else given)
        print(f"Signature of {safe(args.agent)}: {'set' if kept else 'none'}.")
        return
    server = models.set_smtp(None if args.clear else given, args.password_file)
    if server is None:
        print("SMTP: not set; replies wait in the outbox.")
        return
    where = f", password read from {safe(server.password_file)}" if server.password_file else ""
    print(f"SMTP: {safe(server.shown)}{where}.")
