"""Hostile input: random strings through every door, and every path that could delete."""

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import models
from models import importer
from models.store.schema import Conversation
from tui.cli import main

from .conftest import NOW
from .helpers import conversation

FUZZ = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
COMMANDS = [
    "search",
    "archive",
    "unarchive",
    "hold",
    "release",
    "delete",
    "forget",
    "attr ls",
    "attr set",
    "attr rm",
    "assistant set",
    "assistant ls",
    "sweep",
    "log",
    "verify-gone",
    "import",
]
words = st.text(st.characters(blacklist_categories=["Cs"]), max_size=40)


def run_cli(db_path, argv):
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err), pytest.raises(SystemExit) as done:
        main(["--db", str(db_path), "--agent", "fuzz", *argv])
    return done.value.code, out.getvalue(), err.getvalue()


@FUZZ
@given(command=st.sampled_from(COMMANDS), args=st.lists(words, max_size=4))
@example(command="verify-gone", args=["NULL"])
def test_any_arguments_give_exit_0_or_1_and_one_line(db, command, args):
    if command == "import" and args:
        args = ["/nonexistent/" + args[0].replace("\x00", "")]
    code, out, err = run_cli(db, [*command.split(), *args])
    assert code in (0, 1)
    assert "Traceback" not in err
    if code == 1 and command == "verify-gone" and not err:  # a finding, not a refusal:
        assert out.startswith(("FOUND", "PENDING"))  # "NULL" is in every schema's bytes
    elif code == 1:
        assert err.count("\n") == 1


@FUZZ
@given(key=words, value=st.text(max_size=200))
def test_any_attribute_is_stored_exactly_or_refused(db, key, value):
    contact = models.create_contact("Ada")
    try:
        models.set_attribute(contact, key, value)
    except models.InvalidInput:
        assert models.list_attributes(contact) == []
        return
    [stored] = models.list_attributes(contact)
    assert (stored.key, stored.value) == (key.strip(), value)


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            words,
            st.builds(
                json.dumps,
                st.dictionaries(
                    st.sampled_from(
                        [
                            "type",
                            "name",
                            "email",
                            "subject",
                            "messages",
                            "contact",
                            "status",
                            "created",
                            "attributes",
                            "held",
                            "kind",
                            "channel",
                        ]
                    ),
                    st.one_of(
                        words, st.integers(), st.booleans(), st.none(), st.lists(words, max_size=2)
                    ),
                    max_size=6,
                ),
            ),
        ),
        max_size=5,
    )
)
def test_any_import_file_imports_or_changes_nothing(db, tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("import") / "in.jsonl"
    path.write_text(
        "\n".join(line.replace("\x00", "") for line in lines),
        encoding="utf-8",
        errors="surrogatepass",
    )
    before = Conversation.select().count()
    try:
        importer.import_path(path)
    except models.InvalidInput as error:
        assert "\n" not in str(error)
        assert Conversation.select().count() == before


def test_very_long_input_is_bounded(db, tmp_path):
    contact = models.create_contact("Ada")
    with pytest.raises(models.InvalidInput, match="at most"):
        models.set_attribute(contact, "k", "v" * 20_000)
    with pytest.raises(models.BadQuery, match="too long"):
        models.ConversationSearch("a" * 100_000)
    code, _, err = run_cli(db, ["search", "z" * 10_000])
    assert code == 1 and "too long" in err


def test_no_path_deletes_a_held_conversation_and_only_assistants_delete_open_ones(db):
    old = NOW - timedelta(days=400)
    open_one = conversation(channel="Chat", kind="chat", email="open@example.com")
    held_open = conversation(
        channel="Chat", kind="chat", held=True, at=old, email="h1@example.com"
    )
    held_archived = conversation(status="archived", held=True, at=old, email="h2@example.com")
    contact = models.get_conversation(held_archived).contact_id
    for ids in ([open_one], [held_open], [held_archived], [open_one, held_archived]):
        with pytest.raises(models.Refused):
            models.delete_conversations(ids, "sam")
    models.set_attribute(contact, "plan", "pro")
    models.delete_attribute(contact, "plan", "sam")
    models.forget_contact(contact, "sam")
    models.set_assistant("Chat", 30)
    models.set_assistant("Email", 1)
    models.sweep()
    present = set(models.ConversationSearch("").ids())
    assert {open_one, held_open, held_archived} <= present
