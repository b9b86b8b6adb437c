"""The command line's grammar: every sub-command, option and the checks on their values.

A value that cannot be right (empty, not a number, not a port) is refused by
the parser itself, in one line, before anything is opened.

Building all 28 sub-commands' parsers takes longer than a search, so `parse`
first builds only the sub-command the arguments name (or none); when those
arguments do not fit it, the whole grammar parses them again and says why.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any, cast

import models
from models.schedule import DEFAULT_INTERVAL, parse_interval

from ..text import safe
from . import commands, requests

Command = Callable[[argparse.Namespace], int | None]


NAMES = (  # every sub-command, as `build_parser` adds them
    *("demo", "import", "settings", "search", "archive", "unarchive", "hold", "release"),
    *("delete", "forget", "attr", "person", "export", "erase", "redact", "assistant", "sweep"),
    *("log", "verify-gone", "demo-session", "ssh-demo", "serve"),
)


def width() -> int:
    """The width argparse gives its help: the terminal's columns (as shutil finds them) less 2."""
    try:
        columns = int(os.environ.get("COLUMNS", ""))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return (columns if columns > 0 else 80) - 2


class _Formatter(argparse.HelpFormatter):
    """argparse's, told the width: finding it, argparse imports shutil (with bz2 and lzma)
    for every parser and argument it makes, a few milliseconds of every command."""

    def __init__(self, prog: str, indent: int = 2, position: int = 24, wide: int | None = None):
        super().__init__(prog, indent, position, width() if wide is None else wide)


class Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(1, f"{self.prog}: {safe(message, 300)} (see {self.prog} --help)\n")


class _NotThisOne(Exception):
    """The arguments do not fit the one sub-command's grammar that was built."""


