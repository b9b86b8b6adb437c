"""Schemathesis against the live API: the OpenAPI document, run against a real server on
127.0.0.1 on both engines, finds no 5xx and no answer that breaks the document."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tui.api.openapi import COMMITTED, text
from tui.api.routes import PREFIX, ROUTES

from . import postgres
from .api_server import hushdesk, running, token

ALL = ("read", "attributes", "conversations", "requests", "admin")


@pytest.fixture(scope="module", params=("sqlite", "postgresql"))
def live(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """A demo help desk served by `hushdesk api`: its base URL and a token of every scope."""
    if request.param == "sqlite":
        db: str = str(tmp_path_factory.mktemp("api") / "hushdesk.db")
    else:
        cluster: postgres.Cluster = request.getfixturevalue("pg_cluster")
        db = cluster.new_database()
    made = hushdesk(db, "demo", "--conversations", "60")
    assert made.returncode == 0, made.stderr
    key = token(db, "fuzz", *ALL)
    with running(db, "--rate", "10000", "--connections", "64") as server:
        yield server.base, key
    assert " 500 " not in server.log()


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]
SKIPPED = {("POST", f"{PREFIX}/webhooks")}  # it would send deliveries to generated hosts


def test_the_live_api_keeps_its_document(live: tuple[str, str]) -> None:
    """Every operation of the document served, with valid and invalid data (schemathesis's
    strategies, run here by hypothesis: its pytest loader does not run on this pytest)."""
    base, key = live
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    tested = set()
    for found in schema.get_all_operations():
        operation = found.ok()
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue

        @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=base.removesuffix(PREFIX),
                headers={"Authorization": f"Bearer {key}"},
                checks=CHECKS,
            )

        run()
        tested.add((operation.method.upper(), operation.path))
    assert tested == {(r.method, PREFIX + r.path) for r in ROUTES} - SKIPPED


def test_the_document_is_valid_openapi_and_the_committed_copy_is_current() -> None:
    document = json.loads(text())
    validate(document)
    assert COMMITTED.read_text(encoding="utf-8") == text(), "run python -m tui.api.openapi"
    for route in ROUTES:
        operation = document["paths"][PREFIX + route.path][route.method.lower()]
        assert operation["security"] == [{"bearer": [route.scope]}]
