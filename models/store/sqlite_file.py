"""Opening an SQLite file to read only: one way, for everything that only looks.

The first frame, `hushdesk search`, the byte scan, the check that a file is
hushdesk's and the watcher of other writers all open the file this way: a
`file:` URI with `mode=ro`, so a look never creates, writes or locks the file
for writing. Only the standard library: the first frame opens it before Peewee
(or pathlib) has loaded.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from urllib.parse import quote


def is_regular(path: str | os.PathLike[str]) -> bool:
    """A regular file (or a link to one): asked without opening it, since opening a FIFO
    or a device to read waits for whoever writes it, for ever."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_only(
    path: str | os.PathLike[str], timeout: float = 0.0, threads: bool = False
) -> sqlite3.Connection:
    """The file, opened read-only (`threads`: usable from another thread); raises
    sqlite3.Error when it cannot be, or is not a regular file."""
    if not is_regular(path):
        raise sqlite3.OperationalError(f"{os.fspath(path)} is not a regular file")
    uri = f"file:{quote(os.path.abspath(os.fspath(path)))}?mode=ro"
    return sqlite3.connect(uri, uri=True, timeout=timeout, check_same_thread=not threads)
