"""The help desk's settings, kept in its database: its own mail addresses ("ours") and
its region, in which phone numbers written without a country code are read."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from .store import engine, outcome
from .store.errors import InvalidInput
from .store.guard import guarded
from .store.schema import Contact, Setting
from .text import phones

OURS = "ours"
REGION = "region"
MAX_OURS = 100


def check_addresses(addresses: Sequence[str]) -> list[str]:
    """Addresses, lower case, each a plain address; refuses anything else in one line."""
    from .mail.message import ADDRESS_RE  # the mail parser's rule, loaded only to set addresses

    checked = []
    for address in addresses:
        plain = address.strip().lower()
        if not ADDRESS_RE.match(plain) or not plain.isascii() or len(plain) > 200:
            raise InvalidInput(f"{address[:60]!r} is not a mail address (name@example.com)")
        checked.append(plain)
    return list(dict.fromkeys(checked))


def _get(key: str) -> str | None:
    row = Setting.get_or_none(Setting.key == key)
    return str(row.value) if row else None


def _put(key: str, value: str | None) -> None:
    if value is None:
        Setting.delete().where(Setting.key == key).execute()
        return
    Setting.insert(key=key, value=value).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: value}
    ).execute()


@guarded
def ours() -> list[str]:
    """The help desk's own addresses, as set (empty when never set)."""
    value = _get(OURS)
    return list(json.loads(value)) if value else []


@guarded
def set_ours(addresses: Sequence[str], add: bool = False) -> list[str]:
    """Set (or, with `add`, extend) the help desk's own addresses; returns them all."""
    checked = check_addresses(addresses)
    with outcome.transaction():
        kept = ours() if add else []
        merged = list(dict.fromkeys([*kept, *checked]))
        if len(merged) > MAX_OURS:
            raise InvalidInput(f"at most {MAX_OURS} addresses of our own")
        _put(OURS, json.dumps(merged))
    return merged


@guarded
def region() -> str | None:
    """The region national phone numbers are read in (`GB`, `US`), or None when not set."""
    return _get(REGION)


@dataclass(frozen=True)
class RegionChange:
    region: str | None
    reread: int  # contacts whose number was read again (written without a country code)
    placed: int  # of them, how many can now be told apart


@guarded
def set_region(code: str | None) -> RegionChange:
    """Set the region (None forgets it), and read every number stored nationally again.

    A number written with its country code does not depend on the region; one
    written nationally (`020 7946 0018`) is placed in the new region, or, with
    none, cannot be placed and matches no one.
    """
    chosen = phones.check_region(code) if code is not None else None
    with outcome.transaction():
        _put(REGION, chosen)
        reread, placed = reread_phones(chosen)
    return RegionChange(chosen, reread, placed)


def reread_phones(region: str | None) -> tuple[int, int]:
    """Read again, in `region`, each stored number written without a `+` (caller's transaction)."""
    query = Contact.select(Contact.id, Contact.phone).where(
        (Contact.phone != "") & ~Contact.phone.startswith("+")
    )
    reread = placed = 0
    for contact_id, phone in engine.rows(query):
        form = phones.e164(str(phone), region)
        Contact.update(phone_e164=form).where(Contact.id == contact_id).execute()
        reread, placed = reread + 1, placed + bool(form)
    return reread, placed


@guarded
def all_settings() -> dict[str, object]:
    return {OURS: ours(), REGION: region()}
