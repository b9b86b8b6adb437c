"""The reply settings, kept in the database: the submission server and each agent's signature."""

from __future__ import annotations

from ..settings import _get, _put  # the settings table's one reader and writer
from ..store import outcome
from ..store.errors import InvalidInput
from ..store.guard import guarded
from . import server as smtp_server
from .server import Server

SMTP = "smtp"
SIGNATURE = "signature:"  # + the agent's name
MAX_SIGNATURE = 2_000


@guarded
def smtp() -> Server | None:
    """The submission server replies go through, or None when none is set."""
    found = _get(SMTP)
    return smtp_server.from_json(found) if found else None


@guarded
def set_smtp(url: str | None, password_file: str | None = None) -> Server | None:
    """Set the submission server (None forgets it); the password file is checked, not read."""
    chosen = smtp_server.parse(url, password_file) if url is not None else None
    with outcome.transaction():
        _put(SMTP, chosen.as_json() if chosen else None)
    return chosen


def check_signature(text: str) -> str:
    if len(text) > MAX_SIGNATURE or any(not (c.isprintable() or c in "\n\t") for c in text):
        raise InvalidInput(f"a signature is at most {MAX_SIGNATURE:,} printable characters")
    return text.strip("\n")


@guarded
def signature(agent: str) -> str:
    """The agent's signature ("" when none), added below a new reply."""
    return _get(SIGNATURE + agent) or ""


@guarded
def set_signature(agent: str, text: str | None) -> str:
    checked = check_signature(text) if text is not None else None
    with outcome.transaction():
        _put(SIGNATURE + agent, checked or None)
    return checked or ""
