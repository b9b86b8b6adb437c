"""Importing contacts and conversations: JSON Lines, mbox files and Maildir folders.

A whole file is imported in one transaction: a malformed line is refused
with its line number and nothing of the file stays. Attributes that arrive
this way have source `api`.
"""

from __future__ import annotations

import json
import mailbox
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import decode_header, make_header
from email.message import Message as EmailMessage
from email.utils import parseaddr, parsedate_to_datetime
from pathlib import Path

from dateutil import parser as date_parser

from . import engine
from .clock import to_utc
from .contacts import create_contact, resolve_contact, set_attribute
from .errors import HushdeskError, InvalidInput
from .intake import NewMessage, add_message, create_conversation
from .schema import Contact

MAX_LINE = 2_000_000
BULK_LOAD = 1000  # conversations; after an import this large the index is merged, stats refreshed
REPLY_RE = re.compile(r"^\s*((re|fwd?|aw|wg)\s*:\s*)+", re.I)


@dataclass
class ImportResult:
    contacts: int = 0
    conversations: int = 0
    messages: int = 0
    refs: dict[str, int] = field(default_factory=dict)


def import_path(path: str | Path) -> ImportResult:
    """Import a .jsonl file, an mbox file or a Maildir folder, all or nothing."""
    result = _import(Path(path))
    if result.conversations >= BULK_LOAD:
        engine.after_bulk_load()
    return result


def _import(path: Path) -> ImportResult:
    if not path.exists():
        raise InvalidInput(f"{path}: no such file or folder")
    if path.is_dir():
        if not (path / "cur").is_dir() or not (path / "new").is_dir():
            raise InvalidInput(f"{path}: a folder must be a Maildir (with cur/ and new/)")
        return _import_mail(mailbox.Maildir(str(path), create=False), str(path))
    with path.open("rb") as handle:
        head = handle.read(5)
    if head == b"From ":
        return _import_mail(mailbox.mbox(str(path), create=False), str(path))
    return _import_jsonl(path)


def _import_jsonl(path: Path) -> ImportResult:
    result = ImportResult()
    with engine.db.atomic():
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


def _text(record: dict, key: str, default: str = "") -> str:
    value = record.get(key, default)
    if value is None:
        return default
    if not isinstance(value, str):
        raise InvalidInput(f'"{key}" must be a string')
    return value


def _import_contact(record: dict, result: ImportResult) -> None:
    contact_id = create_contact(
        _text(record, "name"), _text(record, "email"), _text(record, "phone")
    )
    attributes = record.get("attributes") or {}
    if not isinstance(attributes, dict):
        raise InvalidInput('"attributes" must be an object of key: value')
    for key, value in attributes.items():
        if not isinstance(value, str | int | float | bool):
            raise InvalidInput(f"attribute {key[:40]!r} must be a string or a number")
        set_attribute(contact_id, key, str(value), source="api")
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
        return to_utc(date_parser.parse(value))
    except (ValueError, OverflowError, TypeError):
        raise InvalidInput(f'"{label}" is not a date: {value[:40]!r}') from None


def _contact_ref(record: dict, result: ImportResult) -> int | None:
    ref = record.get("contact")
    if ref is None:
        return None
    ref = str(ref)
    return result.refs[ref] if ref in result.refs else resolve_contact(ref)


def _import_conversation(record: dict, result: ImportResult) -> None:
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


def _header(message: EmailMessage, name: str) -> str:
    raw = message.get(name)
    if raw is None:
        return ""
    try:
        return str(make_header(decode_header(str(raw))))
    except (ValueError, LookupError, UnicodeError):
        return str(raw)


def _body(message: EmailMessage) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    for part in parts:
        if part.get_content_type() == "text/plain" and not part.is_multipart():
            payload = part.get_payload(decode=True) or b""
            charset = part.get_content_charset() or "utf-8"
            try:
                return payload.decode(charset, errors="replace")
            except LookupError:
                return payload.decode("utf-8", errors="replace")
    return ""


def _mail_contact(message: EmailMessage, result: ImportResult) -> int:
    name, address = parseaddr(_header(message, "From"))
    address = address.strip().lower()
    if "@" not in address:
        raise InvalidInput("no sender address in From:")
    if address not in result.refs:
        existing = Contact.get_or_none(Contact.email == address)
        result.refs[address] = existing.id if existing else create_contact(name, address)
        result.contacts += 0 if existing else 1
    return result.refs[address]


def _import_mail(box: mailbox.Mailbox, label: str) -> ImportResult:
    result, threads = ImportResult(), {}
    with engine.db.atomic():
        for number, message in enumerate(box, start=1):
            try:
                _import_mail_message(message, result, threads)
            except HushdeskError as error:
                raise InvalidInput(
                    f"{label}: message {number}: {error}; nothing was imported"
                ) from None
    return result


def _import_mail_message(message: EmailMessage, result: ImportResult, threads: dict) -> None:
    contact_id = _mail_contact(message, result)
    subject = _header(message, "Subject")[:1000]
    try:
        sent = to_utc(parsedate_to_datetime(_header(message, "Date")))
    except (TypeError, ValueError, IndexError):
        sent = None
    key = (contact_id, REPLY_RE.sub("", subject).strip().lower())
    body = _body(message)
    if key in threads:
        add_message(threads[key], "customer", body, sent)
    else:
        threads[key] = create_conversation(
            "Email", contact_id, subject, [NewMessage("customer", body, sent)], kind="email"
        )
        result.conversations += 1
    result.messages += 1
