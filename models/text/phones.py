"""Phone numbers as numbers: every written form read into E.164, compared whole.

`+44 20 7946 0018`, `0044 20 7946 0018` and, in the region GB, `020 7946 0018`
are one number, `+442079460018`; `+1 (207) 946-0018` is another, however many
digits they share. A number written without its country code is read in the
help desk's region (`hushdesk settings region GB`); with no region set, or too
short to be a whole number (`555 0199`), or not a number at all, it cannot be
placed: it is never matched with anyone's, and the caller says so.

Numbers in free text (subjects, messages) are found by Google's phonenumbers
matcher, in the same region, and compared by their E.164 form too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from ..store.errors import InvalidInput

if TYPE_CHECKING:
    import phonenumbers

NO_REGION = "ZZ"  # phonenumbers' "unknown region": only numbers written with + are read
MAX_PHONE = 64  # characters: no phone number is written longer
MAX_TRIES = 1_000  # the matcher's bound on candidates in one text


class Reading(NamedTuple):  # named tuples: `hushdesk search` loads this, not dataclasses
    """A written number, read: its E.164 form, or why it cannot be placed."""

    e164: str
    why: str = ""  # "" when placed

    @property
    def placed(self) -> bool:
        return bool(self.e164)


def digits(text: str) -> str:
    """The ASCII digits of a text, in order: how a number is stored for the `phone:` filter."""
    return "".join(ch for ch in text if ch in "0123456789")


def check_region(code: str) -> str:
    """A region code as the setting keeps it (`GB`, `US`); refuses one phonenumbers lacks."""
    import phonenumbers

    region = (code or "").strip().upper()
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise InvalidInput(f"{code[:20]!r} is not a region code (GB, US, FR, DE, ...)")
    return region


def read(text: str, region: str | None) -> Reading:
    """The number `text` is, in `region` when it has no country code."""
    import phonenumbers

    written = (text or "").strip()
    if not written or len(written) > MAX_PHONE:
        return Reading("", "it is not a phone number")
    try:
        number = phonenumbers.parse(written, region or NO_REGION)
    except phonenumbers.NumberParseException:
        if not written.startswith("+") and not region:
            return Reading("", "it has no country code and the help desk has no region set")
        return Reading("", "it is not a phone number")
    return _reading(number)


def _reading(number: phonenumbers.PhoneNumber) -> Reading:
    import phonenumbers

    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason == phonenumbers.ValidationResult.IS_POSSIBLE:
        return Reading(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    if reason in (
        phonenumbers.ValidationResult.TOO_SHORT,
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    ):
        return Reading("", "it is too short to be a whole number (give its area code)")
    return Reading("", "it is not a possible number")


def e164(text: str, region: str | None) -> str:
    """The number's E.164 form, or "" when it cannot be placed."""
    return read(text, region).e164 if text else ""


class Found(NamedTuple):
    """A number written in free text: where it stands, and which number it is."""

    start: int
    end: int
    e164: str


def find_in(text: str, region: str | None) -> Iterator[Found]:
    """Every number the matcher finds in `text` that can be placed, in order."""
    import phonenumbers

    matcher = phonenumbers.PhoneNumberMatcher(
        text, region or NO_REGION, leniency=phonenumbers.Leniency.POSSIBLE, max_tries=MAX_TRIES
    )
    for match in matcher:
        reading = _reading(match.number)
        if reading.placed:
            yield Found(match.start, match.end, reading.e164)


def parts(number: str) -> tuple[str, str, str]:
    """An E.164 number's country code, national number and national (trunk) prefix."""
    import phonenumbers

    parsed = phonenumbers.parse(number, None)
    code = str(parsed.country_code)
    national = phonenumbers.national_significant_number(parsed)
    region = phonenumbers.region_code_for_country_code(parsed.country_code or 0)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region, None)
    trunk = (metadata.national_prefix or "") if metadata is not None else ""
    return code, national, trunk


def index_starts(number: str) -> list[str]:
    """How the groups of digits the search index keeps may start, however it is written.

    The index splits a number at its separators: one group starts with the
    national number (`20 7946 0018`), the trunk prefix and it (`020 7946`),
    the country code and it (`442079460018`) or `00` and the country code
    (`0044 20 ...`). Every match of these prefixes is then read whole.
    """
    code, national, trunk = parts(number)
    starts = {national[:2], f"{code}{national[:1]}", f"00{code}"}
    if trunk:
        starts.add(f"{trunk}{national[:1]}")
    return sorted(starts)
