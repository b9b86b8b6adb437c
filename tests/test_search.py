from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models

from .conftest import NOW
from .helpers import conversation

pytestmark = pytest.mark.both_engines


@pytest.fixture
def desk(db):
    ada = conversation(
        name="Ada Lovelace",
        email="ada@analytical.example",
        phone="+1 (555) 014-2000",
        subject="refund for order 1234",
        body="the engine arrived broken",
        at=NOW - timedelta(days=40),
    )
    grace = conversation(
        channel="SMS",
        kind="sms",
        name="Grace Hopper",
        email="grace@navy.example",
        phone="+44 20 7946 0018",
        subject="login trouble",
        body="cannot log in to the compiler",
        status="archived",
        at=NOW - timedelta(days=5),
    )
    alan = conversation(
        channel="WhatsApp",
        kind="whatsapp",
        name="Alan Turing",
        email="alan@bletchley.example",
        phone="555-0100",
        subject="question",
        body="a machine that thinks",
        held=True,
        at=NOW - timedelta(days=400),
    )
    return {"ada": ada, "grace": grace, "alan": alan}


def ids(text, **kw):
    return set(models.ConversationSearch(text, **kw).ids())


def test_free_words_match_every_field(desk):
    assert ids("engine") == {desk["ada"]}
    assert ids("lovelace") == {desk["ada"]}
    assert ids("navy") == {desk["grace"]}
    assert ids("login") == {desk["grace"]}
    assert ids('"machine that thinks"') == {desk["alan"]}
    assert ids('"thinks machine"') == set()
    assert ids("refund engine") == {desk["ada"]}
    assert ids("refund OR login") == {desk["ada"], desk["grace"]}
    assert ids("refund -engine") == set()


def test_contact_filters(desk):
    assert ids("name:grace") == {desk["grace"]}
    assert ids('name:"alan turing"') == {desk["alan"]}
    assert ids("email:navy.exam") == {desk["grace"]}
    assert ids("phone:555 0142") == {desk["ada"]}
    assert ids("phone:(555)-014") == {desk["ada"]}
    assert ids("phone:7946") == {desk["grace"]}
    assert ids("email:%") == set()


def test_channel_status_and_hold(desk):
    assert ids("channel:sms") == {desk["grace"]}
    assert ids("channel:WhatsApp") == {desk["alan"]}
    assert ids("is:archived") == {desk["grace"]}
    assert ids("is:open") == {desk["ada"], desk["alan"]}
    assert ids("is:open is:archived") == set(desk.values())
    assert ids("is:held") == {desk["alan"]}
    assert ids("", status="archived") == {desk["grace"]}


def test_dates_and_ages(desk, clock):
    assert ids("older:30d") == {desk["ada"], desk["alan"]}
    assert ids("older:1y") == {desk["alan"]}
    assert ids("newer:2w") == {desk["grace"]}
    assert ids("newer:2m older:1w") == {desk["ada"]}
    assert ids("before:2026-01-01") == {desk["alan"]}
    assert ids("after:2026-04-15") == {desk["grace"], desk["ada"]}


def test_pages_are_stable_newest_first(db):
    made = [
        conversation(email=f"c{i}@example.com", at=NOW - timedelta(hours=i % 3)) for i in range(10)
    ]
    search = models.ConversationSearch("")
    assert search.count() == 10
    seen = (
        [r.id for r in search.page(0, 4)]
        + [r.id for r in search.page(4, 4)]
        + [r.id for r in search.page(8, 4)]
    )
    assert sorted(seen) == sorted(made)
    assert [r.id for r in search.page(0, 0)] == seen


@pytest.mark.parametrize(
    "text, message",
    [
        ("is:nothing", "is:nothing"),
        ("older:forever", "not an age"),
        ("before:someday", "not a date"),
        ("name:", "needs a value"),
        ("phone:abc", "needs digits"),
        ("x" * 501, "too long"),
        ("older:99999y", "too far"),
    ],
)
def test_bad_filters_are_refused_clearly(db, text, message):
    with pytest.raises(models.BadQuery, match=message):
        models.ConversationSearch(text)


