"""The mail sources hushdesk fetches from: added, listed and removed by name.

A source is a place (`where`), the path of a file holding its password (read
at each fetch, never stored or shown), a CA file to trust beside the system's,
and what becomes of the server's copy once a message is in (`after`): `keep`
it, mark it `seen`, `move` it to a folder (the default, `hushdesk/done`), or
`delete` it. Removing a source forgets what it took: fetching it again after
adding it anew finds every message a duplicate or a tombstone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..store import clock, outcome
from ..store.errors import InvalidInput, NotFound
from ..store.guard import guarded
from . import where as places
from .tables import IntakeSource

KEEP, SEEN, MOVE, DELETE = "keep", "seen", "move", "delete"
AFTER = (KEEP, SEEN, MOVE, DELETE)
DONE_FOLDER = "hushdesk/done"
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")


@dataclass(frozen=True)
class Source:
    """A source as stored: its place is shown without any secret."""

    id: int
    name: str
    where: places.Where
    password_file: str
    ca_file: str
    after: str
    folder: str
    last_fetch: datetime | None
    next_fetch: datetime | None
    last_error: str
    failures: int
    taken: int


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise InvalidInput(
            "a source's name is 1 to 64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit"
        )
    return name


def _check_file(path: str, what: str) -> str:
    if not path:
        return ""
    if any(not ch.isprintable() for ch in path) or len(path) > 4096:
        raise InvalidInput(f"the {what} path holds a control character or is too long")
    absolute = Path(path).expanduser().absolute()
    if not absolute.is_file():
        raise InvalidInput(f"{what} {absolute}: no such file")
    return str(absolute)


def check_after(after: str, folder: str, where: places.Where) -> tuple[str, str]:
    """What becomes of the server's copy: (action, folder); a folder only with `move`."""
    if after not in AFTER:
        raise InvalidInput("--after-intake is keep, seen, move or delete")
    if after != MOVE:
        if folder:
            raise InvalidInput("a folder is given only with --after-intake move")
        return after, ""
    folder = folder or DONE_FOLDER
    if any(not ch.isprintable() for ch in folder) or len(folder) > 200 or folder.startswith("/"):
        raise InvalidInput("the folder is a mailbox name of at most 200 printable characters")
    if where.kind == places.MAILDIR and ".." in folder.split("/"):
        raise InvalidInput("a Maildir's folder stays inside it (no '..')")
    if where.kind != places.MAILDIR and folder == where.mailbox:
        raise InvalidInput("the folder to move to is the mailbox fetched from")
    return MOVE, folder


@guarded
def add_source(
    name: str,
    url: str,
    password_file: str = "",
    ca_file: str = "",
    after: str = MOVE,
    folder: str = "",
) -> Source:
    """Add a source; its URL is checked now, its password file read only when fetching."""
    name, where = check_name(name), places.parse(url)
    if where.kind == places.MAILDIR:
        if password_file or ca_file:
            raise InvalidInput("a Maildir source takes no password file and no CA file")
        if not (Path(where.path) / "cur").is_dir() or not (Path(where.path) / "new").is_dir():
            raise InvalidInput(f"{where.path}: not a Maildir (with cur/ and new/)")
    elif not password_file:
        raise InvalidInput("an IMAP source needs --password-file (a file holding the password)")
    password_file = _check_file(password_file, "password file")
    ca_file = _check_file(ca_file, "CA file")
    after, folder = check_after(after, folder, where)
    with outcome.transaction():
        if IntakeSource.get_or_none(IntakeSource.name == name) is not None:
            raise InvalidInput(f"there is a source named {name} already")
        IntakeSource.insert(
            name=name,
            url=where.shown(),
            password_file=password_file,
            ca_file=ca_file,
            after=after,
            folder=folder,
            created_at=clock.now(),
            next_fetch=clock.now(),
        ).execute()
    return get_source(name)


def _record(row: IntakeSource) -> Source:
    return Source(
        id=int(row.id),
        name=str(row.name),
        where=places.parse(str(row.url)),
        password_file=str(row.password_file),
        ca_file=str(row.ca_file),
        after=str(row.after),
        folder=str(row.folder),
        last_fetch=row.last_fetch,
        next_fetch=row.next_fetch,
        last_error=str(row.last_error),
        failures=int(row.failures),
        taken=int(row.taken),
    )


@guarded
def get_source(name: str) -> Source:
    row = IntakeSource.get_or_none(IntakeSource.name == name)
    if row is None:
        raise NotFound(f"no source named {check_name(name)}")
    return _record(row)


@guarded
def list_sources() -> list[Source]:
    """Every source, by name, with its last fetch, its next and its last error."""
    return [_record(row) for row in IntakeSource.select().order_by(IntakeSource.name)]


@guarded
def remove_source(name: str) -> None:
    """Remove a source and what it took; the mail it brought stays."""
    with outcome.transaction():
        removed = IntakeSource.delete().where(IntakeSource.name == check_name(name)).execute()
    if not removed:
        raise NotFound(f"no source named {name}")
