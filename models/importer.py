"""Importing contacts and conversations: JSON Lines, mbox files and Maildir folders.

A whole file is imported in one transaction: a malformed JSON line is refused
with its line number and nothing of the file stays. Mail is imported as the
threads it holds (`mail_import`); what cannot be a message (no sender address,
random bytes, a FIFO or a dangling link in a Maildir, parts nested too deeply)
is skipped and reported by its mbox number or Maildir file and its Message-ID;
everything else is taken. Attributes that arrive this way have source `api`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from dateutil import parser as date_parser

from . import mail_import
from .contacts import create_contact, resolve_contact, set_attribute
from .intake import NewMessage, create_conversation
from .mail import mbox
from .mail import message as mail
from .mail import sources as mailbox_files
from .mail.raw import RawMail
from .mail.reader import Progress
from .store import engine, outcome
from .store.engines.base import DRIVER_ERRORS
from .store.errors import HushdeskError, InvalidInput
from .store.guard import cause, guarded

MAX_LINE = 2_000_000
HEAD = 4096  # bytes read to tell mail from JSON Lines
BULK_LOAD = 1000  # conversations; after an import this large the index is merged, stats refreshed


@dataclass
class ImportResult:
    contacts: int = 0
    conversations: int = 0
    messages: int = 0
    refs: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # "message 7: it has no sender address"
    note: str = ""  # something that did not work after the import committed
    joined: int = 0  # mail: messages that joined conversations of an earlier import
    duplicates: int = 0  # mail: messages already stored, not stored again
    ours: list[str] = field(default_factory=list)  # mail: the help desk's own addresses
    ours_from: str = ""  # "given", "setting" or "inferred"
    read: int = 0  # mail: every item read (messages + duplicates + skipped)
    undated: int = 0  # mail: imported messages without a usable Date:
    unclear: int = 0  # mail: imported messages whose sender is unclear
    reused: list[str] = field(default_factory=list)  # mail: kept though their id was taken
    suggested: str = ""  # mail: an address that may be ours, said but not applied
    suggested_share: tuple[int, int] = (0, 0)  # mail: (messages it received, the desk's)
    gone: int = 0  # mail: messages deleted here before (a tombstone), left out
    placed: dict[str, int] = field(default_factory=dict)  # mail: each message's conversation


@guarded
def import_path(
    path: str | Path, ours: Sequence[str] | None = None, progress: Progress | None = None
) -> ImportResult:
    """Import a .jsonl file, an mbox file or a Maildir folder, all or nothing.

    `ours` names the help desk's own mail addresses (kept as the setting);
    `progress` hears how many messages of a mailbox were read.
    """
    result = _import(Path(path), ours, progress)
    if result.conversations >= BULK_LOAD:
        try:
            engine.after_bulk_load()
        except DRIVER_ERRORS as error:  # the import is committed: say so, and what is left
            result.note = (
                f"the search index was not merged ({cause(error)}); "
                "searches stay correct, only slower, until the next import or demo"
            )
    return result


def _import(path: Path, ours: Sequence[str] | None, progress: Progress | None) -> ImportResult:
    """The one place the kind of source is decided: a Maildir, an mbox, or JSON Lines."""
    try:
        there = bool(str(path).strip()) and path.exists()
    except OSError as error:  # a name too long, or no search right on a folder above it
        raise InvalidInput(f"{str(path)[:80]}: cannot be read ({error.strerror})") from None
    if not there:
        raise InvalidInput(f"{path}: no such file or folder")
    if path.is_dir():
        if not (path / "cur").is_dir() or not (path / "new").is_dir():
            raise InvalidInput(f"{path}: a folder must be a Maildir (with cur/ and new/)")
        return _import_mail(mailbox_files.maildir(path), ours, progress)
    if not path.is_file():
        raise InvalidInput(f"{path}: not a regular file")
    if is_mail(path):
        return _import_mail(mailbox_files.mbox(path), ours, progress)
    if ours:
        raise InvalidInput("--ours is for mail (an mbox file or a Maildir folder)")
    return _import_jsonl(path)


def is_mail(path: Path) -> bool:
    """Whether a file is mail: an mbox, or one message (its headers first).

    An mbox is known by a `From ` line that header fields follow, in its first
    few kilobytes (after a byte-order mark, blank lines or a note a program
    wrote first); anything else is read as JSON Lines.
    """
    with path.open("rb") as handle:
        head = handle.read(HEAD).removeprefix(mbox.BOM).lstrip(b" \t\r\n")
    return mbox.opens_headers(head, 0) or mbox.has_separator(head)


def _import_jsonl(path: Path) -> ImportResult:
    result = ImportResult()
    with outcome.transaction():
        try:
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    _import_line(line, result, f"{path.name}:{number}")
        except UnicodeDecodeError:
            raise InvalidInput(f"{path.name}: not UTF-8 text; nothing was imported") from None
    return result


def _import_line(line: str, result: ImportResult, where: str) -> None:
    if not line.strip():
        return
    try:
        if len(line) > MAX_LINE:
            raise InvalidInput(f"line longer than {MAX_LINE:,} characters")
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError) as error:
            raise InvalidInput(
                f"not JSON ({getattr(error, 'msg', 'too deeply nested')})"
            ) from None
        if not isinstance(record, dict):
            raise InvalidInput("each line must be a JSON object")
        kind = record.get("type")
        if kind == "contact":
            _import_contact(record, result)
        elif kind == "conversation":
            _import_conversation(record, result)
        else:
            raise InvalidInput('"type" must be "contact" or "conversation"')
    except HushdeskError as error:
        raise InvalidInput(f"{where}: {error}; nothing was imported") from None


def _text(record: dict[str, object], key: str, default: str = "") -> str:
    value = record.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidInput(f'"{key}" must be a string')
    if any("\ud800" <= ch <= "\udfff" for ch in value):
        raise InvalidInput(f'"{key}" is not valid Unicode (it has a lone surrogate)')
    return value


def _import_contact(record: dict[str, object], result: ImportResult) -> None:
    contact_id = create_contact(
        _text(record, "name"), _text(record, "email"), _text(record, "phone")
    )
    attributes = record.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise InvalidInput('"attributes" must be an object of key: value')
    for key, value in attributes.items():
        if not isinstance(value, str | int | float | bool):
            raise InvalidInput(f"attribute {key[:40]!r} must be a string or a number")
        set_attribute(contact_id, _text({"key": key}, "key"), _text({"v": str(value)}, "v"), "api")
    ref = record.get("id")
    if ref is not None:
        result.refs[str(ref)] = contact_id
    result.contacts += 1


def _when(value: object, label: str) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 64:
        raise InvalidInput(f'"{label}" must be a date string')
    try:
        parsed = date_parser.parse(value)
    except (ValueError, OverflowError, TypeError):
        raise InvalidInput(f'"{label}" is not a date: {value[:40]!r}') from None
    when = mail.sane_date(parsed)
    if when is None:
        raise InvalidInput(f'"{label}" is not between 1970 and tomorrow: {value[:40]!r}')
    return when


def _contact_ref(record: dict[str, object], result: ImportResult) -> int | None:
    ref = record.get("contact")
    if ref is None:
        return None
    ref = _text({"contact": str(ref)}, "contact")
    return result.refs[ref] if ref in result.refs else resolve_contact(ref)


def _import_conversation(record: dict[str, object], result: ImportResult) -> None:
    raw = record.get("messages") or []
    if not isinstance(raw, list) or not all(isinstance(m, dict) for m in raw):
        raise InvalidInput('"messages" must be a list of objects')
    messages = [
        NewMessage(_text(m, "author", "customer"), _text(m, "body"), _when(m.get("sent"), "sent"))
        for m in raw
    ]
    held = record.get("held", False)
    if not isinstance(held, bool):
        raise InvalidInput('"held" must be true or false')
    create_conversation(
        channel=_text(record, "channel", "Email"),
        kind=_text(record, "kind", "email"),
        contact_id=_contact_ref(record, result),
        subject=_text(record, "subject"),
        messages=messages,
        status=_text(record, "status", "open"),
        created_at=_when(record.get("created"), "created"),
        held=held,
    )
    result.conversations += 1
    result.messages += len(messages)


def _import_mail(
    items: Iterable[RawMail], ours: Sequence[str] | None, progress: Progress | None
) -> ImportResult:
    """Raw mail from any source (below here, nothing knows of files)."""
    return ImportResult(**asdict(mail_import.import_mail(items, ours, progress)))
