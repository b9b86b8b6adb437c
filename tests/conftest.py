from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import models
from models.clock import FixedClock, set_clock

from . import helpers

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(NOW)
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "hushdesk.db"


@pytest.fixture
def db(db_path: Path, clock: FixedClock) -> Iterator[Path]:
    """A fresh, migrated database file in tmp_path, opened for the test."""
    models.open_database(db_path, create=True)
    yield db_path
    models.close_database()


@pytest.fixture
def bystanders(db):
    """Other customers' data that must stay, so pages are reused rather than simply freed."""
    for i in range(40):
        helpers.conversation(
            name=f"Keep Person{i}",
            email=f"keep{i}@example.com",
            subject=f"keep {i}",
            body="unrelated words " * 20,
            status="archived",
        )
