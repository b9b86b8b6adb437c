"""Same search, same answers: one demo seed on SQLite and on PostgreSQL, dozens of queries.

Each query's ids, its count and its first page (in order) must be identical on both
engines; a difference names the query.
"""

from __future__ import annotations

from pathlib import Path

import models

from . import postgres

QUERIES = (
    "",
    "refund",
    "refunds",
    "REFUND",
    "order",
    '"cannot log in"',
    '"log cannot"',
    '"charged twice"',
    '"tracking number"',
    '"number tracking"',
    '"ada lovelace"',
    '"lovelace ada"',
    '"delete my data"',
    '"data delete"',
    '"the tracking num*"',
    '"tracking*"',
    "delete my data",
    "ada",
    "lovelace",
    "ada refund OR lovelace",
    "name:grace",
    "email:hopper1",
    "phone:555 01",
    "phone:(415)",
    "card charged",
    "refund OR invoice",
    "refund OR invoice OR pricing",
    "refund -order",
    "-refund",
    "-refund -invoice",
    "-(refund OR tracking) channel:chat",
    "delete -data",
    "(refund OR invoice) -damaged",
    "(delivery OR address) (late OR change)",
    "photo label",
    "tracking",
    "trk1*",
    "pro plan",
    "name:ada",
    "name:Lovelace",
    "name:ace",
    "name:ada name:hopper",
    "name:ada OR name:hopper",
    "-name:ada",
    "email:example.org",
    "email:corp",
    "email:.net",
    "phone:555",
    "phone:0199",
    "phone:+1",
    "channel:sms",
    "channel:sms refund",
    "channel:email -channel:chat",
    "is:archived",
    "is:open refund",
    "is:held",
    "older:90d",
    "older:400d refund",
    "newer:30d",
    "older:90",
    "ines",
    "ines.moreau@example.org",
    "moreau@example.org",
    "data deleted",
    "Initech",
    "zzzz-no-such-word",
    '""',
    "refund)",
    "((refund",
)


Answer = tuple[set[int], int, list[int], list[int]] | str


def answer(text: str) -> Answer:
    """The query's ids, count and first page, and its first page among the archived (as
    the inbox's filter asks for it); or its one-line refusal."""
    try:
        search = models.ConversationSearch(text)
        archived = models.ConversationSearch(text, status="archived")
        first = [row.id for row in search.page(0, 40)]
        return set(search.ids()), search.count(), first, [r.id for r in archived.page(0, 40)]
    except models.HushdeskError as refusal:
        return str(refusal)


def answers(target: Path | str) -> dict[str, Answer]:
    models.open_database(target, create=True)
    try:
        models.generate_demo(conversations=1500, seed=11)
        return {text: answer(text) for text in QUERIES}
    finally:
        models.close_database()


def test_every_query_answers_the_same_on_both_engines(
    tmp_path: Path, clock: object, pg_cluster: postgres.Cluster
) -> None:
    lite = answers(tmp_path / "lite.db")
    pg = answers(pg_cluster.new_database())
    found = {text: got for text, got in lite.items() if not isinstance(got, str)}
    assert sum(1 for ids, *_ in found.values() if ids) > 45  # most queries find something
    assert [text for text in QUERIES if lite[text] != pg[text]] == []
    for text, (ids, count, first, _) in found.items():
        assert count == len(ids), text
        assert set(first) <= ids and len(first) == min(40, count), text
