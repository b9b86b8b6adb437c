"""The command line's grammar: every sub-command, option and the checks on their values.

A value that cannot be right (empty, not a number, not a port) is refused by
the parser itself, in one line, before anything is opened.

Every sub-command is declared once, in `table`. Building all of their parsers
takes longer than a search, so `parse` first builds only the sub-command the
arguments name (or none); when those arguments do not fit it, the whole grammar
parses them again and says why.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any

import models

from ..text import safe
from .checks import interval, seconds, value
from .table import BY_NAME, COMMANDS

NAMES = tuple(BY_NAME)  # every sub-command, in the table's order


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


def parse(argv: Sequence[str]) -> argparse.Namespace:
    """The arguments, parsed by the grammar of the sub-command they name (else all of it)."""
    if not {"-h", "--help"} & set(argv):
        named = next((arg for arg in argv if arg in NAMES), "")
        try:
            return build_parser(only=named).parse_args(argv)
        except _NotThisOne:
            pass  # a mistake, or the name was another option's value: the whole grammar decides
    return build_parser().parse_args(argv)


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
        type=interval,
        default=models.DEFAULT_INTERVAL,
        metavar="TIME",
        help="how often the app runs the assistants (90s, 15m, 1h; default 1h)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=kind)
    for command in COMMANDS:
        if only is None or command.name == only:
            p = sub.add_parser(
                command.name, parents=[common], help=command.help, description=command.help
            )
            p.set_defaults(func=command.run)
            command.arguments(p)
    return parser
