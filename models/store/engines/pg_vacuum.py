"""Deleted means gone on PostgreSQL: a deletion's old row versions go as soon as nothing can
see them, and only a snapshot that really sees them makes hushdesk say "not yet gone".

PostgreSQL keeps a deleted row's old version until VACUUM removes it, and VACUUM may remove
it only once no snapshot older than the deletion is left: the `backend_xmin` of any
backend, a prepared transaction, the `xmin` of a replication slot. So the deleting
transaction records its own id (`owe`), and after it commits hushdesk waits until none of
those holders is as old as that id, for at most the wait SQLite gives a reader (2 s), then
VACUUMs the tables deletions touch and reads VACUUM's own report: a dead row version left
for want of a lock on its page is tried again until the wait runs out. Only a holder that
outlives the wait makes the clean-up pending, and it is named: its application, pid and how
long it has been open. Dead rows of other agents' work (an archive is an update) do not
count; the next hushdesk to start, or the running app, finishes what is pending.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from ..database import current
from ..guard import cause
from .base import DRIVER_ERRORS, Cleanup, db

OWED = "pg_vacuum_owed_xid"  # a setting: the newest deletion whose clean-up is owed
TURN = "hushdesk vacuum"  # the advisory lock of whoever VACUUMs now
POLL_S = 0.02
VACUUM_TRIES = 3
MISSED_RE = re.compile(r"tuples missed: (\d+) dead")

HOLDERS = """
SELECT format('a transaction open for %s in %s, pid %s', {age_of_xact},
              coalesce(nullif(application_name, ''), 'an unnamed program'), pid)
  FROM pg_stat_activity
 WHERE backend_xmin IS NOT NULL AND pid <> pg_backend_pid() AND age(backend_xmin) >= age(?::xid)
   AND NOT (state = 'active' AND query ILIKE 'vacuum%')
UNION ALL
SELECT format('the prepared transaction %s', gid)
  FROM pg_prepared_xacts WHERE age(transaction) >= age(?::xid)
UNION ALL
SELECT format('the replication slot %s', slot_name)
  FROM pg_replication_slots
 WHERE age(xmin) >= age(?::xid) OR age(catalog_xmin) >= age(?::xid)
""".format(age_of_xact="to_char(now() - coalesce(xact_start, backend_start), 'HH24:MI:SS')")

Run = Callable[..., Any]


def owe(run: Run) -> None:
    """Inside the deleting transaction: record its id as the newest one owed a VACUUM."""
    run(
        "INSERT INTO setting (key, value) VALUES (?, pg_current_xact_id()::text) "
        "ON CONFLICT (key) DO UPDATE SET value = "
        "greatest(setting.value::xid8, excluded.value::xid8)::text",
        (OWED,),
    )


def holders(run: Run, xid: str) -> list[str]:
    """Who still holds a snapshot as old as the deletion `xid` (none: its rows may go)."""
    return [str(said) for (said,) in run(HOLDERS, (xid,) * 4).fetchall()]


def _owed(run: Run) -> str:
    """The deletion to wait for; an older hushdesk's debt, with no id: everything before now."""
    row = run("SELECT value FROM setting WHERE key = ?", (OWED,)).fetchone()
    if row is not None:
        return f"{int(row[0]) % 2**32}"  # an xid8 as the xid the catalogs show
    (xmax,) = run("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").fetchone()
    return f"{(int(xmax) - 1) % 2**32}"


def scrub(run: Run, tables: tuple[str, ...], wait: float) -> Cleanup:
    """Wait for the snapshots that could see the owed deletion, VACUUM, and say truthfully."""
    xid = _owed(run)
    deadline = time.monotonic() + wait
    found = holders(run, xid)
    while found and time.monotonic() < deadline:
        time.sleep(POLL_S)
        found = holders(run, xid)
    if found:
        return Cleanup(0, True, f"{found[0]} still sees the deleted rows")
    if not _take_turn(run, deadline):
        return Cleanup(0, True, "another hushdesk is still vacuuming the tables")
    try:
        if not _vacuum_until(run, tables, deadline):
            return Cleanup(0, True, "another backend held a page of the deleted rows")
        _settle(run, xid)
    finally:
        run("SELECT pg_advisory_unlock(hashtext(?))", (TURN,))
    return Cleanup()


def _take_turn(run: Run, deadline: float) -> bool:
    """One hushdesk VACUUMs at a time (two VACUUMs of a table wait on each other's lock);
    True once it is this one's turn, False when the wait ran out."""
    while True:
        (taken,) = run("SELECT pg_try_advisory_lock(hashtext(?))", (TURN,)).fetchone()
        if taken:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)


def _vacuum_until(run: Run, tables: tuple[str, ...], deadline: float) -> bool:
    """VACUUM until it leaves no dead row version behind for want of a page's lock: at least
    VACUUM_TRIES times, and on until the wait runs out (a reader pins a page for moments)."""
    tries = 0
    while _vacuum(run, tables):
        tries += 1
        if tries >= VACUUM_TRIES and time.monotonic() >= deadline:
            return False
        time.sleep(POLL_S)
    return True


def _vacuum(run: Run, tables: tuple[str, ...]) -> int:
    """VACUUM the tables; how many dead row versions it left for want of a page's lock."""
    said: list[str] = []

    def heard(notice: Any) -> None:
        said.append(str(notice.message_primary))

    connection = db.connection()
    connection.add_notice_handler(heard)
    try:
        run(f"VACUUM (VERBOSE) {', '.join(tables)}")
    finally:
        connection.remove_notice_handler(heard)
    return sum(int(m.group(1)) for text in said for m in MISSED_RE.finditer(text))


def _settle(run: Run, xid: str) -> None:
    """The debt is paid, unless a newer deletion owes one now (it pays its own)."""
    with db.atomic():
        row = run("SELECT value FROM setting WHERE key = ?", (OWED,)).fetchone()
        if row is None or f"{int(row[0]) % 2**32}" == xid:
            run("DELETE FROM setting WHERE key = ?", (OWED,))
            run("DELETE FROM purge_pending")


def safely(run: Run, tables: tuple[str, ...], wait: float) -> Cleanup:
    """`scrub`, never raising: what could not be done is pending, with its cause."""
    try:
        run(f"SET lock_timeout = {int(max(wait, 0.05) * 1000)}")
        return scrub(run, tables, wait)
    except DRIVER_ERRORS as error:
        return Cleanup(0, True, cause(error))
    finally:
        try:
            run(f"SET lock_timeout = {int(current().busy_seconds * 1000)}")
        except DRIVER_ERRORS:
            pass
