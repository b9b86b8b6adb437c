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
from urllib.parse import quote

from .values import OPEN, ROW_COLUMNS, ConversationRow, conversation_row

NEWEST_OPEN = (
    f"SELECT {', '.join(ROW_COLUMNS)} FROM conversation"
    " JOIN channel ON channel.id = conversation.channel_id"
    " LEFT JOIN contact ON contact.id = conversation.contact_id"
    " WHERE conversation.status = ?"
    " ORDER BY conversation.last_activity DESC, conversation.id DESC LIMIT ?"
)


def newest_open(path: str, limit: int) -> list[ConversationRow]:
    """Up to `limit` newest open conversations of the SQLite file at `path`, or none."""
    if "://" in path or limit <= 0:
        return []
    try:
        connection = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, timeout=0)
    except sqlite3.Error:
        return []
    try:
        found = connection.execute(NEWEST_OPEN, (OPEN, limit)).fetchall()
        return [conversation_row(*values) for values in found]
    except (sqlite3.Error, ValueError, TypeError):
        return []
    finally:
        connection.close()
