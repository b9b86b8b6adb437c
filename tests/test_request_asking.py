"""The words that suggest a request: a few phrasings in five languages, and nothing else."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import models


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Please delete all you hold about me.", "erasure"),
        ("DELETE MY DATA please", "erasure"),
        ("I invoke my right to be forgotten", "erasure"),
        ("I'd like all my personal data deleted.", "erasure"),
        ("Merci de supprimer toutes mes données.", "erasure"),
        ("Bitte löschen Sie meine Daten.", "erasure"),
        ("Por favor borren mis datos", "erasure"),
        ("Verwijder alstublieft mijn gegevens", "erasure"),
        ("What data do you hold about me?", "access"),
        ("I would like a copy of my personal data.", "access"),
        ("This is a subject access request.", "access"),
        ("Quelles données détenez-vous sur moi ?", "access"),
        ("Welche Daten speichern Sie über mich?", "access"),
        ("¿Qué datos tienen sobre mí?", "access"),
        ("My order never came", None),
        ("Can you remove the item from my basket?", None),
        ("Please delete the duplicate invoice. My data plan is fine.", None),
    ],
)
def test_what_a_text_seems_to_ask_for(text, kind):
    assert models.asks(text) == kind


@given(st.text(max_size=3000))
def test_any_text_is_read_without_fail(text):
    assert models.asks(text) in (None, "access", "erasure")
