"""The command line parses with only the named sub-command's grammar built: never differently."""

from __future__ import annotations

import argparse
import io
import shutil
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tui.cli.parser import NAMES, build_parser, parse, width


def sub_parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                yield child
                yield from sub_parsers(child)


def words() -> list[str]:
    """Every option and sub-command name anywhere in the grammar."""
    full = build_parser()
    found = {"-h", "--help", "--"}
    for parser in [full, *sub_parsers(full)]:
        for action in parser._actions:
            found.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                found.update(action.choices)
    return sorted(found)


def outcome(parsing: Callable[[], argparse.Namespace]) -> tuple[object, ...]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            return ("parsed", vars(parsing()))
        except SystemExit as done:
            return ("exit", done.code, out.getvalue(), err.getvalue())


def test_every_sub_command_is_named():
    full = build_parser()
    (commands,) = [a for a in full._actions if isinstance(a, argparse._SubParsersAction)]
    assert sorted(commands.choices) == sorted(NAMES)


token = st.one_of(
    st.sampled_from(words()),
    st.sampled_from(["7", "0", "-1", "x.db", "ada@example.com", "off", "15m", "", " "]),
    st.text(max_size=8),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(token, max_size=7))
@example(["--db", "search", "search", "refund"])  # a name as another option's value
@example(["--agent", "log", "search", "--limit", "x", "y"])
@example(["serach", "refund"])
@example([])
@example(["attr"])
@example(["search", "-h"])
def test_parsing_with_one_sub_command_built_is_parsing_with_all(argv):
    assert outcome(lambda: parse(argv)) == outcome(lambda: build_parser().parse_args(argv))


@pytest.mark.parametrize("columns", [None, "100", "41", "0", "-5", "junk"])
def test_the_help_is_as_wide_as_argparse_makes_it(monkeypatch, columns):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert width() == shutil.get_terminal_size().columns - 2
