"""Writing a new file: never over another one, and never a half-written one under its name.

The text goes to a temporary file beside the target, is synced, and is then
linked to the target's name, which fails rather than replace whatever is
there (a file, a folder, a link to nothing). So a reader never sees part of a
file, a crash leaves at most a temporary `.NAME.*.partial` file, and nothing is
overwritten. A `NewFile` is prepared before the work it records (an erasure
writes its receipt before it commits) and named after it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .errors import InvalidInput, Refused
from .guard import guarded

T = TypeVar("T")


def _target(path: str | Path) -> Path:
    if not str(path).strip() or "\x00" in str(path):
        raise InvalidInput("give a file to write")
    target = Path(path)
    if os.path.lexists(target):
        raise Refused(f"{target} exists: hushdesk never overwrites a file")
    if not target.parent.is_dir():
        raise InvalidInput(f"cannot write {target}: {target.parent} is not a folder")
    return target


class NewFile:
    """A file being written: a temporary file now, `target` once `finish` links it."""

    def __init__(self, path: str | Path) -> None:
        self.target = _target(path)
        self.partial = self.target.with_name(f".{self.target.name}.{secrets.token_hex(4)}.partial")
        try:
            self.fd = os.open(self.partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except OSError as error:
            raise InvalidInput(f"cannot write {self.target}: {error.strerror}") from None

    def write(self, text: str) -> None:
        """Replace what the temporary file holds with `text`, synced to the disk."""
        data = text.encode("utf-8")
        try:
            os.ftruncate(self.fd, 0)
            os.pwrite(self.fd, data, 0)
            os.fsync(self.fd)
        except OSError as error:
            raise InvalidInput(f"cannot write {self.target}: {error.strerror}") from None

    def rewrite(self, text: str) -> str:
        """Replace the temporary file's text whole (a second file renamed over it, so a
        failure leaves the first text as it was); "" when done, else why not."""
        second = self.partial.with_name(f"{self.partial.name}.next")
        try:
            second.write_bytes(text.encode("utf-8"))
            with second.open("rb+") as handle:
                os.fsync(handle.fileno())
            os.replace(second, self.partial)
        except OSError as error:
            second.unlink(missing_ok=True)
            return f"{error.strerror or error}"
        return ""

    def finish(self) -> str:
        """Give the file its name; "" when done, else why it could not be (the text is lost)."""
        try:
            self._close()
            os.link(self.partial, self.target)
        except FileExistsError:
            return f"{self.target} exists now: hushdesk never overwrites a file"
        except OSError as error:
            return f"{error.strerror or error}"
        finally:
            self.discard()
        _sync_folder(self.target.parent)
        return ""

    def _close(self) -> None:
        fd, self.fd = self.fd, -1
        if fd >= 0:
            os.close(fd)

    def discard(self) -> None:
        """Remove the temporary file (the target, if linked, stays)."""
        try:
            self._close()
        except OSError:
            pass
        try:
            self.partial.unlink()
        except OSError:
            pass


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def into_new_file(path: str | Path, write: Callable[[NewFile], T]) -> T:
    """Run `write` on a temporary file beside `path`, then name it `path` (never over a
    file); anything that goes wrong removes the temporary file."""
    new = NewFile(path)
    try:
        result = write(new)
    except BaseException:
        new.discard()
        raise
    problem = new.finish()
    if problem:
        raise InvalidInput(f"cannot write {new.target}: {problem}")
    return result


@guarded
def write_new(path: str | Path, text: str) -> Path:
    """Write a new file whole; refuses to overwrite one, or to write where there is no folder."""

    def write(new: NewFile) -> Path:
        new.write(text)
        return new.target

    return into_new_file(path, write)
