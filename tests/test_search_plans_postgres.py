"""PostgreSQL's search plans: picked from the index's statistics, each read the way it claims.

The rows every plan gives are compared in test_search_pages; here, which plan a search
gets and what the server does with it (its EXPLAIN), on a demo small enough for a test.
"""

from __future__ import annotations

import pytest

import models
from models.search import planner
from models.store import engine
from models.store.sql import Sql

pytestmark = pytest.mark.postgres_only


def plan_of(query: Sql) -> str:
    text = engine.backend().dialect.mark(query.text)
    return "\n".join(line for (line,) in engine.db.execute_sql("EXPLAIN " + text, query.params))


@pytest.fixture
def demo(db):
    models.generate_demo(3000, seed=5)
    return db


def test_the_estimate_is_at_least_what_matches(demo):
    for text in ("ada", '"tracking number"', '"number tracking"', "delete my data", "a OR ada"):
        search = models.ConversationSearch(text)
        estimate = search._estimated().matches
        assert estimate >= search.count() * 0.9, text  # statistics of every row, rounded


def test_a_phrase_matching_few_is_read_from_the_index(demo, monkeypatch):
    monkeypatch.setattr(planner, "SMALL", 50)  # a thousand at a million: 50 of 3,000 here
    rare = models.ConversationSearch('"number tracking"', status="archived")
    query = rare._page_query(0, 100)
    assert "ANY(ARRAY(" in query.text
    plan = plan_of(query)
    assert "search_document_words" in plan and "Backward" not in plan
    assert rare.page(0, 100) == [] and rare.count() == 0


def test_a_common_phrase_is_walked_newest_first_and_tested_row_by_row(demo, monkeypatch):
    monkeypatch.setattr(planner, "SMALL", 50)
    common = models.ConversationSearch('"tracking number"', status="archived")
    plan = plan_of(common._page_query(0, 10))  # a page of 10 from 3,000, as 100 from a million
    assert "Index Only Scan Backward using conversation_archived_newest" in plan
    assert "SubPlan" in plan and "search_document_words" not in plan
    assert len(common.page(0, 10)) == 10


def test_a_page_starts_no_parallel_workers(demo):
    plan = plan_of(models.ConversationSearch("ada", status="archived")._page_query(0, 100))
    assert "Gather" not in plan


def test_a_document_too_long_for_all_its_pairs_still_finds_its_phrases(db):
    from .helpers import conversation

    words = " ".join(f"w{i:05d}{'x' * 55}" for i in range(5_000))  # pairs of 600 KB: cut
    long = conversation(body=f"{words} the tracking number")
    short = conversation(body="the tracking number")
    conversation(body="number one, tracking two")
    found = models.ConversationSearch('"tracking number"').ids()
    assert sorted(found) == sorted([long, short])
    assert models.ConversationSearch('"number tracking"').ids() == []


def test_a_pair_too_long_for_the_index_still_finds_its_phrase(db):
    from .helpers import conversation

    long_word = "語" * 400  # 1,200 bytes: with another, longer than an entry may be
    found = conversation(body=f"{long_word} {long_word} end")
    conversation(body=f"end {long_word}")
    assert models.ConversationSearch(f'"{long_word} end"').ids() == [found]


def test_a_walk_that_falls_short_stops_and_reads_from_the_index(demo, monkeypatch):
    """Where the statistics call a text broad and it is not ("lovelace hopper" at a million:
    two common names, no such contact), the walk would test every row. It stops after
    WALK_BOUND rows per row of the page, and the index answers."""
    monkeypatch.setattr(planner, "SMALL", 50)
    monkeypatch.setattr(planner, "WALK_BOUND", 2)  # 20 rows for a page of 10: too few here
    search = models.ConversationSearch("ada", status="archived")
    walk = search._bounded_walk(0, 10)
    assert walk is not None and "LIMIT" in walk.text
    walked = [row.id for row in planner._rows(walk)]
    page = [row.id for row in search.page(0, 10)]
    assert len(walked) < len(page) == 10  # the walk alone fell short
    assert page == [row.id for row in planner._rows(search._page_of(search._filters(), 0, 10))]