class _Quiet(Parser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _NotThisOne(message)


class _Unbuilt:
    """Stands in for a sub-command's parser that was not built: takes every call, does nothing."""

    def __getattr__(self, name: str) -> Callable[..., _Unbuilt]:
        return lambda *args, **kwargs: self


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The arguments, parsed by the grammar of the sub-command they name (else all of it)."""
    if not {"-h", "--help"} & set(argv):
        named = next((arg for arg in argv if arg in NAMES), "")
        try:
            return build_parser(only=named).parse_args(argv)
        except _NotThisOne:
            pass  # a mistake, or the name was another option's value: the whole grammar decides
    return build_parser().parse_args(argv)


def value(text: str) -> str:
    """Any text that is not empty: an empty option is a mistake (a cron line's empty variable)."""
    if not text.strip():
        raise argparse.ArgumentTypeError("an empty value; give one or leave the option out")
    return text


def seconds(text: str) -> float:
    """A wait in seconds, 0 to an hour."""
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 <= number <= 3600:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of seconds (0 to 3600)")
    return number


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a whole number")
    return int(text)


def _positive(text: str) -> int:
    number = _count(text)
    if not 1 <= number <= 10_000:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not from 1 to 10,000")
    return number


def _interval(text: str) -> timedelta:
    try:
        return parse_interval(text)
    except models.HushdeskError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _port(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) < 6) or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a port (1-65535)")
    return int(text)


def _minutes(text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not 0 < number <= 24 * 60:
        raise argparse.ArgumentTypeError(f"{text[:20]!r} is not a number of minutes (up to 1440)")
    return number


def _common(kind: type[Parser]) -> Parser:
    common = kind(add_help=False)
    common.add_argument(
        "--db",
        type=value,
        default=argparse.SUPPRESS,
        help="database file (default: $HUSHDESK_DB, else the user data folder)",
    )
    common.add_argument(
        "--agent",
        type=value,
        default=argparse.SUPPRESS,
        help="your name in the deletion log (default: $HUSHDESK_AGENT or login)",
    )
    common.add_argument(
        "--wait",
        type=seconds,
        default=argparse.SUPPRESS,
        metavar="SECONDS",
        help="how long to wait for another hushdesk's write lock (default: $HUSHDESK_WAIT or 15)",
    )
    common.add_argument(
        "--theme",
        type=value,
        default=argparse.SUPPRESS,
        help="any Textual theme, e.g. ansi-dark (default: $HUSHDESK_THEME)",
    )
    return common


class _Adder:
    """Adds sub-commands that share the common options (`only`: that one alone)."""

    def __init__(
        self, add_parser: Callable[..., Parser], common: Parser, only: str | None
    ) -> None:
        self.add_parser, self.common, self.only = add_parser, common, only

    def __call__(self, name: str, func: Command, text: str) -> Parser:
        assert name in NAMES, name
        if self.only is not None and name != self.only:
            return cast(Parser, _Unbuilt())
        p = self.add_parser(name, parents=[self.common], help=text, description=text)
        p.set_defaults(func=func)
        return p


def build_parser(only: str | None = None) -> Parser:
    """The whole grammar; or, with `only`, one sub-command's ("": none) that raises on a
    mistake instead of printing it (see `parse`)."""
    kind: type[Parser] = Parser if only is None else _Quiet
    common = _common(kind)
    parser = kind(
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
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=kind)
    add = _Adder(sub.add_parser, common, only)
    _data_parsers(add)
    _policy_parsers(add)
    _demo_parsers(add)
    return parser


def _data_parsers(add: _Adder) -> None:
    p = add("demo", commands.cmd_demo, "fill the database with a demo help desk")
    p.add_argument("--conversations", type=_count, default=1000)
    p.add_argument("--seed", type=_count, default=7)
    p.add_argument("--add", action="store_true", help="add to a database that holds data")
    p = add("import", commands.cmd_import, "import a .jsonl file, an mbox file or a Maildir")
    p.add_argument("file", type=value)
    p.add_argument(
        "--ours",
        nargs="+",
        type=value,
        metavar="ADDRESS",
        help="the help desk's own mail addresses (kept as a setting)",
    )
    p = add("settings", commands.cmd_settings, "show or change the help desk's settings")
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
    ).add_argument("contact", metavar="CONTACT", type=value, help="id, email or phone")
    _attr_parser(add("attr", commands.cmd_attr, "list, set or delete a contact's attributes"))
    _request_parsers(add)


def _request_parsers(add: _Adder) -> None:
    """Access and erasure requests: a person named by one or more identifiers."""
    who = "a contact id, an email or a phone number (any punctuation)"
    p = add(
        "person", requests.cmd_person, "everything held about a person, and where others name them"
    )
    p.add_argument("identifiers", nargs="+", metavar="IDENTIFIER", type=value, help=who)
    p.add_argument("--json", action="store_true")
    p = add("export", requests.cmd_export, "an access request: everything about a person, as JSON")
    p.add_argument("identifiers", nargs="+", metavar="IDENTIFIER", type=value, help=who)
    p.add_argument("--out", type=value, required=True, metavar="FILE", help="a new file")
    p = add("erase", requests.cmd_erase, "an erasure request: delete a person everywhere")
    p.add_argument("identifiers", nargs="+", metavar="IDENTIFIER", type=value, help=who)
    p.add_argument("--reference", type=value, required=True, metavar="REF", help="the request's")
    p.add_argument("--keep-held", action="store_true", help="keep conversations on legal hold")
    p.add_argument("--dry-run", action="store_true", help="print what would go; change nothing")
    p.add_argument("--receipt", type=value, metavar="FILE", help="write the receipt (JSON)")
    p = add("redact", requests.cmd_redact, "replace texts in one conversation with [redacted]")
    p.add_argument("conversation", metavar="CONVERSATION", type=value)
    p.add_argument("texts", nargs="+", metavar="TEXT", type=value)


def _policy_parsers(add: _Adder) -> None:
    _assistant_parser(add("assistant", commands.cmd_assistant, "per-channel retention assistants"))
    p = add("sweep", commands.cmd_sweep, "run every enabled assistant once (for cron)")
    p.add_argument("--dry-run", action="store_true", help="only print what would be deleted")
    p.add_argument("--channel", type=value, help="only this channel's assistant")
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


def _demo_parsers(add: _Adder) -> None:
    p = add(
        "demo-session",
        commands.cmd_demo_session,
        "the app on a throwaway demo database, removed on exit (for ForceCommand)",
    )
    p.add_argument("--dir", type=Path, help="folder for the demo database (default: a new one)")
    p.add_argument("--error-log", type=Path, help="where the app's errors go (default: --dir)")
    p.add_argument("--seed", type=_count, default=7)
    p = add("ssh-demo", commands.cmd_ssh_demo, "an SSH server giving each visitor a demo inbox")
    _limits(p, 2222)
    p.add_argument("--login-seconds", type=seconds, default=30.0, help="to start the app")
    p.add_argument("--per-address", type=_positive, default=3, help="connections from one address")
    p.add_argument("--host-key", type=Path, help="kept between starts (default: user data folder)")
    p.add_argument("--authorized-keys", type=value, help="only these public keys may log in")
    p = add("serve", commands.cmd_serve, "the demo inbox in a browser, one database per session")
    _limits(p, 8000)


def _limits(p: Parser, port: int) -> None:
    """Where a demo host listens and what one visitor may take."""
    p.add_argument("--host", type=value, default="127.0.0.1")
    p.add_argument("--port", type=_port, default=port)
    p.add_argument("--max-sessions", type=_positive, default=10)
    p.add_argument("--session-minutes", type=_minutes, default=30.0)
    p.add_argument("--idle-minutes", type=_minutes, default=10.0)


def _attr_parser(p: argparse.ArgumentParser) -> None:
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


def _assistant_parser(p: argparse.ArgumentParser) -> None:
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    actions.add_parser("ls", help="list every channel's assistant").add_argument(
        "--json", action="store_true"
    )
    st = actions.add_parser("set", help="set a channel's days, or off")
    st.add_argument("channel", metavar="CHANNEL", type=value)
    st.add_argument("days", metavar="DAYS|off", type=value)
