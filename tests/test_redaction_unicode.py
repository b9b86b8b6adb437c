"""A redaction replaces exactly what it matched on the original text, in any script.

A match is never located in a changed copy (lower-cased, case-folded) and applied to
the original, where the positions differ: `İ` lower-cases to two characters.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import models
from models.store import engine
from models.text.folding import Folded, fold

LETTERS = list("aeiouklmnrstz") + list("İıIiẞßſςσΣﬁﬂæÆØøÅåÉé") + ["e\u0301", "a\u0308"]
NEIGHBOURS = ["😀", "👍🏽", " ", "\u200d", "-", "«", "1", "\u0301", "Ω", "ǅ"]
VARIANTS = {
    "same": lambda t: t,
    "upper": str.upper,
    "lower": str.lower,
    "casefold": str.casefold,
    "nfd": lambda t: unicodedata.normalize("NFD", t),
    "nfc": lambda t: unicodedata.normalize("NFC", t),
    "nfkc": lambda t: unicodedata.normalize("NFKC", t),
}


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    path = tmp_path_factory.mktemp("unicode") / "hushdesk.db"
    models.open_database(path, create=True)
    yield path
    models.close_database()


def planted(text: str, needle: str) -> list[str]:
    """What of `text` the needle's fold covers: each such span of the original."""
    return [text[a:b] for a, b in Folded(text).spans(fold(needle))]


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    word=st.lists(st.sampled_from(LETTERS), min_size=3, max_size=8).map("".join),
    variant=st.sampled_from(sorted(VARIANTS)),
    before=st.sampled_from(NEIGHBOURS),
    after=st.sampled_from(NEIGHBOURS),
)
@example(word="İstanbul", variant="lower", before=" ", after=" ")
@example(word="İstanbul", variant="upper", before="😀", after="😀")
@example(word="Straße", variant="upper", before=" ", after=" ")
@example(word="ΟΔΥΣΣΕΥΣ", variant="lower", before=" ", after=" ")
@example(word="ﬁle", variant="nfkc", before="-", after="-")
@example(word="café", variant="nfd", before=" ", after="\u0301")
def test_every_redaction_leaves_nothing_of_what_it_matched(desk, word, variant, before, after):
    written = VARIANTS[variant](word)
    body = f"keep{before}{written}{after}keep"
    spans = planted(body, word)
    cid = models.create_conversation(
        "Chat", None, "unicode", [models.NewMessage("customer", body)], kind="chat"
    )
    if not spans:
        with pytest.raises(models.InvalidInput, match="is not in conversation"):
            models.redact(cid, [word], "sam")
        assert models.get_conversation(cid).messages[0].body == body
        return
    count, _ = models.redact(cid, [word], "sam")
    redacted = models.get_conversation(cid).messages[0].body
    assert count == len(spans) and "[redacted]" in redacted
    for text in spans:
        assert text not in redacted, (text, redacted)
    assert redacted.startswith("keep") and redacted.endswith("keep")
    rest = redacted.replace("[redacted]", "|")
    assert not Folded(rest).spans(fold(word)), "nothing the needle finds is left"
    stored = [t for t in spans if len(t.strip()) >= 4]
    if stored:  # the schema's own names (sqlite_schema) are hushdesk's words, not data
        traces = [t for t in engine.backend().traces(stored[:1]) if "sqlite_schema" not in t[1]]
        assert not traces or _elsewhere(stored[0], cid)


def _elsewhere(text: str, cid: int) -> bool:
    """The text is still in another example's conversation (the desk is shared)."""
    return any(
        fold(text) in fold(m.body)
        for other in models.ConversationSearch("").ids()
        if other != cid
        for m in models.get_conversation(other).messages
    )


def test_the_dotted_capital_i_is_redacted_from_the_text_and_the_index(db):
    cid = models.create_conversation(
        "Chat",
        None,
        "trip",
        [models.NewMessage("customer", "From i̇stanbul to İSTANBUL")],
        kind="chat",
    )
    count, cleanup = models.redact(cid, ["İstanbul"], "sam")
    assert count == 2 and cleanup.done
    assert models.get_conversation(cid).messages[0].body == "From [redacted] to [redacted]"
    assert models.ConversationSearch("istanbul").ids() == []
    assert engine.backend().traces(["stanbul"]) == []
