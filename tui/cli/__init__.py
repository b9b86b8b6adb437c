"""`hushdesk`: parse arguments, open the database, run a sub-command or the app.

Exit codes: 0 done; 1 refused or failed, with one line on stderr and nothing
changed; 3 done, but a deletion's text is not yet gone from every byte (the
line says what is pending; hushdesk finishes it later by itself). Never a
traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

import models

from ..places import default_db
from ..text import safe
from ..wording import cleanup_note
from . import first_frame
from .checks import seconds
from .commands import EXIT_CANNOT_TELL, EXIT_PENDING
from .parser import parse
from .table import CREATES, NONE, READS, command


def check_arguments(argv: Sequence[str]) -> None:
    """Every argument must be text: invalid UTF-8 and NUL bytes are refused, by any command."""
    for number, arg in enumerate(argv, start=1):
        if "\x00" in arg:
            raise models.InvalidInput(f"argument {number} contains a NUL byte")
        if any("\ud800" <= ch <= "\udfff" for ch in arg):
            raise models.InvalidInput(f"argument {number} is not valid UTF-8 ({safe(arg, 40)})")


def check_terminal() -> None:
    """The app draws on a terminal and reads keys from it: without one it would run unseen,
    for ever (a cron line, a pipe)."""
    for name, stream in (("input", sys.stdin), ("output", sys.stdout)):
        if stream is None or not stream.isatty():
            raise models.InvalidInput(
                f"the app needs a terminal, and its {name} is not one; "
                "a script uses the sub-commands (hushdesk --help)"
            )


def resolve_db(args: argparse.Namespace) -> str:
    """A file path or a PostgreSQL URL (kept as typed: a URL is not a path)."""
    given = getattr(args, "db", None)
    if given is None:
        given = os.environ.get("HUSHDESK_DB")
        if given is not None and not given.strip():
            raise models.InvalidInput("HUSHDESK_DB is set but empty; give a database file")
    return str(given) if given else str(default_db())


def resolve_wait(args: argparse.Namespace) -> float:
    given = getattr(args, "wait", None)
    if given is not None:
        return float(given)
    text = os.environ.get("HUSHDESK_WAIT")
    if text is None:
        return models.BUSY_TIMEOUT_S
    try:
        return seconds(text)
    except argparse.ArgumentTypeError as error:
        raise models.InvalidInput(f"HUSHDESK_WAIT: {error}") from None


def resolve_theme(args: argparse.Namespace) -> str | None:
    theme = getattr(args, "theme", None) or os.environ.get("HUSHDESK_THEME") or None
    if theme is None or not command(args.command).theme:
        return None
    from textual.theme import BUILTIN_THEMES

    if theme not in BUILTIN_THEMES:
        raise models.InvalidInput(
            f"unknown theme {safe(theme, 40)!r}; choose from {', '.join(sorted(BUILTIN_THEMES))}"
        )
    return theme


def resolve_agent(args: argparse.Namespace) -> str:
    agent = getattr(args, "agent", None) or os.environ.get("HUSHDESK_AGENT")
    if not agent:
        import getpass  # here: it loads the terminal's modules, which a search never needs

        try:
            agent = getpass.getuser()
        except (KeyError, OSError):
            agent = "agent"
    return agent


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command; its exit code."""
    return _run(argv)[0]


def _run(argv: Sequence[str] | None) -> tuple[int, bool]:
    """The exit code, and whether the command only read (then nothing is left to close)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    check_arguments(argv)
    args = parse(argv)
    args.agent = resolve_agent(args)
    args.db = resolve_db(args)
    args.theme = resolve_theme(args)
    chosen = command(args.command)
    if args.command is None:
        check_terminal()
    if chosen.database == NONE:
        return int(chosen.run(args) or 0), False
    drawn = args.command is None and first_frame.paint_early(args.db)  # before Peewee loads
    try:
        wait = resolve_wait(args)
        if chosen.database == READS and models.open_read_only(args.db, wait):
            try:
                code = int(chosen.run(args) or 0)  # without loading Peewee
            finally:
                models.close_read_only()
            return code, True
        models.open_database(args.db, busy_timeout=wait, create=chosen.database == CREATES)
        try:
            if args.command is None:
                drawn = drawn or first_frame.paint()  # the newest rows, while Textual loads
            return int(chosen.run(args) or 0), False
        finally:
            models.close_database()
    except BaseException:
        if drawn:  # the app did not start, or ended badly: back to the shell's screen
            first_frame.leave()
        raise


def main(argv: Sequence[str] | None = None) -> None:
    only_read = False
    try:
        code, only_read = _run(argv)
    except models.DoneButLost as done:
        code = said_done(done)
    except models.CannotTell as error:  # not 1: something may have been done
        print(f"hushdesk: {safe(error, 500)}", file=sys.stderr)
        code = EXIT_CANNOT_TELL
    except models.HushdeskError as error:
        print(f"hushdesk: {safe(error, 500)}", file=sys.stderr)
        code = 1
    except KeyboardInterrupt:
        code = 130
    except BrokenPipeError:
        sys.stderr.close()
        code = 0
    except Exception as error:  # a bug: still one line, and the way to see more
        if os.environ.get("HUSHDESK_DEBUG"):
            raise
        name = type(error).__name__
        print(
            f"hushdesk: unexpected {name}: {safe(error, 300)} "
            "(a bug; HUSHDESK_DEBUG=1 shows where)",
            file=sys.stderr,
        )
        code = 1
    if argv is None and only_read:  # the command line itself, not a caller's test
        leave_at_once(code)
    sys.exit(code)


def said_done(done: models.DoneButLost) -> int:
    """A change that committed though its connection was lost: said, and its clean-up tried."""
    print(f"hushdesk: {safe(done, 500)}.")
    try:
        left = models.finish_cleanup()
    except models.HushdeskError as error:
        print(f"hushdesk: its clean-up waits for the next start ({safe(error, 300)}).")
        return EXIT_PENDING
    if left is not None and not left.done:
        print(cleanup_note(left))
        return EXIT_PENDING
    return 0


def leave_at_once(code: int) -> NoReturn:
    """Exit without the interpreter's teardown, which frees every module one by one and
    takes about a tenth of a search. Only after a command that read: nothing is left to
    write, commit or close but the output, flushed here."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # the reader left (`| head`): what it wanted, it has
        code = 0
    try:
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass
    os._exit(code)
