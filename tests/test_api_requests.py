"""Requests over the HTTP API: opened, listed, shown, and done by an export or an erasure
through them, against a real `hushdesk api` on 127.0.0.1."""

from __future__ import annotations

import json
from urllib.parse import quote

import jsonschema
import pytest

import models
from tui.api.openapi import document

from .api_server import running, token
from .test_api import call, desk, gone

pytestmark = pytest.mark.both_engines
EMAIL = "ada@example.com"
__all__ = ["desk"]  # the fixture, shared with test_api


def conforms(answer: dict, schema: str) -> None:
    """The answer is what the OpenAPI document says it is."""
    whole = document()
    jsonschema.validate(answer, {**whole["components"]["schemas"][schema], **whole})


async def test_an_erasure_through_its_request_closes_it_and_nothing_names_the_person(db, desk):
    key = token(db, "portal", "requests")
    with running(db) as server:
        api = server.base
        body = {"kind": "erasure", "identifiers": [EMAIL], "received": "2020-01-31"}
        first = await call("POST", f"{api}/requests", key, body, **{"Idempotency-Key": "k-1"})
        again = await call("POST", f"{api}/requests", key, body, **{"Idempotency-Key": "k-1"})
        status, _, opened = first
        assert status == 201 and again[0] == 201 and again[2] == opened
        assert again[1].get("Idempotent-Replayed") == "true"
        conforms(opened, "RequestOpened")
        assert opened["due"] == "2020-02-29" and opened["standing"] == "overdue"
        assert opened["matched"] and opened["identifiers"] == 1 and EMAIL not in str(opened)
        reference = opened["reference"]
        assert reference == "REQ-2020-0001"

        status, _, listed = await call("GET", f"{api}/requests?overdue=true", key)
        assert status == 200 and [r["reference"] for r in listed["data"]] == [reference]
        conforms(listed, "Requests")
        _, _, soon = await call("GET", f"{api}/requests?due=7d", key)
        assert [r["reference"] for r in soon["data"]] == [reference]

        through = {"request": reference, "keep_held": True}
        status, _, preview = await call(
            "POST", f"{api}/erasure-requests", key, {**through, "dry_run": True}
        )
        assert status == 200 and preview["reference"] == reference
        assert preview["counts"]["contacts"] == 1 and preview["counts"]["attributes"] == 1
        _, _, still = await call("GET", f"{api}/requests/{reference}", key)
        assert still["state"] == "received" and not still["sealed"]  # a dry run changes nothing

        once = {"Idempotency-Key": "erase-1"}
        status, _, receipt = await call("POST", f"{api}/erasure-requests", key, through, **once)
        replayed = await call("POST", f"{api}/erasure-requests", key, through, **once)
        assert status == 200, receipt
        assert replayed[0] == 200 and replayed[2] == receipt
        assert receipt["request"] == reference and receipt["reference"] == reference
        assert receipt["counts"]["contacts"] == 1
        conforms(receipt, "Receipt")

        status, _, shown = await call("GET", f"{api}/requests/{reference}", key)
        assert status == 200 and shown["state"] == "done" and shown["sealed"]
        conforms(shown, "RequestTrail")
        assert [s["what"] for s in shown["trail"]][:3] == ["received", "erased", "done"]
        _, _, ended = await call("GET", f"{api}/requests?all=true", key)
        _, _, still_open = await call("GET", f"{api}/requests", key)
        assert [r["state"] for r in ended["data"]] == ["done"] and still_open["data"] == []
        for text in (json.dumps(shown), json.dumps(ended)):
            assert EMAIL not in text and "hmac:" not in text and "ada" not in text
    assert gone(db, "platinum-zebra-7731", EMAIL)


async def test_an_access_export_through_its_request_ends_it(db, desk):
    key = token(db, "portal", "requests")
    with running(db) as server:
        api = server.base
        status, _, opened = await call(
            "POST", f"{api}/requests", key, {"kind": "access", "identifiers": [EMAIL]}
        )
        assert status == 201 and opened["standing"] == "on time"
        reference = opened["reference"]
        status, _, export = await call(
            "POST", f"{api}/access-requests", key, {"request": reference}
        )
        assert status == 200 and export["format"] == "hushdesk-access-export/1"
        assert [c["email"] for c in export["contacts"]] == [EMAIL]
        status, _, shown = await call("GET", f"{api}/requests/{reference}", key)
        assert shown["state"] == "done" and shown["sealed"]
        assert shown["trail"][-2]["what"] == "exported" and EMAIL not in json.dumps(shown)
        status, _, problem = await call(
            "POST", f"{api}/access-requests", key, {"request": reference}
        )
        assert status == 409 and "has ended" in problem["detail"]


async def test_bad_requests_get_one_problem_and_change_nothing(db, desk):
    key = token(db, "portal", "requests")
    with running(db) as server:
        api = server.base
        _, _, access = await call(
            "POST", f"{api}/requests", key, {"kind": "access", "identifiers": [EMAIL]}
        )
        refused = [
            ("POST", "/erasure-requests", {"request": "REQ-1999-0042"}, 404),
            ("POST", "/erasure-requests", {"request": "REQ-1999-0042", "dry_run": True}, 404),
            ("POST", "/access-requests", {"request": "REQ-1999-0042"}, 404),
            ("GET", f"/requests/{quote('REQ-1999-0042')}", None, 404),
            ("POST", "/erasure-requests", {"request": access["reference"]}, 409),
            ("POST", "/erasure-requests", {}, 422),
            ("POST", "/access-requests", {}, 422),
            (
                "POST",
                "/requests",
                {"kind": "erasure", "identifiers": [EMAIL], "received": "2999-01-01"},
                422,
            ),
            (
                "POST",
                "/requests",
                {"kind": "erasure", "identifiers": [EMAIL], "received": "1.1.2020"},
                422,
            ),
            ("POST", "/requests", {"kind": "erasure"}, 422),
            ("POST", "/requests", {"kind": "both", "identifiers": [EMAIL]}, 422),
            (
                "POST",
                "/requests",
                {"kind": "erasure", "identifiers": [EMAIL], "reference": EMAIL},
                422,
            ),
            ("POST", "/requests", {"kind": "erasure", "conversation": 2**70}, 404),
            (
                "POST",
                "/requests",
                {"kind": "access", "identifiers": [EMAIL], "reference": access["reference"]},
                409,
            ),
            ("GET", "/requests?due=soon", None, 422),
            ("GET", "/requests?overdue=yes", None, 422),
        ]
        for method, path, body, expected in refused:
            status, headers, problem = await call(method, api + path, key, body)
            assert status == expected, (path, body, problem)
            assert headers["Content-Type"].startswith("application/problem+json")
            assert set(problem) == {"type", "title", "status", "detail"}
            assert EMAIL not in problem["detail"]
        _, _, listed = await call("GET", f"{api}/requests?all=true", key)
        assert [r["reference"] for r in listed["data"]] == [access["reference"]]
        assert listed["data"][0]["state"] == "received"
    models.open_database(db)
    contact = models.get_contact(desk[0])  # no erasure ran
    assert contact.email == EMAIL and [a.value for a in contact.attributes] == [
        "platinum-zebra-7731"
    ]
