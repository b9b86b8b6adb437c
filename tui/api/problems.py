"""RFC 9457 problem documents: every refusal of the API, one shape, no personal data.

A `Problem` is raised by the server's own checks (authentication, scopes,
bodies, limits); a `models.HushdeskError` carries its own status and title,
and its message says what was refused without echoing what was sent. Nothing
else ever reaches a client: an unexpected error is a 500 problem whose detail
names no more than that, and the server's log says its kind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from aiohttp import web

import models

MEDIA = "application/problem+json"
BASE = "https://hushdesk.invalid/problems/"  # problem types: documented, never fetched


class Problem(Exception):
    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        kind: str = "",
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.kind = kind or title.lower().replace(" ", "-")
        self.headers = headers or {}


def _slug(error: models.HushdeskError) -> str:
    name = type(error).__name__
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


MIN_ECHO = 3  # characters: a text sent that is longer never comes back in a detail


def from_error(error: models.HushdeskError, sent: Iterable[str] = ()) -> Problem:
    """The refusal as a problem; any text the client sent (an identifier, a search, a key)
    is left out of the detail, in whatever form the message quoted it."""
    return Problem(error.status, error.title, unsent(str(error), sent)[:500], _slug(error))


def unsent(detail: str, sent: Iterable[str]) -> str:
    for text in sorted(set(sent), key=len, reverse=True):
        if len(text.strip()) < MIN_ECHO:
            continue
        for form in {text, text.strip(), text.strip().lower()}:
            for cut in (
                form,
                form[:60],
                form[:40],
                repr(form)[1:-1],
                repr(form[:60])[1:-1],
                repr(form[:40])[1:-1],
            ):
                if len(cut) >= MIN_ECHO:
                    detail = detail.replace(cut, "…")
    return detail


def respond(problem: Problem) -> web.Response:
    body = {
        "type": BASE + problem.kind,
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail,
    }
    return web.Response(
        status=problem.status,
        text=json.dumps(body, ensure_ascii=False),
        content_type=MEDIA,
        headers=problem.headers,
    )


def unauthorized(detail: str) -> Problem:
    return Problem(
        401,
        "Unauthorized",
        detail,
        "unauthorized",
        {"WWW-Authenticate": 'Bearer realm="hushdesk"'},
    )


def forbidden(scope: str) -> Problem:
    return Problem(403, "Forbidden", f"this token lacks the {scope!r} scope", "forbidden")


def invalid(detail: str) -> Problem:
    return Problem(422, "The request is not valid", detail, "invalid-input")