@pytest.mark.parametrize(
    "text",
    [
        '"',
        '"unclosed',
        "(((",
        ")",
        "NOT",
        "AND OR",
        "*",
        "a*b",
        "-",
        "- -",
        "col:",
        "{a b}:c",
        "\x00\x1b[31m",
        "^",
        "NEAR(a b)",
        "subject:refund",
        "‽ 漢字",
        '""',
        "'",
        "\\",
    ],
)
def test_awkward_strings_never_raise_database_errors(desk, text):
    search = models.ConversationSearch(text)
    assert search.count() >= 0
    search.page(0, 5)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=80))
def test_any_string_searches_or_is_refused(desk, text):
    try:
        search = models.ConversationSearch(text)
        assert search.count() == len(search.page(0, 0))
    except models.BadQuery as error:
        assert "\n" not in str(error)


def test_a_refreshed_search_finds_contacts_added_since_it_ran(db):
    conversation(name="Augusta Ada King", email="augusta@example.com")
    search = models.ConversationSearch("name:augusta")
    assert search.count() == 1  # the few matching contacts are now known to the search
    conversation(name="Augusta Byron", email="byron@example.com")
    search.refresh()
    assert search.count() == 2
    assert {row.contact for row in search.page()} == {"Augusta Ada King", "Augusta Byron"}


def test_negated_filters_keep_what_they_do_not_match(desk):
    everyone = {desk["ada"], desk["grace"], desk["alan"]}
    assert ids("-is:held") == everyone - {desk["alan"]}
    assert ids("-is:open") == {desk["grace"]}
    assert ids("-is:archived") == {desk["ada"], desk["alan"]}
    assert ids("-channel:sms") == everyone - {desk["grace"]}
    assert ids("-name:ada") == everyone - {desk["ada"]}
    assert ids("-email:navy") == everyone - {desk["grace"]}
    assert ids("-phone:555") == {desk["grace"]}
    assert ids("-older:30d") == ids("newer:30d") == {desk["grace"]}
    assert ids("-before:2026-05-01") == ids("after:2026-05-01")
    assert ids("refund -is:held") == {desk["ada"]}
    forgotten = models.get_conversation(desk["ada"]).contact_id
    models.forget_contact(forgotten, "sam")
    assert desk["ada"] in ids("-name:grace"), "Someone matches no name"


def test_excluded_words_alone_keep_everything_else(desk):
    everyone = {desk["ada"], desk["grace"], desk["alan"]}
    assert ids("-refund") == everyone - {desk["ada"]}
    assert ids("-refund -login") == {desk["alan"]}
    assert ids("-(refund OR login)") == {desk["alan"]}
    assert ids("-refund is:open") == {desk["alan"]}
    assert ids('-"machine that thinks" -nothingatall') == everyone - {desk["alan"]}
    assert ids("engine OR -login") == {desk["ada"]}, "an exclusion beside OR has nothing to act on"
    assert models.ConversationSearch("-refund").count() == 2


@pytest.mark.parametrize("text", ["is:held OR refund", "refund OR is:held", "a OR -is:held"])
def test_or_beside_a_filter_is_refused(desk, text):
    with pytest.raises(models.BadQuery, match="OR joins words"):
        models.ConversationSearch(text)


@pytest.mark.parametrize(
    "text", ["before:0001-01-01T00:00:00+05:00", "after:9999-12-31T23:00:00-05:00"]
)
def test_dates_that_overflow_are_refused_in_one_line(desk, text):
    with pytest.raises(models.BadQuery, match="out of range"):
        models.ConversationSearch(text)


def test_id_filter(desk):
    assert ids(f"id:{desk['ada']}") == {desk["ada"]}
    assert ids(f"-id:{desk['ada']}") == {desk["grace"], desk["alan"]}
    with pytest.raises(models.BadQuery, match="not a conversation id"):
        models.ConversationSearch("id:abc")
