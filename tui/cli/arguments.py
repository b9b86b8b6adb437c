"""Each sub-command's own arguments, added to its parser (`table` says which is whose)."""

from __future__ import annotations

import argparse
from pathlib import Path

from .checks import count, days, minutes, port, positive, seconds, value

WHO = "a contact id, an email or a phone number (any punctuation)"
ANSWERS = "the tracked request it answers (its identifiers by default); it is then done"


def nothing(p: argparse.ArgumentParser) -> None:
    """No arguments of its own."""


def demo(p: argparse.ArgumentParser) -> None:
    p.add_argument("--conversations", type=count, default=1000)
    p.add_argument("--seed", type=count, default=7)
    p.add_argument("--add", action="store_true", help="add to a database that holds data")


def import_(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=value)
    p.add_argument(
        "--ours",
        nargs="+",
        type=value,
        metavar="ADDRESS",
        help="the help desk's own mail addresses (kept as a setting)",
    )


def settings(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true")
    q = p.add_subparsers(dest="setting", metavar="SETTING")
    ours = q.add_parser("ours", help="set the help desk's own mail addresses")
    ours.add_argument("addresses", nargs="*", type=value, metavar="ADDRESS")
    ours.add_argument("--clear", action="store_true", help="forget them (imports infer them)")
    region = q.add_parser("region", help="the region phone numbers without +country are read in")
    region.add_argument("code", nargs="?", type=value, metavar="REGION", help="GB, US, FR, ...")
    region.add_argument(
        "--clear", action="store_true", help="forget it (such numbers name no one)"
    )
    smtp = q.add_parser("smtp", help="the SMTP submission server replies go through")
    smtp.add_argument("url", nargs="?", type=value, metavar="URL", help="submission://user@host")
    smtp.add_argument("--password-file", type=value, metavar="FILE", help="kept as a path")
    smtp.add_argument("--clear", action="store_true", help="forget it (replies wait)")
    copy = q.add_parser("sent-copy", help="the IMAP source whose Sent folder keeps each reply")
    copy.add_argument("name", nargs="?", type=value, metavar="SOURCE")
    copy.add_argument("--clear", action="store_true", help="keep no copy")
    signature = q.add_parser("signature", help="your signature (--agent's), below new replies")
    signature.add_argument("text", nargs="?", type=value, metavar="TEXT")
    signature.add_argument("--clear", action="store_true", help="forget it")


def search(p: argparse.ArgumentParser) -> None:
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=count, default=100, help="rows to print; 0 for all")
    p.add_argument("--json", action="store_true")


def ids(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="+", metavar="ID")


def contact(p: argparse.ArgumentParser) -> None:
    p.add_argument("contact", metavar="CONTACT", type=value, help="id, email or phone")


