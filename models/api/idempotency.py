"""Idempotency keys: a request retried with the same key gets the first answer, and what it
asked for is done once.

`claim` records the key (a hash of it) before the operation runs, in its own
transaction; `keep` stores the answer after. A second request with the key
while the first runs is refused (409); with another body, refused (422); after
it, answered from the store. A request whose first run failed with a refusal
keeps that refusal, as the first answer. Rows are kept for 24 hours. An
answer that would hold personal data (an access export) is not kept: the
retry runs the export again, which changes nothing. A row about a contact
goes when the contact's profile goes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from peewee import IntegrityError

from ..store import clock, engine, outcome
from ..store.errors import HushdeskError, InvalidInput
from ..store.guard import guarded
from .tables import ApiIdempotency

KEEP = timedelta(hours=24)
MAX_KEY = 255
RUNNING = 0


class InFlight(HushdeskError):
    """A request with the same key is still running."""

    status = 409
    title = "A request with this Idempotency-Key is in progress"


class KeyReused(InvalidInput):
    """The key was used for another request."""

    status = 422
    title = "The Idempotency-Key was used for another request"


@dataclass(frozen=True)
class Answer:
    status: int
    body: str | None  # None: not kept; run again


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def check_key(key: str) -> str:
    if not key or len(key) > MAX_KEY or not key.isascii() or not key.isprintable():
        raise InvalidInput(f"an Idempotency-Key is 1 to {MAX_KEY} printable ASCII characters")
    return key


@guarded
def claim(token_id: int, key: str, request: str) -> Answer | None:
    """None: the key is new and now ours; else the first answer to replay."""
    key_hash, fingerprint = _hash(check_key(key)), _hash(request)
    now = clock.now()
    with outcome.transaction():
        engine.one_at_a_time(f"hushdesk idempotency {token_id} {key_hash}")
        ApiIdempotency.delete().where(ApiIdempotency.created_at < now - KEEP).execute()
        found = ApiIdempotency.get_or_none(
            (ApiIdempotency.token == token_id) & (ApiIdempotency.key_hash == key_hash)
        )
        if found is None:
            try:
                with engine.db.atomic():
                    ApiIdempotency.create(
                        token=token_id,
                        key_hash=key_hash,
                        fingerprint=fingerprint,
                        status=RUNNING,
                        created_at=now,
                    )
            except IntegrityError:
                raise InFlight("a request with this Idempotency-Key is in progress") from None
            return None
    if found.fingerprint != fingerprint:
        raise KeyReused("this Idempotency-Key was used for a different request")
    if found.status == RUNNING:
        raise InFlight(
            "a request with this Idempotency-Key is in progress, or ended without an answer; "
            "look at the resource before sending it again with a new key"
        )
    return Answer(found.status, found.body)


@guarded
def keep(
    token_id: int, key: str, status: int, body: str | None, contact: int | None = None
) -> None:
    """Store the answer to the claimed key (`body` None: not kept)."""
    from ..store.schema import Contact

    if contact is not None and Contact.get_or_none(Contact.id == contact) is None:
        contact = None  # the request deleted it
    with engine.db.atomic():
        ApiIdempotency.update(status=status, body=body, contact=contact).where(
            (ApiIdempotency.token == token_id) & (ApiIdempotency.key_hash == _hash(key))
        ).execute()


@guarded
def release(token_id: int, key: str) -> None:
    """Forget a claimed key whose request never ran (the server failed before it)."""
    with engine.db.atomic():
        ApiIdempotency.delete().where(
            (ApiIdempotency.token == token_id)
            & (ApiIdempotency.key_hash == _hash(key))
            & (ApiIdempotency.status == RUNNING)
        ).execute()
