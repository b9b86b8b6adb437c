"""Reading messages out of an mbox file or a Maildir folder, as bytes, one at a time.

Neither is read through the standard `mailbox` module: a Maildir may hold a
FIFO (opening it would block forever), a dangling link or a folder where a
message should be, and an mbox message's date on its `From ` line is wanted
when the message has no `Date:`. A `From ` line starts a message only when it
looks like one (`From sender date`, with a time of day), so an unescaped "From
time to time" in a body stays in the body. A Maildir's folders that are
Maildirs themselves (`.Sent`, `Archive/2024`) are read too. Each item is
labelled the way a person finds it again: `message 7` in an mbox,
`cur/1700000000.M1P2.host:2,S` in a Maildir.
"""

from __future__ import annotations

import mmap
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from .mail import sane_date

MAX_MESSAGE = 25 * 1024 * 1024
SEPARATOR_RE = re.compile(rb"(?:\A|\n\r?\n)From (\S+ [^\n]*\d:\d\d[^\n]*)\r?\n")
MAX_DEPTH = 8  # Maildirs inside Maildirs
ESCAPED_FROM_RE = re.compile(rb"(?m)^>(>*From )")


@dataclass(frozen=True)
class MailItem:
    label: str  # "message 7" or "cur/<file name>"
    data: bytes
    fallback_date: datetime | None = None  # the mbox From line's date, or the file's time
    problem: str = ""  # why this cannot be a message (then data is empty)


def read_mail(path: Path) -> Iterator[MailItem]:
    """Every message of a Maildir folder (new/ then cur/) or an mbox file, in order."""
    if path.is_dir():
        yield from _maildir(path)
    else:
        yield from _mbox(path)


def _maildir(folder: Path) -> Iterator[MailItem]:
    for path, label in maildir_files(folder):
        yield maildir_file(path, label)


def maildir_files(folder: Path, prefix: str = "", depth: int = 0) -> Iterator[tuple[Path, str]]:
    """Every file of a Maildir (new/ then cur/, then the Maildirs inside), with its label."""
    for sub in ("new", "cur"):
        names = sorted(entry.name for entry in os.scandir(folder / sub))
        for name in names:
            if not name.startswith("."):
                yield folder / sub / name, f"{prefix}{sub}/{name}"
    if depth < MAX_DEPTH:
        for inner in _inner_maildirs(folder):
            yield from maildir_files(folder / inner, f"{prefix}{inner}/", depth + 1)


def _inner_maildirs(folder: Path) -> list[str]:
    """Folders beside cur/ and new/ that are Maildirs themselves (never through links)."""
    found = []
    for entry in os.scandir(folder):
        if entry.name in ("cur", "new", "tmp") or not entry.is_dir(follow_symlinks=False):
            continue
        inner = Path(entry.path)
        if (inner / "cur").is_dir() and (inner / "new").is_dir():
            found.append(entry.name)
    return sorted(found)


def maildir_file(path: Path, label: str) -> MailItem:
    """One file's bytes, opened without blocking and checked to be a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        return MailItem(label, b"", problem="a link to nothing")
    except OSError as error:
        return MailItem(label, b"", problem=f"cannot be read ({error.strerror})")
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return MailItem(label, b"", problem="not a regular file")
        if info.st_size > MAX_MESSAGE:
            return MailItem(label, b"", problem=f"larger than {MAX_MESSAGE >> 20} MB")
        data = _read_fd(fd, info.st_size)
    finally:
        os.close(fd)
    when = sane_date(datetime.fromtimestamp(info.st_mtime, UTC))
    return MailItem(label, data, when)


def _read_fd(fd: int, size: int) -> bytes:
    """The whole file (it may have grown since fstat: read on to the end, within the limit)."""
    chunks = [os.read(fd, size + 1)]
    while chunks[-1] and sum(map(len, chunks)) <= MAX_MESSAGE:
        chunks.append(os.read(fd, 1 << 16))
    return b"".join(chunks)


def _mbox(path: Path) -> Iterator[MailItem]:
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield from _mbox_messages(data)


def _mbox_messages(data: mmap.mmap) -> Iterator[MailItem]:
    """Split at `From ` lines that start the file or follow a blank line; unescape `>From `."""
    marks = list(SEPARATOR_RE.finditer(data))
    for number, mark in enumerate(marks, start=1):
        start = mark.end()
        end = marks[number].start() if number < len(marks) else len(data)
        label = f"message {number}"
        if end - start > MAX_MESSAGE:
            yield MailItem(label, b"", problem=f"larger than {MAX_MESSAGE >> 20} MB")
            continue
        body = ESCAPED_FROM_RE.sub(rb"\1", data[start:end])
        yield MailItem(label, body, _from_line_date(mark.group(1)))


def _from_line_date(line: bytes) -> datetime | None:
    """The date on an mbox `From sender date` line (asctime format), if sane."""
    parts = line.decode("ascii", "replace").split(None, 1)
    if len(parts) < 2:
        return None
    try:
        when = parsedate_to_datetime(parts[1].strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    return sane_date(when)
