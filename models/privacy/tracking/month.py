"""The legal clock: one calendar month from receipt, two more at most when extended.

GDPR article 12(3): a request is answered "within one month of receipt", which
may be extended "by two further months", the requester told within the first
month. A calendar month is counted as `dateutil.relativedelta` counts it: the
same day of the next month, or that month's last day when it has no such day
(31 January is due on 28 February, or 29 February in a leap year; 29 February on
29 March). An extension is counted from receipt too (31 January extended by one
month: 31 March). Days are UTC days; the clock reads `store.clock`, never the
wall clock.
"""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta

from ...store import clock

MAX_EXTENSION = 2  # months, in all
SOON_DAYS = 7  # due within this many days: due soon


def due_on(received: date, extended_months: int = 0) -> date:
    """The day by which the request must be answered."""
    return received + relativedelta(months=1 + extended_months)


def first_month_end(received: date) -> date:
    """The last day on which the requester may be told of an extension."""
    return due_on(received)


def today() -> date:
    """Today in UTC, by the injected clock."""
    return clock.now().date()


def days_left(due: date, on: date) -> int:
    """Days from `on` to `due`: 0 on the day it is due, negative once overdue."""
    return (due - on).days


def standing(due: date, on: date, soon: int = SOON_DAYS) -> str:
    """ "overdue", "due soon" (within `soon` days, the due day included) or "on time"."""
    left = days_left(due, on)
    if left < 0:
        return "overdue"
    return "due soon" if left <= soon else "on time"
