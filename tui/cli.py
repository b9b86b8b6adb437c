"""`hushdesk`: parse arguments, open the database, run a sub-command or the app.

Refused input ends with one line on stderr and exit code 1, never a traceback.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import models
from models.schedule import DEFAULT_INTERVAL, parse_interval

from . import commands
from .output import safe


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(1, f"{self.prog}: {safe(message, 300)} (see {self.prog} --help)\n")


def default_db() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("hushdesk", appauthor=False)) / "hushdesk.db"


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number")
    return int(text)


def _interval(text: str) -> timedelta:
    try:
        return parse_interval(text)
    except models.HushdeskError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _common() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--db",
        default=argparse.SUPPRESS,
        help="database file (default: $HUSHDESK_DB, else the user data folder)",
    )
    common.add_argument(
        "--agent",
        default=argparse.SUPPRESS,
        help="your name in the deletion log (default: $HUSHDESK_AGENT or login)",
    )
    common.add_argument(
        "--theme",
        type=_theme,
        default=argparse.SUPPRESS,
        help="any Textual theme, e.g. ansi-dark (default: $HUSHDESK_THEME)",
    )
    return common


def build_parser() -> Parser:
    common = _common()
    parser = Parser(
        prog="hushdesk",
        parents=[common],
        description="A keyboard-driven help-desk inbox that enforces customer-data policy.",
    )
    parser.add_argument(
        "--sweep-interval",
        type=_interval,
        default=DEFAULT_INTERVAL,
        metavar="TIME",
        help="how often the app runs the assistants (90s, 15m, 1h; default 1h)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def add(name: str, func: object, text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(func=func)
        return p

    p = add("demo", commands.cmd_demo, "fill the database with a demo help desk")
    p.add_argument("--conversations", type=_count, default=1000)
    p.add_argument("--seed", type=_count, default=7)
    add(
        "import", commands.cmd_import, "import a .jsonl file, an mbox file or a Maildir folder"
    ).add_argument("file")
    p = add("search", commands.cmd_search, "search conversations (newest activity first)")
    p.add_argument("query", nargs="+")
    p.add_argument("--limit", type=_count, default=100, help="rows to print; 0 for all")
    p.add_argument("--json", action="store_true")
    for name, func, text in (
        ("archive", commands.cmd_archive, "archive conversations"),
        ("unarchive", commands.cmd_unarchive, "move archived conversations back to Open"),
        ("hold", commands.cmd_hold, "put conversations on legal hold"),
        ("release", commands.cmd_release, "release conversations from legal hold"),
        ("delete", commands.cmd_delete, "delete archived conversations permanently"),
    ):
        add(name, func, text).add_argument("ids", nargs="+", metavar="ID")
    add(
        "forget", commands.cmd_forget, "delete a contact's profile, keeping the conversations"
    ).add_argument("contact", metavar="CONTACT", help="id, email or phone")
    _attr_parser(add("attr", commands.cmd_attr, "list, set or delete a contact's attributes"))
    _assistant_parser(add("assistant", commands.cmd_assistant, "per-channel retention assistants"))
    p = add("sweep", commands.cmd_sweep, "run every enabled assistant once (for cron)")
    p.add_argument("--dry-run", action="store_true", help="only print what would be deleted")
    p.add_argument("--channel", help="only this channel's assistant")
    p = add("log", commands.cmd_log, "the deletion log, newest first")
    p.add_argument("--limit", type=_count, default=200, help="entries to print; 0 for all")
    p.add_argument("--json", action="store_true")
    p.add_argument("--verify", action="store_true", help="check the log's hash chain")
    p = add(
        "verify-gone",
        commands.cmd_verify_gone,
        "prove texts are in no byte of the database files (exit 0 only if so)",
    )
    p.add_argument("texts", nargs="+", metavar="TEXT")
    _demo_parsers(add)
    return parser


def _demo_parsers(add: object) -> None:
    p = add(
        "demo-session",
        commands.cmd_demo_session,  # type: ignore[operator]
        "the app on a throwaway demo database, removed on exit (for ForceCommand)",
    )
    p.add_argument("--dir", type=Path, help="folder for the demo database (default: a new one)")
    p.add_argument("--seed", type=_count, default=7)
    p = add(
        "ssh-demo",
        commands.cmd_ssh_demo,  # type: ignore[operator]
        "an SSH server giving each visitor a throwaway demo inbox",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=2222)
    p.add_argument("--max-sessions", type=_count, default=10)
    p.add_argument("--session-minutes", type=_minutes, default=30.0)
    p.add_argument("--idle-minutes", type=_minutes, default=10.0)
    p.add_argument("--host-key", type=Path, help="kept between starts (default: user data folder)")
    p.add_argument("--authorized-keys", help="only these public keys may log in")
    p = add(
        "serve",
        commands.cmd_serve,  # type: ignore[operator]
        "the demo inbox in a browser, one demo database per session",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=8000)


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a port (1-65535)")
    return int(text)


def _minutes(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value <= 24 * 60:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of minutes (up to 1440)")
    return value


def _theme(text: str) -> str:
    from textual.theme import BUILTIN_THEMES

    if text not in BUILTIN_THEMES:
        raise argparse.ArgumentTypeError(
            f"unknown theme {text[:40]!r}; choose from {', '.join(sorted(BUILTIN_THEMES))}"
        )
    return text


def _attr_parser(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    ls = actions.add_parser("ls", help="list a contact's attributes")
    ls.add_argument("contact", metavar="CONTACT")
    ls.add_argument("--json", action="store_true")
    st = actions.add_parser("set", help="set an attribute (source: api)")
    for name in ("contact", "key", "value"):
        st.add_argument(name, metavar=name.upper())
    rm = actions.add_parser("rm", help="delete an attribute")
    rm.add_argument("contact", metavar="CONTACT")
    rm.add_argument("key", metavar="KEY")


def _assistant_parser(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=Parser)
    actions.add_parser("ls", help="list every channel's assistant").add_argument(
        "--json", action="store_true"
    )
    st = actions.add_parser("set", help="set a channel's days, or off")
    st.add_argument("channel", metavar="CHANNEL")
    st.add_argument("days", metavar="DAYS|off")


def resolve_db(args: argparse.Namespace) -> Path:
    return Path(getattr(args, "db", None) or os.environ.get("HUSHDESK_DB") or default_db())


NO_DATABASE = ("verify-gone", "demo-session", "ssh-demo", "serve")


def resolve_theme(args: argparse.Namespace) -> str | None:
    theme = getattr(args, "theme", None) or os.environ.get("HUSHDESK_THEME") or None
    return _theme(theme) if theme else None


def resolve_agent(args: argparse.Namespace) -> str:
    agent = getattr(args, "agent", None) or os.environ.get("HUSHDESK_AGENT")
    if not agent:
        try:
            agent = getpass.getuser()
        except (KeyError, OSError):
            agent = "agent"
    return agent


def run(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    args.agent = resolve_agent(args)
    args.db = resolve_db(args)
    args.theme = resolve_theme(args)
    if args.command in NO_DATABASE:
        return args.func(args)
    models.open_database(args.db)
    try:
        if args.command is None:
            from .app import make_app

            make_app(agent=args.agent, sweep_interval=args.sweep_interval, theme=args.theme).run()
        else:
            return args.func(args) or 0
    finally:
        models.close_database()
    return 0


def main(argv: Sequence[str] | None = None) -> None:
    try:
        code = run(argv)
    except models.HushdeskError as error:
        print(f"hushdesk: {safe(error, 500)}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        sys.stderr.close()
        code = 0
    sys.exit(code)
