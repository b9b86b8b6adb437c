"""The help desk's settings, kept in its database: for now, its own mail addresses ("ours")."""

from __future__ import annotations

import json
from collections.abc import Sequence

from . import engine
from .errors import InvalidInput
from .guard import guarded
from .mail import ADDRESS_RE
from .schema import Setting

OURS = "ours"
MAX_OURS = 100


def check_addresses(addresses: Sequence[str]) -> list[str]:
    """Addresses, lower case, each a plain address; refuses anything else in one line."""
    checked = []
    for address in addresses:
        plain = address.strip().lower()
        if not ADDRESS_RE.match(plain) or not plain.isascii() or len(plain) > 200:
            raise InvalidInput(f"{address[:60]!r} is not a mail address (name@example.com)")
        checked.append(plain)
    return list(dict.fromkeys(checked))


@guarded
def ours() -> list[str]:
    """The help desk's own addresses, as set (empty when never set)."""
    row = Setting.get_or_none(Setting.key == OURS)
    return list(json.loads(row.value)) if row else []


@guarded
def set_ours(addresses: Sequence[str], add: bool = False) -> list[str]:
    """Set (or, with `add`, extend) the help desk's own addresses; returns them all."""
    checked = check_addresses(addresses)
    with engine.db.atomic():
        kept = ours() if add else []
        merged = list(dict.fromkeys([*kept, *checked]))
        if len(merged) > MAX_OURS:
            raise InvalidInput(f"at most {MAX_OURS} addresses of our own")
        value = json.dumps(merged)
        Setting.insert(key=OURS, value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()
    return merged


@guarded
def all_settings() -> dict[str, object]:
    return {OURS: ours()}
