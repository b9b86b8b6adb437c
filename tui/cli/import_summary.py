"""What `hushdesk import` says of a mailbox: every message read is accounted for.

Messages are named by their place (mbox number, Maildir file) and Message-ID,
never by a sender's address or any text of theirs.
"""

from __future__ import annotations

import models

from ..text import plural, safe

SHOWN = 5  # places named in one line; the rest are counted


def _places(places: list[str]) -> str:
    shown = "; ".join(safe(p, 120) for p in places[:SHOWN])
    more = f"; and {len(places) - SHOWN:,} more" if len(places) > SHOWN else ""
    return shown + more


def mail_lines(result: models.ImportResult) -> list[str]:
    """The summary's lines about mail (none for JSON Lines)."""
    lines: list[str] = []
    if result.read:
        lines.append(
            f"Read {plural(result.read, 'message')}: {result.messages:,} imported, "
            f"{plural(result.duplicates, 'duplicate')}, {len(result.skipped):,} skipped"
            + (f", {result.gone:,} deleted before." if result.gone else ".")
        )
    if result.gone:
        lines.append(
            f"Left out {plural(result.gone, 'message')} deleted from this help desk before "
            "(a tombstone of its Message-ID or bytes): deleted mail never comes back."
        )
    if result.joined:
        joined = plural(result.joined, "message")
        lines.append(f"{joined} joined conversations of earlier imports.")
    if result.duplicates:
        lines.append(f"Skipped {plural(result.duplicates, 'duplicate')} (already stored once).")
    if result.reused:
        lines.append(
            f"{plural(len(result.reused), 'message')} had the Message-ID of a different message "
            f"(another sender and text); both were kept: {_places(result.reused)}."
        )
    if result.unclear:
        lines.append(
            f"{plural(result.unclear, 'message')} had an unclear sender (From: names several "
            "mailboxes, or none the standard allows): each such sender is a new contact marked "
            '"sender unclear", never an existing one.'
        )
    if result.undated:
        lines.append(
            f"{plural(result.undated, 'message')} had no usable Date: and were dated by their "
            "newest Received: line, the mbox From line or the file's time."
        )
    lines += _ours(result)
    if result.skipped:
        count = plural(len(result.skipped), "item")
        lines.append(f"Skipped {count} that cannot be messages: {_places(result.skipped)}.")
    return lines


def _ours(result: models.ImportResult) -> list[str]:
    shown = ", ".join(safe(a, 80) for a in result.ours)
    received, mail = result.suggested_share
    if result.ours_from == "inferred":
        return [
            f"Ours (inferred: the address most messages were sent to): {shown}. "
            f"It received {received:,} of the help desk's {mail:,} messages; give --ours "
            "ADDRESS... to choose, or hushdesk settings ours ADDRESS... to keep it."
        ]
    if result.suggested:
        return [
            f"Ours: none applied. {safe(result.suggested, 80)} received the most messages of "
            f"this import, but {received:,} of the help desk's {mail:,} (a third is needed); "
            "if it is ours, give --ours ADDRESS... or hushdesk settings ours ADDRESS...."
        ]
    return [f"Ours: {shown}."] if result.ours else []
