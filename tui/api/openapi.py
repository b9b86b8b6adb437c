"""The OpenAPI 3.1 document, built from the route table (`routes`) and the shapes
(`shapes`). The server serves it at /api/v1/openapi.json; `openapi.json` beside
this file is the same document, committed (`python -m tui.api.openapi` writes it,
and a test checks that it is current)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from models.api.tokens import SCOPES
from models.events.outbox import BACKOFF, EVENTS

from .body import MAX_BODY
from .routes import PREFIX, ROUTES, Route
from .shapes import SCHEMAS, ref

COMMITTED = Path(__file__).with_name("openapi.json")
PARAM_RE = re.compile(r"{(\w+)}")
PROBLEM = {"application/problem+json": {"schema": ref("Problem")}}
RATE_HEADERS = {
    "RateLimit": {"schema": {"type": "string"}, "description": "the token's remaining requests"},
    "RateLimit-Policy": {"schema": {"type": "string"}, "description": "the token's quota"},
}
ERRORS = {
    "400": "the body is not JSON",
    "401": "no token, or a wrong or revoked one",
    "403": "the token lacks the scope",
    "404": "not found",
    "405": "method not allowed",
    "408": "the body came too slowly",
    "409": "refused by the data policy, or a request with this Idempotency-Key is running",
    "413": f"the body is over {MAX_BODY // 1024} KiB",
    "415": "the body is not application/json",
    "422": "the request is not valid (the field is named)",
    "429": "rate limit spent; see Retry-After",
    "503": "the database cannot be used right now",
    "507": "the database's disk is full",
}
HOURS = sum(b.total_seconds() for b in BACKOFF) / 3600
DESCRIPTION = f"""hushdesk's API: contacts, their data attributes and every data-policy request.

Tokens: `Authorization: Bearer TOKEN` (made with `hushdesk token create`). Scopes:
{chr(10).join(f"- `{name}`: {what}" for name, what in SCOPES.items())}

Pages: `limit` 1 to 100 (default 50); `next` is the link to the next page (null on the
last), stable while rows are inserted and deleted. Errors are RFC 9457 problem
documents. POST, PUT and DELETE take an `Idempotency-Key` (kept 24 hours). Bodies are
at most {MAX_BODY // 1024} KiB; unknown fields are refused with 422.

Webhooks ({", ".join(EVENTS)}) are signed as Standard Webhooks says and retried
{len(BACKOFF)} times with backoff over about {HOURS:.0f} hours."""


def _parameters(route: Route) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for name in PARAM_RE.findall(route.path):
        schema = {"type": "integer", "minimum": 1} if name == "id" else {"type": "string"}
        found.append({"name": name, "in": "path", "required": True, "schema": schema})
    if route.paged:
        if not route.path.startswith("/log"):
            found.append(
                {
                    "name": "q",
                    "in": "query",
                    "schema": {"type": "string", "maxLength": 500},
                    "description": "the search language (see the README)",
                }
            )
        found.append({"name": "cursor", "in": "query", "schema": {"type": "string"}})
        found.append(
            {
                "name": "limit",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": 100},
            }
        )
    for name, schema in route.query:
        found.append({"name": name, "in": "query", "schema": schema})
    if route.method in ("POST", "PUT", "DELETE"):
        found.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "schema": {"type": "string", "minLength": 1, "maxLength": 255},
            }
        )
    return found


def _operation_id(route: Route) -> str:
    path = PARAM_RE.sub(r"by_\1", route.path).replace("/", "_").replace("-", "_")
    return f"{route.method.lower()}{path}"


def _operation(route: Route) -> dict[str, Any]:
    responses: dict[str, Any] = {
        str(route.status): {
            "description": "done",
            "headers": RATE_HEADERS,
            "content": {"application/json": {"schema": ref(route.answer)}},
        }
    }
    for status in ERRORS:
        responses[status] = {"$ref": f"#/components/responses/E{status}"}
    operation: dict[str, Any] = {
        "operationId": _operation_id(route),
        "summary": route.summary,
        "security": [{"bearer": [route.scope]}],
        "x-scope": route.scope,
        "parameters": _parameters(route),
        "responses": responses,
    }
    if route.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref(route.body)}},
        }
    return operation


def document() -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for route in ROUTES:
        paths.setdefault(PREFIX + route.path, {})[route.method.lower()] = _operation(route)
    paths[PREFIX + "/openapi.json"] = {
        "get": {
            "operationId": "get_openapi",
            "summary": "This document",
            "security": [],
            "responses": {
                "200": {
                    "description": "the OpenAPI document",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "hushdesk", "version": "1", "description": DESCRIPTION},
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "responses": {
                f"E{status}": {"description": why, "content": PROBLEM}
                for status, why in ERRORS.items()
            },
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }


def text() -> str:
    return json.dumps(document(), indent=2) + "\n"


if __name__ == "__main__":
    COMMITTED.write_text(text(), encoding="utf-8")
