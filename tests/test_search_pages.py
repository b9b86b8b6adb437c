from datetime import timedelta

import pytest

import models
from models.search import planner

from .conftest import NOW
from .helpers import conversation

pytestmark = pytest.mark.both_engines


def test_pages_read_from_the_end_match_pages_from_the_start(db):
    for i in range(23):
        conversation(email=f"p{i}@example.com", at=NOW - timedelta(hours=i // 3))
    search = models.ConversationSearch("")
    total = search.count()
    forward = [r.id for r in search.page(0, 0)]
    for offset in range(0, total, 5):
        backward = [r.id for r in search.page_from_end(offset, 5, total)]
        assert backward == forward[offset : offset + 5]


PLAN_QUERIES = [
    "refund",
    '"tracking number"',
    "refund order",
    "damaged -refund",
    "invoice OR pricing",
    "name:grace",
    "email:example.org",
    "phone:(415)",
    "name:grace refund OR order",
    "email:example.org refund",
    "channel:sms refund",
]
# Each plan in turn: looked up outright, one filter leading the other (the contacts'
# rows checked against every match, or tested in their own index shards, or each tested
# against all of them), walked in order with the whole set applied, walked in order
# testing row by row.
PLANS = {
    "look up": {"SMALL": 10**9, "FEW_CONTACTS": 10**9, "FEW_SHARE": 2},
    "contacts lead": {"SMALL": 0, "FEW_CONTACTS": 10**9, "FEW_SHARE": 2, "PROBE_COST": 10**9},
    "contacts lead, words tested in their shards": {
        "SMALL": 0,
        "FEW_CONTACTS": 10**9,
        "FEW_SHARE": 2,
        "PROBE_COST": 0,
    },
    "contacts lead, words tested": {
        "SMALL": 0,
        "FEW_CONTACTS": 10**9,
        "FEW_SHARE": 2,
        "PROBE_COST": 0,
        "AMONG": 0,
    },
    "text leads": {"SMALL": 10**9, "FEW_CONTACTS": 0},
    "walk": {"SMALL": 0, "FEW_CONTACTS": 0, "PROBE_COST": 10**9, "PROBE_DEPTH": 0},
    "probe": {"SMALL": 0, "FEW_CONTACTS": 0, "PROBE_COST": 0, "PROBE_DEPTH": 10**9},
    "probe cut short, then read from the index": {
        "SMALL": 0,
        "FEW_CONTACTS": 0,
        "PROBE_COST": 0,
        "PROBE_DEPTH": 10**9,
        "WALK_BOUND": 0,
    },
}


def _results(text: str) -> tuple[list[int], list[int], list[int], set[int], int]:
    search = models.ConversationSearch(text, status="archived")
    total = search.count()
    return (
        [r.id for r in search.page(0, 40)],
        [r.id for r in search.page(40, 40)],
        [r.id for r in search.page_from_end(40, 40, total)],
        set(search.ids()),
        total,
    )


def test_every_search_plan_gives_the_same_rows(db, monkeypatch):

    models.generate_demo(3000, seed=5)
    expected = {text: _results(text) for text in PLAN_QUERIES}
    assert min(result[4] for result in expected.values()) >= 30  # pages worth comparing
    for plan, limits in PLANS.items():
        with monkeypatch.context() as patch:
            for name, value in limits.items():
                patch.setattr(planner, name, value)
            for text in PLAN_QUERIES:
                assert _results(text) == expected[text], (plan, text)
