"""The messages of an mbox file or a Maildir folder, as raw mail the import reads one at a time.

Neither is read through the standard `mailbox` module: a Maildir may hold a
FIFO (opening it would block forever), a dangling link or a folder where a
message should be, and an mbox message's date on its `From ` line is wanted
when the message has no `Date:`. An mbox is split by `mbox.split`; which of the
two a path is, `importer` decides. A
Maildir's folders that are Maildirs themselves (`.Sent`, `Archive/2024`) are
read too; a Maildir is its own folders: a link that leads out of it (a message
file, or `cur/` itself) is skipped and named, never followed. Each item is
labelled the way a person finds it again: `message 7` in an mbox,
`cur/1700000000.M1P2.host:2,S` in a Maildir.
"""

from __future__ import annotations

import mmap
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from . import mbox as mbox_format
from .message import sane_date
from .raw import MailItem, RawMail

MAX_MESSAGE = mbox_format.MAX_MESSAGE
MAX_DEPTH = 8  # Maildirs inside Maildirs
OUTSIDE = "a link out of the Maildir (not followed)"


@dataclass(frozen=True)
class MaildirFile:
    """A Maildir file not read yet: read where `load()` is called (a worker process)."""

    path: str
    label: str
    root: str  # the Maildir's real path: what the file must resolve inside

    def load(self) -> MailItem:
        return maildir_file(Path(self.path), self.label, Path(self.root))


def maildir(path: Path) -> Iterator[RawMail]:
    """Every message of a Maildir folder (new/ then cur/, then the Maildirs inside), in order."""
    root = Path(os.path.realpath(path))
    yield from maildir_files(root, root)


def maildir_files(folder: Path, root: Path, prefix: str = "", depth: int = 0) -> Iterator[RawMail]:
    """Every file of a Maildir (new/ then cur/, then the Maildirs inside), not read yet."""
    for sub in ("new", "cur"):
        place = folder / sub
        if place.is_symlink() and not _inside(place, root):
            yield MailItem(f"{prefix}{sub}/", b"", problem=OUTSIDE)
            continue
        names = sorted(entry.name for entry in os.scandir(place))
        for name in names:
            if not name.startswith("."):
                yield MaildirFile(str(place / name), f"{prefix}{sub}/{name}", str(root))
    if depth < MAX_DEPTH:
        for inner in _inner_maildirs(folder):
            yield from maildir_files(folder / inner, root, f"{prefix}{inner}/", depth + 1)


def _inside(path: Path, root: Path) -> bool:
    """Whether `path`, its links resolved, lies inside the Maildir `root` (a real path)."""
    real = os.path.realpath(path)
    return real == str(root) or real.startswith(str(root) + os.sep)


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


def maildir_file(path: Path, label: str, root: Path) -> MailItem:
    """One file's bytes, opened without blocking, checked to be a regular file of the Maildir."""
    if path.is_symlink() and not _inside(path, root):
        return MailItem(label, b"", problem=OUTSIDE)
    try:
        fd = os.open(os.path.realpath(path), os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW)
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
    return MailItem(label, data, when, dated_by="file" if when else "")


def _read_fd(fd: int, size: int) -> bytes:
    """The whole file (it may have grown since fstat: read on to the end, within the limit)."""
    chunks = [os.read(fd, size + 1)]
    while chunks[-1] and sum(map(len, chunks)) <= MAX_MESSAGE:
        chunks.append(os.read(fd, 1 << 16))
    return b"".join(chunks)


def mbox(path: Path) -> Iterator[MailItem]:
    """Every message of an mbox file, in order (see `mbox.split`)."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield from mbox_format.split(data)
