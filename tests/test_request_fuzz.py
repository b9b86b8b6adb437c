"""Hostile arguments to `hushdesk request` and to export and erase through a request: exit 0,
or 1 with one line on stderr and every row as it was; never a traceback."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

import models

from .test_fuzz import FUZZ, check, elsewhere, hostile_text  # noqa: F401  (elsewhere: autouse)

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def desk(tmp_path, clock):
    path = tmp_path / "requests.db"
    models.open_database(path, create=True)
    models.generate_demo(60, seed=1)
    models.open_request("erasure", ["1"], "sam", received=date(2026, 5, 20))
    models.open_request("access", ["2"], "sam", received=date(2026, 5, 1), reference="ACC-2")
    models.close_database()
    return path


VALID = [
    (["request", "open", "erasure", "1", "--received", "2026-05-01", "--reference", "R-9"], 2),
    (["request", "open", "access", "--from-conversation", "3"], 2),
    (["request", "ls", "--due", "7d", "--json"], 2),
    (["request", "ls", "--overdue", "--all"], 2),
    (["request", "show", "REQ-2026-0001", "--json"], 2),
    (["request", "show", "ACC-2", "--check", "2"], 2),
    (
        [
            *("request", "extend", "REQ-2026-0001", "--months", "1"),
            *("--reason", "archives", "--told", "2026-05-25"),
        ],
        2,
    ),
    (["request", "wait", "ACC-2"], 2),
    (["request", "close", "ACC-2"], 2),
    (["request", "refuse", "ACC-2", "--reason", "identity not proven"], 2),
    (["export", "--request", "ACC-2", "--out", "x.json"], 1),
    (["erase", "--request", "REQ-2026-0001", "--dry-run"], 1),
    (["erase", "--request", "REQ-2026-0001", "--keep-held"], 1),
]

days = st.one_of(
    st.dates().map(date.isoformat),
    st.sampled_from(["2026-02-29", "2026-13-01", "2026-1-1", "0000-00-00", "9999-12-31"]),
    st.sampled_from(["2026-06-02", "1969-12-31", "2024-02-29", "2026-05-31"]),
)


@FUZZ
@given(data=st.data(), template=st.sampled_from(VALID))
def test_request_commands_with_hostile_values(desk, data, template):
    argv, fixed = template
    argv = list(argv)
    for index in data.draw(st.sets(st.integers(fixed, len(argv) - 1), min_size=1)):
        value = data.draw(days) if argv[index - 1] in ("--received", "--told") else None
        argv[index] = value if value is not None else data.draw(hostile_text)
    check(desk, argv)


@FUZZ
@given(received=days, told=days, months=st.sampled_from(["1", "2", "3", "0", "-1", "x"]))
def test_any_dates_open_and_extend_or_are_refused(desk, received, told, months):
    code, _ = check(desk, ["request", "open", "access", "2", "--received", received])
    extend = ["--months", months, "--reason", "many archives", "--told", told]
    check(desk, ["request", "extend", "REQ-2026-0001", *extend])
    if code == 0:
        assert received <= "2026-06-01"
