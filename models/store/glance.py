"""The newest open conversations, read with the standard library's sqlite3 alone.

The app's first screen is the newest open conversations. Loading Peewee and
the models takes longer than drawing that screen should, so the command line
draws it from these rows first (`tui/cli/first_frame.py`) and opens the
database properly afterwards. This is a read-only look: it never creates,
migrates, locks or waits; on anything unusual (no such file, another schema, a
lock, PostgreSQL) it gives no rows and the app starts as it always does. A test
checks that its rows are the inbox's first page.
"""

from __future__ import annotations

import sqlite3

from .sqlite_file import read_only
from .values import NEWEST_FIRST, OPEN, ROW_SELECT, ConversationRow, conversation_row

NEWEST_OPEN = f"{ROW_SELECT} WHERE conversation.status = ? ORDER BY {NEWEST_FIRST} LIMIT ?"
# What hushdesk stores in ROW_COLUMNS; a file with anything else is not drawn early.
TEXT, MAYBE_TEXT, MAYBE_INT = str, (str, type(None)), (int, type(None))
STORED_TYPES: tuple[type | tuple[type, ...], ...] = (
    *(int, MAYBE_INT, MAYBE_TEXT, MAYBE_TEXT, MAYBE_TEXT),  # ids; the contact's name, email, phone
    *(TEXT, TEXT, int, TEXT, int, TEXT, TEXT),  # channel name, kind, social; status ... time
)


def _as_stored(values: tuple[object, ...]) -> bool:
    return all(isinstance(value, kind) for value, kind in zip(values, STORED_TYPES, strict=True))


def newest_open(path: str, limit: int) -> list[ConversationRow]:
    """Up to `limit` newest open conversations of the SQLite file at `path`, or none."""
    if "://" in path or limit <= 0:
        return []
    try:
        connection = read_only(path)
    except sqlite3.Error:
        return []
    try:
        found = connection.execute(NEWEST_OPEN, (OPEN, limit)).fetchall()
        if not all(map(_as_stored, found)):
            return []
        return [conversation_row(*values) for values in found]
    except (sqlite3.Error, ValueError):  # ValueError: a time that is not one
        return []
    finally:
        connection.close()
