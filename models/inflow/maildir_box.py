"""A Maildir as a mailbox to fetch from: its new/ and cur/ files, named by their unique names.

A Maildir file's name changes as a mail client reads it (new/ to cur/, flags
after `:2,`), but the part before the colon stays: that unique name is what
is recorded as taken. Files are read as the import reads them (no links out,
no FIFOs, nothing too large); a file that vanishes between the listing and
the reading is left for the next fetch, never recorded as taken. Only the
Maildir's own new/ and cur/ are read: the folders inside it (where `move`
puts fetched mail) are not this source.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from ..mail.raw import MailItem
from ..mail.sources import maildir_file
from . import sources as intake
from .box import GONE, MOVED, SEEN_HERE, FetchFailed, Places
from .sources import Source


def unique(name: str) -> str:
    return name.split(":", 1)[0]


class MaildirBox:
    validity = "maildir"

    def __init__(self, source: Source) -> None:
        self.source = source
        self.root = Path(os.path.realpath(source.where.path))
        if not (self.root / "cur").is_dir() or not (self.root / "new").is_dir():
            raise FetchFailed(f"{source.where.path}: not a Maildir any more (no cur/ or new/)")
        self.files: dict[str, Path] = {}

    def listing(self) -> list[str]:
        self.files = {}
        for sub in ("new", "cur"):
            try:
                entries = sorted(os.scandir(self.root / sub), key=lambda e: e.name)
            except OSError as error:
                raise FetchFailed(f"{sub}/ cannot be read ({error.strerror})") from None
            for entry in entries:
                if not entry.name.startswith("."):
                    self.files.setdefault(unique(entry.name), Path(entry.path))
        return list(self.files)

    def _find(self, name: str) -> Path | None:
        """The file now (a mail client may have moved it from new/ to cur/ meanwhile)."""
        known = self.files.get(name)
        if known is not None and os.path.lexists(known):
            return known
        for sub in ("cur", "new"):
            for entry in os.scandir(self.root / sub):
                if unique(entry.name) == name:
                    return Path(entry.path)
        return None

    def load(self, names: Sequence[str]) -> list[tuple[str, MailItem]]:
        loaded = []
        for name in names:
            path = self._find(name)
            if path is None:
                continue
            item = maildir_file(path, f"{path.parent.name}/{path.name}", self.root)
            if item.problem == "a link to nothing" and not os.path.lexists(path):
                continue  # gone between the listing and the reading: the next fetch sees
            loaded.append((name, item))
        return loaded

    def settle(self, names: Sequence[str]) -> Places:
        after, places = self.source.after, {}
        if after == intake.KEEP:
            return {}
        target = self._folder() if after == intake.MOVE else None
        for name in names:
            path = self._find(name)
            if path is None:
                continue
            try:
                if after == intake.DELETE:
                    os.unlink(path)
                    places[name] = GONE
                elif target is not None:
                    os.rename(path, target / "cur" / _seen(path.name))
                    places[name] = MOVED
                elif after == intake.SEEN:
                    if path.parent.name == "new":
                        os.rename(path, self.root / "cur" / _seen(path.name))
                    places[name] = SEEN_HERE
            except FileNotFoundError:
                continue
            except OSError as error:
                raise FetchFailed(f"the copy could not be {after}d ({error.strerror})") from None
        return places

    def purge(self, copies: Sequence[tuple[str, str]]) -> list[str]:
        done = []
        for name, place in copies:
            folder = self._folder() if place == MOVED else self.root
            for sub in ("new", "cur"):
                for entry in os.scandir(folder / sub):
                    if unique(entry.name) == name:
                        try:
                            os.unlink(entry.path)
                        except FileNotFoundError:
                            pass
                        except OSError as error:
                            raise FetchFailed(
                                f"a copy could not be deleted ({error.strerror})"
                            ) from None
            done.append(name)
        return done

    def _folder(self) -> Path:
        """The Maildir++ folder `move` puts messages in (`hushdesk/done`: `.hushdesk.done`)."""
        folder = self.root / ("." + self.source.folder.replace("/", "."))
        for sub in ("tmp", "new", "cur"):
            (folder / sub).mkdir(parents=True, exist_ok=True)
        return folder

    def close(self) -> None:
        return


def _seen(name: str) -> str:
    base, _, flags = name.partition(":2,")
    return f"{base}:2,{''.join(sorted(set(flags + 'S')))}"
