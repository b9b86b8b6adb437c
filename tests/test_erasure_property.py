"""Whoever else is in the help desk, an erasure and an export touch exactly the person asked for.

People are generated with identifiers that collide the ways real ones do: the same
national digits in different countries, one number written nationally and
internationally, shared and common-phrase names, emails that contain one another.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models
from models.store import engine
from models.text import phones

NAMES = ["Ann Lee", "ann  lee", "ANN LEE", "Thank You", "Bo Chen", "Ana Lee", "Zoë Quist"]
EMAILS = ["ann@x.org", "ann@x.org.uk", "joann@x.org", "ann.lee@x.org", "bo@x.org", "lee@x.org"]
PHONES = [
    "",
    "+33 6 12 34 56 78",
    "+34 612 34 56 78",
    "+44 20 7946 0018",
    "+1 (207) 946-0018",
    "020 7946 0019",
    "07700 900123",
]
REGION = "GB"

person = st.tuples(st.sampled_from(NAMES), st.sampled_from(EMAILS), st.sampled_from(PHONES))


def _distinct(people: list[tuple[str, str, str]]) -> bool:
    numbers = [phones.e164(p, REGION) for _, _, p in people if p]
    return len(set(numbers)) == len(numbers)


desks = st.lists(person, min_size=2, max_size=5, unique_by=lambda p: p[1]).filter(_distinct)


def snapshot(contact_ids: list[int]) -> list[tuple]:
    marks = ",".join(map(str, contact_ids)) or "0"
    run = engine.db.execute_sql
    return [
        *run(f"SELECT id, name, email, phone FROM contact WHERE id IN ({marks}) ORDER BY id"),
        *run(f"SELECT contact_id, value FROM attribute WHERE contact_id IN ({marks}) ORDER BY 1"),
        *run(
            "SELECT c.id, c.subject, m.body FROM conversation c JOIN message m "
            f"ON m.conversation_id = c.id WHERE c.contact_id IN ({marks}) ORDER BY m.id"
        ),
    ]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(people=desks, target=st.integers(min_value=0, max_value=4), by_phone=st.booleans())
def test_erase_and_export_touch_exactly_the_person(people, target, by_phone):
    target %= len(people)
    with tempfile.TemporaryDirectory() as folder:
        models.open_database(Path(folder) / "hushdesk.db", create=True)
        try:
            _check(people, target, by_phone, Path(folder))
        finally:
            models.close_database()


def _check(people: list[tuple[str, str, str]], target: int, by_phone: bool, folder: Path) -> None:
    models.set_region(REGION)
    ids = []
    for number, (name, email, phone) in enumerate(people):
        contact = models.create_contact(name, email, phone)
        models.set_attribute(contact, "secret", f"Sx{number}-attr")
        body = f"I am {name}, {email}, {phone}. Sx{number}-body"
        models.create_conversation(
            "Email", contact, f"Sx{number} subject", [models.NewMessage("customer", body)]
        )
        ids.append(contact)
    others = [c for i, c in enumerate(ids) if i != target]
    before = snapshot(others)
    name, email, phone = people[target]
    asked = [phone] if by_phone and phone else [email]
    out = folder / "export.json"
    models.export_person(asked, out)
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert {c["id"] for c in exported["contacts"]} == {ids[target]}
    text = out.read_text(encoding="utf-8")
    assert f"Sx{target}-body" in text
    assert not any(f"Sx{i}-" in text for i in range(len(people)) if i != target)
    models.erase(asked, "REQ-1", "sam")
    assert snapshot(others) == before, "no one else's data changed"
    assert snapshot([ids[target]]) == []
