"""Reading a request's JSON body as strictly as the API promises.

At most MAX_BODY bytes (aiohttp refuses more with 413); UTF-8 only; no
duplicate keys, no NaN or Infinity, no number longer than MAX_DIGITS digits,
nesting at most MAX_DEPTH deep; an object whose fields are exactly the ones the
endpoint knows, each of its type. Any other body is a 422 (400 when it is not
JSON at all) naming the field, never echoing its value.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from aiohttp import web

from .problems import Problem, invalid

MAX_BODY = 64 * 1024  # bytes
MAX_DEPTH = 8
MAX_DIGITS = 30
MAX_ITEMS = 1000  # list items in one field


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise invalid(f"the field {key[:40]!r} is given twice")
        found[key] = value
    return found


def _number(text: str) -> float | int:
    if len(text) > MAX_DIGITS:
        raise invalid(f"a number in the body is longer than {MAX_DIGITS} characters")
    return float(text) if any(c in text for c in ".eE") else int(text)


def _constant(text: str) -> None:
    raise invalid(f"{text} is not a JSON number")


def _depth(raw: str) -> int:
    deepest = level = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            escaped = not escaped and ch == "\\"
            if ch == '"' and not escaped:
                in_string = False
            continue
        if ch == '"':
            in_string = True
        elif ch in "[{":
            level += 1
            deepest = max(deepest, level)
        elif ch in "]}":
            level -= 1
    return deepest


def bad_json(detail: str) -> Problem:
    return Problem(400, "The body is not JSON", detail, "bad-json")


async def read_object(request: web.Request) -> dict[str, Any]:
    """The body as a JSON object (checked as above)."""
    if request.content_type != "application/json":
        raise Problem(
            415, "Unsupported media type", "send the body as application/json", "media-type"
        )
    raw = await request.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise bad_json("the body is not valid UTF-8") from None
    if _depth(text) > MAX_DEPTH:
        raise invalid(f"the body is nested deeper than {MAX_DEPTH} levels")
    try:
        found = json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_int=_number,
            parse_float=_number,
            parse_constant=_constant,
        )
    except (ValueError, RecursionError):
        raise bad_json("the body is not valid JSON") from None
    if not isinstance(found, dict):
        raise invalid("the body must be a JSON object")
    _no_nul(found)
    return found


def _no_nul(found: object) -> None:
    """No text hushdesk keeps holds a NUL character (PostgreSQL cannot hold one)."""
    stack = [found]
    while stack:
        item = stack.pop()
        if isinstance(item, str) and "\x00" in item:
            raise invalid("a text in the body holds a NUL character")
        if isinstance(item, dict):
            stack.extend([*item.keys(), *item.values()])
        elif isinstance(item, list):
            stack.extend(item)


def fields(
    body: dict[str, Any], required: Mapping[str, type], optional: Mapping[str, type]
) -> None:
    """Every field known and of its type; every required one there."""
    known = {**required, **optional}
    for name in body:
        if name not in known:
            raise invalid(f"unknown field {name[:40]!r}")
    for name in required:
        if name not in body:
            raise invalid(f"the field {name!r} is required")
    for name, value in body.items():
        kind = known[name]
        if type(value) is not kind:
            raise invalid(f"the field {name!r} must be {_kind(kind)}")
        if isinstance(value, list):
            _strings(name, value)


def _strings(name: str, values: list[Any]) -> None:
    if not values or len(values) > MAX_ITEMS or not all(type(v) is str for v in values):
        raise invalid(f"the field {name!r} must be a list of 1 to {MAX_ITEMS} strings")


def _kind(kind: type) -> str:
    return {str: "a string", bool: "true or false", list: "a list of strings", int: "a number"}[
        kind
    ]
