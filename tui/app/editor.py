"""Writing a reply in the agent's own editor ($VISUAL, else $EDITOR), as mutt offers.

The text goes to a file in a new folder only the agent can read, the editor
runs on it, and the folder is removed whatever happens.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path


def chosen_editor() -> list[str] | None:
    """The agent's editor command, or None when neither variable names one."""
    for name in ("VISUAL", "EDITOR"):
        found = os.environ.get(name, "").strip()
        if found:
            try:
                return shlex.split(found)
            except ValueError:
                return None
    return None


def edited(text: str, editor: list[str]) -> str | None:
    """The text after the editor ran on it; None when the editor failed (the text stays)."""
    folder = tempfile.mkdtemp(prefix="hushdesk-reply-")
    try:
        path = Path(folder) / "reply.txt"
        path.write_text(text, encoding="utf-8")
        try:
            done = subprocess.run([*editor, str(path)], check=False)
        except OSError:
            return None
        if done.returncode != 0:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
