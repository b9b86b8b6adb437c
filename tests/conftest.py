from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import models
from models.store.clock import FixedClock, set_clock

from . import helpers, postgres

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
ENGINES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_engines: run on SQLite and on PostgreSQL (a throwaway local cluster)"
    )
    config.addinivalue_line("markers", "sqlite_only: SQLite's files are what the test reads")
    config.addinivalue_line("markers", "postgres_only: PostgreSQL's own behaviour")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Tests marked `both_engines` that use a database run once per engine."""
    marks = metafunc.definition
    if marks.get_closest_marker("sqlite_only") or "engine" not in metafunc.fixturenames:
        return
    if marks.get_closest_marker("postgres_only"):
        metafunc.parametrize("engine", ["postgresql"], indirect=True)
    elif marks.get_closest_marker("both_engines"):
        metafunc.parametrize("engine", ENGINES, indirect=True)


@pytest.fixture
def engine(request: pytest.FixtureRequest) -> str:
    return getattr(request, "param", "sqlite")


@pytest.fixture
def clock() -> Iterator[FixedClock]:
    fixed = FixedClock(NOW)
    previous = set_clock(fixed)
    yield fixed
    set_clock(previous)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[postgres.Cluster]:
    """One PostgreSQL server for the session, in a folder of its own (removed after)."""
    try:
        cluster = postgres.start(Path(tempfile.mkdtemp(prefix="hushdesk-pg-")))
    except (FileNotFoundError, RuntimeError) as error:
        if os.environ.get(postgres.REQUIRE):
            pytest.fail(f"PostgreSQL is required here: {error}")
        pytest.skip(f"no PostgreSQL: {error}")
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def pg_template(pg_cluster: postgres.Cluster) -> str:
    """A migrated, empty hushdesk database that each test's database is copied from."""
    url = pg_cluster.new_database()
    models.open_database(url, create=True)
    models.close_database()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def db_path(tmp_path: Path, engine: str, request: pytest.FixtureRequest) -> Path | str:
    """Where the test's database is: a file in tmp_path, or a new PostgreSQL database."""
    if engine == "sqlite":
        return tmp_path / "hushdesk.db"
    cluster = request.getfixturevalue("pg_cluster")
    return cluster.new_database(template=request.getfixturevalue("pg_template"))


@pytest.fixture
def db(db_path: Path | str, clock: FixedClock) -> Iterator[Path | str]:
    """A fresh, migrated database, opened for the test."""
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