def attr(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = actions.add_parser("ls", help="list a contact's attributes")
    ls.add_argument("contact", metavar="CONTACT", type=value)
    ls.add_argument("--json", action="store_true")
    st = actions.add_parser("set", help="set an attribute (source: api)")
    st.add_argument("contact", metavar="CONTACT", type=value)
    st.add_argument("key", metavar="KEY", type=value)
    st.add_argument("value", metavar="VALUE")
    rm = actions.add_parser("rm", help="delete an attribute")
    rm.add_argument("contact", metavar="CONTACT", type=value)
    rm.add_argument("key", metavar="KEY", type=value)


def person(p: argparse.ArgumentParser) -> None:
    p.add_argument("identifiers", nargs="+", metavar="IDENTIFIER", type=value, help=WHO)
    p.add_argument("--json", action="store_true")


def export(p: argparse.ArgumentParser) -> None:
    p.add_argument("identifiers", nargs="*", metavar="IDENTIFIER", type=value, help=WHO)
    p.add_argument("--out", type=value, required=True, metavar="FILE", help="a new file")
    p.add_argument("--request", type=value, metavar="REF", help=ANSWERS)


def erase(p: argparse.ArgumentParser) -> None:
    p.add_argument("identifiers", nargs="*", metavar="IDENTIFIER", type=value, help=WHO)
    p.add_argument(
        "--reference", type=value, metavar="REF", help="the request's (default: --request's)"
    )
    p.add_argument("--request", type=value, metavar="REF", help=ANSWERS)
    p.add_argument("--keep-held", action="store_true", help="keep conversations on legal hold")
    p.add_argument("--dry-run", action="store_true", help="print what would go; change nothing")
    p.add_argument("--receipt", type=value, metavar="FILE", help="write the receipt (JSON)")
    p.add_argument(
        "--same-person", action="store_true", help="contacts of different names are one person"
    )


def request(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    op = actions.add_parser("open", help="record a request received (its clock starts)")
    op.add_argument("kind", choices=("access", "erasure"))
    op.add_argument("identifiers", nargs="*", metavar="IDENTIFIER", type=value, help=WHO)
    op.add_argument("--received", type=value, metavar="DATE", help="YYYY-MM-DD (UTC)")
    op.add_argument("--reference", type=value, metavar="REF", help="default REQ-YYYY-NNNN")
    op.add_argument("--from-conversation", type=count, metavar="ID", help="the one that asked")
    ls = actions.add_parser("ls", help="open requests, soonest due first")
    ls.add_argument("--due", type=days, metavar="DAYS", help="due within DAYS (7d, 7)")
    ls.add_argument("--overdue", action="store_true", help="only those past their day")
    ls.add_argument("--all", action="store_true", help="ended ones too")
    ls.add_argument("--json", action="store_true")
    show = actions.add_parser("show", help="a request and its trail")
    show.add_argument("reference", metavar="REF", type=value)
    show.add_argument("--json", action="store_true")
    show.add_argument(
        "--check", type=value, metavar="IDENTIFIER", help="say whether it named this one"
    )
    ext = actions.add_parser("extend", help="extend the clock (two months in all)")
    ext.add_argument("reference", metavar="REF", type=value)
    ext.add_argument("--months", type=count, required=True, help="1 or 2")
    ext.add_argument("--reason", type=value, required=True, metavar="TEXT")
    ext.add_argument("--told", type=value, required=True, metavar="DATE", help="YYYY-MM-DD")
    for action, said in (("wait", "waiting for the requester's identity"), ("close", "done")):
        actions.add_parser(action, help=said).add_argument("reference", metavar="REF", type=value)
    refuse = actions.add_parser("refuse", help="refused, with why")
    refuse.add_argument("reference", metavar="REF", type=value)
    refuse.add_argument("--reason", type=value, required=True, metavar="TEXT")


def redact(p: argparse.ArgumentParser) -> None:
    p.add_argument("conversation", metavar="CONVERSATION", type=value)
    p.add_argument("texts", nargs="+", metavar="TEXT", type=value)


def assistant(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("ls", help="list every channel's assistant").add_argument(
        "--json", action="store_true"
    )
    st = actions.add_parser("set", help="set a channel's days, or off")
    st.add_argument("channel", metavar="CHANNEL", type=value)
    st.add_argument("days", metavar="DAYS|off", type=value)


def sweep(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dry-run", action="store_true", help="only print what would be deleted")
    p.add_argument("--channel", type=value, help="only this channel's assistant")


def log(p: argparse.ArgumentParser) -> None:
    p.add_argument("--limit", type=count, default=200, help="entries to print; 0 for all")
    p.add_argument("--json", action="store_true")
    p.add_argument("--verify", action="store_true", help="check the log's hash chain")


def texts(p: argparse.ArgumentParser) -> None:
    p.add_argument("texts", nargs="+", metavar="TEXT")


def demo_session(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dir", type=Path, help="folder for the demo database (default: a new one)")
    p.add_argument("--error-log", type=Path, help="where the app's errors go (default: --dir)")
    p.add_argument("--seed", type=count, default=7)


def ssh_demo(p: argparse.ArgumentParser) -> None:
    limits(p, 2222)
    p.add_argument("--login-seconds", type=seconds, default=30.0, help="to start the app")
    p.add_argument("--per-address", type=positive, default=3, help="connections from one address")
    p.add_argument("--host-key", type=Path, help="kept between starts (default: user data folder)")
    p.add_argument("--authorized-keys", type=value, help="only these public keys may log in")


def serve(p: argparse.ArgumentParser) -> None:
    limits(p, 8000)


def limits(p: argparse.ArgumentParser, default_port: int) -> None:
    """Where a demo host listens and what one visitor may take."""
    p.add_argument("--host", type=value, default="127.0.0.1")
    p.add_argument("--port", type=port, default=default_port)
    p.add_argument("--max-sessions", type=positive, default=10)
    p.add_argument("--session-minutes", type=minutes, default=30.0)
    p.add_argument("--idle-minutes", type=minutes, default=10.0)


def backup(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=value, metavar="FILE", help="a new file (never overwritten)")


def restore(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=value, metavar="FILE", help="a backup")
    keys = p.add_mutually_exclusive_group(required=True)
    keys.add_argument("--live", type=value, metavar="DB", help="the live database: its keys")
    keys.add_argument("--keys", type=value, metavar="FILE", help="a key export (hushdesk keys)")
    p.add_argument("--passphrase-file", type=value, metavar="P", help="with --keys")


def keys(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    export = actions.add_parser("export", help="the key store, encrypted under a passphrase")
    export.add_argument("file", type=value, metavar="FILE", help="a new file")
    export.add_argument("--passphrase-file", type=value, metavar="P", required=True)


def verify_gone(p: argparse.ArgumentParser) -> None:
    texts(p)
    p.add_argument(
        "--backup", type=value, metavar="FILE", help="look in a backup, with today's keys"
    )
