"""The legal clock: one calendar month from receipt, at month ends and in leap years, and
extensions of two months at most; property tests over every day from 1970 to 2100."""

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.privacy.tracking import month

days = st.dates(min_value=date(1970, 1, 1), max_value=date(2100, 12, 31))


@pytest.mark.parametrize(
    "received, due",
    [
        (date(2026, 1, 31), date(2026, 2, 28)),  # February has no 31st: its last day
        (date(2028, 1, 31), date(2028, 2, 29)),  # ... which in a leap year is the 29th
        (date(2028, 1, 30), date(2028, 2, 29)),
        (date(2028, 1, 29), date(2028, 2, 29)),
        (date(2028, 2, 29), date(2028, 3, 29)),  # 29 February: the same day of March
        (date(2027, 2, 28), date(2027, 3, 28)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 12, 31), date(2027, 1, 31)),  # over the year's end
        (date(2026, 6, 1), date(2026, 7, 1)),
    ],
)
def test_due_one_calendar_month_after_receipt(received, due):
    assert month.due_on(received) == due


@pytest.mark.parametrize(
    "received, months, due",
    [
        (date(2026, 1, 31), 1, date(2026, 3, 31)),  # counted from receipt, not from 28 Feb
        (date(2026, 1, 31), 2, date(2026, 4, 30)),
        (date(2027, 11, 30), 2, date(2028, 2, 29)),
        (date(2028, 2, 29), 2, date(2028, 5, 29)),
    ],
)
def test_an_extension_is_counted_from_receipt(received, months, due):
    assert month.due_on(received, months) == due


def _months_apart(a: date, b: date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


@given(received=days, extended=st.integers(0, month.MAX_EXTENSION))
def test_the_rule_on_every_day(received, extended):
    """An independent statement of the rule: 1 + extended months on, the same day or the
    last day of that month when it is shorter."""
    due = month.due_on(received, extended)
    assert _months_apart(received, due) == 1 + extended
    last = calendar.monthrange(due.year, due.month)[1]
    assert due.day == min(received.day, last)
    assert due > received
    assert month.first_month_end(received) == month.due_on(received)


@given(received=days, offset=st.integers(-400, 400))
def test_standing_by_days_left(received, offset):
    due = month.due_on(received)
    on = due + timedelta(days=offset)
    left = month.days_left(due, on)
    assert left == -offset
    expected = "overdue" if left < 0 else "due soon" if left <= month.SOON_DAYS else "on time"
    assert month.standing(due, on) == expected


def test_due_soon_includes_the_due_day_and_the_seventh_day_before():
    due = date(2026, 3, 31)
    assert month.standing(due, due) == "due soon"
    assert month.standing(due, due - timedelta(days=7)) == "due soon"
    assert month.standing(due, due - timedelta(days=8)) == "on time"
    assert month.standing(due, due + timedelta(days=1)) == "overdue"
