"""What hushdesk says about outcomes, in one place: the command line and the app say it alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .text import plural, safe

if TYPE_CHECKING:
    from models import Cleanup, RequestInfo


def social_notice(channels: list[str]) -> str:
    names = ", ".join(safe(c) for c in channels)
    return (
        f"From {names}: hushdesk deletes only its own copy; the copy on {names} "
        "must be deleted on the platform itself."
    )


def cleanup_note(cleanup: Cleanup) -> str:
    """What a committed deletion still owes before its text is gone from every byte."""
    parts = []
    if cleanup.shards:
        parts.append(f"their words stay in {plural(cleanup.shards, 'search-index shard')}")
    if cleanup.wal:
        parts.append(
            "the old text stays in the write-ahead log (and the main file) until another "
            "program reading the database finishes"
        )
    why = f" ({safe(cleanup.reason)})" if cleanup.reason else ""
    return (
        f"Not yet gone from every byte: {'; '.join(parts)}{why}. hushdesk finishes it then, "
        "at its next start or in the running app; hushdesk verify-gone shows what is left."
    )


def due_words(request: RequestInfo) -> str:
    """How a request stands against its clock: "overdue by 3 days", "due today", "4 days left"."""
    if not request.open:
        return request.state
    left = request.days_left
    if left < 0:
        return f"overdue by {plural(-left, 'day')}"
    return "due today" if left == 0 else f"{plural(left, 'day')} left"
