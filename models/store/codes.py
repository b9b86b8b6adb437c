"""What a database driver's error means, read from its code (SQLite's name, PostgreSQL's SQLSTATE).

Kept apart from `guard` so that `outcome` (which `guard` calls after a lost
connection) can ask whether a connection was lost without importing `guard`.
"""

from __future__ import annotations


def code_of(error: BaseException) -> str:
    """SQLite's error name (SQLITE_BUSY, ...) or PostgreSQL's SQLSTATE behind a driver error."""
    for candidate in (error, error.__context__, error.__cause__):
        name = getattr(candidate, "sqlite_errorname", None) or getattr(candidate, "sqlstate", None)
        if name:
            return str(name)
    return ""


# PostgreSQL's SQLSTATEs, by what they mean for the agent
PG_BUSY = ("55P03", "57014")  # lock_not_available (lock_timeout), query_canceled
PG_RETRY = ("40001", "40P01")  # serialization_failure, deadlock_detected: try again
PG_FULL = ("53100",)  # disk_full
PG_DAMAGED = ("XX001", "XX002")  # data_corrupted, index_corrupted
PG_READ_ONLY = ("25006", "42501")  # read_only_sql_transaction, insufficient_privilege
PG_LOST = ("08", "57P01", "57P02", "57P03")  # connection exceptions, the server shutting down
LOST_WORDS = ("server closed the connection", "connection is closed", "terminating connection")


def lost_connection(error: BaseException | None) -> bool:
    """The connection to the server went away (not a refusal of the statement)."""
    seen = 0
    while error is not None and seen < 5:
        text = str(error).lower()
        if code_of(error).startswith(PG_LOST) or any(w in text for w in LOST_WORDS):
            return True
        error, seen = error.__context__ or error.__cause__, seen + 1
    return False


def transient(error: BaseException) -> bool:
    """A conflict with another transaction that trying again resolves."""
    return code_of(error).startswith(PG_RETRY)
