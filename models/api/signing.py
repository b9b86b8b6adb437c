"""Standard Webhooks signatures: HMAC-SHA256 over `id.timestamp.body`, base64, as `v1,...`.

A secret written `whsec_<base64>` (as the specification's libraries make them)
is its decoded bytes; any other secret is its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from ..store.errors import InvalidInput

MIN_SECRET = 16  # bytes


def key(secret: str) -> bytes:
    text = secret.strip()
    if text.startswith("whsec_"):
        try:
            return base64.b64decode(text[6:], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("a whsec_ secret must be base64 after whsec_") from None
    return text.encode("utf-8")


def check_secret(secret: str) -> str:
    if not secret.strip().isprintable():
        raise InvalidInput("a webhook secret is printable text (a whsec_ secret is base64)")
    if len(key(secret)) < MIN_SECRET:
        raise InvalidInput(f"a webhook secret must be at least {MIN_SECRET} bytes")
    return secret.strip()


def sign(secret: str, event_id: str, timestamp: int, body: str) -> str:
    """The `webhook-signature` header's value."""
    signed = f"{event_id}.{timestamp}.{body}".encode()
    mac = hmac.new(key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


def verify(secret: str, event_id: str, timestamp: int, body: str, header: str) -> bool:
    """True when one of the header's signatures is ours (a receiver's check, and the tests')."""
    expected = sign(secret, event_id, timestamp, body)
    return any(hmac.compare_digest(expected, given) for given in header.split())
