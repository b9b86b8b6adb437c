"""What an ended request keeps of the person: a keyed hash of each identifier, never the text.

While a request is open its identifiers are kept as given: they are what the
export or the erasure looks the person up by. Once it has ended (done, refused,
or its person erased), each is replaced by HMAC-SHA256 under the request's own
random 32-byte key (`salt`), written `hmac:` and 64 hex digits, of the
identifier as hushdesk compares it (an email in lower case, a number in its
E.164 form, a contact id as `#N`). The trail then still proves which
identifiers the request named (`matches`: someone who knows the identifier can
check it), and names no one: the hash cannot be read back, each request has its
own key so two requests cannot be linked by their hashes, and a hash is in no
list anyone could look it up in. Whoever holds the database and guesses an
identifier can still confirm the guess with the key beside it: a sealed
request is pseudonymous, not anonymous.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence

from ..identifiers import Identifier, Unplaced, parse

PREFIX = "hmac:"


def new_key() -> str:
    """A random key for one request's hashes."""
    return secrets.token_hex(32)


def compared(identifier: Identifier | Unplaced) -> str:
    """The identifier as it is hashed: the form hushdesk compares, not the form typed."""
    if isinstance(identifier, Unplaced):
        return "given:" + "".join(ch for ch in identifier.given if ch.isdigit())
    if identifier.kind == "id":
        return f"#{identifier.value}"
    return f"{identifier.kind}:{identifier.value}"


def keyed(key: str, text: str) -> str:
    digest = hmac.new(bytes.fromhex(key), text.encode("utf-8"), hashlib.sha256).hexdigest()
    return PREFIX + digest


def sealed(key: str, given: Sequence[str], region: str | None) -> list[str]:
    """Each identifier's keyed hash, in the order given."""
    return [keyed(key, compared(parse(text, region))) for text in given]


def matches(key: str, hashes: Sequence[str], text: str, region: str | None) -> bool:
    """Whether `text` is one of the identifiers a sealed request named."""
    wanted = keyed(key, compared(parse(text, region)))
    return any(hmac.compare_digest(wanted, h) for h in hashes)
