"""API tokens: a name, scopes, and a secret that is printed once and stored only as a hash.

A token reads `hd_<lookup>_<secret>`: the lookup (public, 12 characters) finds
its row, and the SHA-256 of the whole token is compared with the stored one in
constant time. A revoked token stays listed (name, scopes, when) but never
authenticates again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..store import clock, engine, outcome
from ..store.errors import InvalidInput, NotFound
from ..store.guard import guarded
from ..store.sql import sql
from ..store.values import stored_time
from .tables import ApiToken

SCOPES = {
    "read": "search, contacts, conversations, the log",
    "attributes": "set and delete attributes",
    "conversations": "archive, hold, delete",
    "requests": "requests opened, listed and shown; access exports and erasure",
    "admin": "assistants, webhooks",
}
PREFIX = "hd_"
MAX_NAME = 60
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most this often per token


@dataclass(frozen=True)
class TokenRow:
    name: str
    scopes: list[str]
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class NewToken:
    name: str
    token: str  # shown once
    scopes: list[str]


@dataclass(frozen=True)
class Caller:
    """Who sent a request: the token's id (for idempotency keys), name and scopes."""

    id: int
    name: str
    scopes: frozenset[str]

    @property
    def actor(self) -> str:
        """The token as the deletion log names it."""
        return f"api:{self.name}"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def check_scopes(scopes: list[str]) -> list[str]:
    wanted = sorted({s.strip() for s in scopes})
    if not wanted:
        raise InvalidInput(f"give at least one scope: {', '.join(SCOPES)}")
    unknown = [s for s in wanted if s not in SCOPES]
    if unknown:
        raise InvalidInput(f"unknown scope {unknown[0][:30]!r}; the scopes: {', '.join(SCOPES)}")
    return wanted


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME or not name.isprintable() or " " in name:
        raise InvalidInput(f"a token's name is 1 to {MAX_NAME} printable characters, no spaces")
    return name


@guarded
def create_token(name: str, scopes: list[str]) -> NewToken:
    """A new token with these scopes; its secret is in the result and nowhere else."""
    name, wanted = check_name(name), check_scopes(scopes)
    lookup = secrets.token_hex(6)
    token = f"{PREFIX}{lookup}_{secrets.token_urlsafe(32)}"
    with outcome.transaction():
        if ApiToken.get_or_none(ApiToken.name == name) is not None:
            raise InvalidInput(f"a token named {name!r} exists; revoke it or pick another name")
        ApiToken.create(
            name=name,
            lookup=lookup,
            hash=digest(token),
            scopes=" ".join(wanted),
            created_at=clock.now(),
        )
    return NewToken(name, token, wanted)


@guarded
def list_tokens() -> list[TokenRow]:
    return [
        TokenRow(t.name, t.scopes.split(), t.created_at, t.last_used_at, t.revoked_at)
        for t in ApiToken.select().order_by(ApiToken.name)
    ]


@guarded
def revoke_token(name: str) -> None:
    """End a token at once: every later request with it gets 401."""
    with outcome.transaction():
        changed = (
            ApiToken.update(revoked_at=clock.now())
            .where((ApiToken.name == name) & ApiToken.revoked_at.is_null())
            .execute()
        )
        if not changed:
            raise NotFound(f"no token named {name[:MAX_NAME]!r} that is not revoked")


def _lookup(token: str) -> str | None:
    if not token.startswith(PREFIX) or len(token) > 200:
        return None
    lookup, _, rest = token[len(PREFIX) :].partition("_")
    return lookup if len(lookup) == 12 and rest else None


@guarded
def authenticate(token: str) -> Caller | None:
    """The caller a bearer token names, or None (missing, wrong or revoked: all alike)."""
    lookup = _lookup(token)
    row = _row(lookup) if lookup else None  # every request asks: plain SQL, no model objects
    stored = row[2] if row is not None else digest("")
    matches = hmac.compare_digest(stored, digest(token))
    if row is None or not matches or row[4] is not None:
        return None
    token_id, name, _, scopes, _, used = row
    now = clock.now()
    if used is None or now - stored_time(str(used)) >= TOUCH_EVERY:
        with engine.db.atomic():
            ApiToken.update(last_used_at=now).where(ApiToken.id == token_id).execute()
    return Caller(int(token_id), str(name), frozenset(str(scopes).split()))


def _row(lookup: str) -> tuple[Any, ...] | None:
    query = sql(
        "SELECT id, name, hash, scopes, revoked_at, last_used_at FROM api_token WHERE lookup = ?",
        lookup,
    )
    for found in engine.backend().execute(query):
        return tuple(found)
    return None
