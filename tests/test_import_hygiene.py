"""What each layer may import: models/ below everything, three faces in tui/ that stay apart."""

import inspect
import subprocess

import pytest

import models

from .helpers import in_new_python, roots


def loaded_after(statement: str) -> list[str]:
    return in_new_python(statement)[1]


def test_models_never_import_textual_or_tui():
    modules = loaded_after("import models, models.demo.generate, models.importer")
    assert roots(modules, "textual", "tui", "rich") == []


def test_peewee_never_loads_the_postgresql_driver_until_it_is_needed():
    """Whichever module loads Peewee first, psycopg (a quarter of a second) stays out."""
    for first in (
        "models.store.schema",
        "peewee",
        "playhouse.migrations",
        "models.search.planner",
    ):
        modules = loaded_after(f"import models, {first}, peewee, playhouse.migrations")
        assert roots(modules, "psycopg", "psycopg2") == [], first
    modules = loaded_after("import models, models.store.drivers as d, peewee; d.attach_psycopg()")
    assert "psycopg" in modules


def test_the_command_line_never_imports_textual():
    modules = loaded_after("import tui.cli")
    assert roots(modules, "textual", "rich") == []
    assert not [m for m in modules if m.startswith(("tui.app", "tui.hosting"))]


def test_the_app_never_imports_the_command_line_or_the_hosting():
    modules = loaded_after("import tui.app")
    assert not [m for m in modules if m.startswith(("tui.cli", "tui.hosting"))]


def test_the_interface_never_imports_the_driver():
    modules = loaded_after("import tui.app, tui.cli, tui.hosting.demo_session")
    imported = subprocess.run(
        ["grep", "-rlE", r"^\s*(from|import) (peewee|playhouse|sqlite3)", "tui"],
        capture_output=True,
        text=True,
    )
    assert imported.stdout == "", "tui/ imports the database driver"
    assert "tui.app" in modules


def public_operations():
    for name in models.__all__:
        value = getattr(models, name)
        if inspect.isfunction(value):
            yield name, value
        elif inspect.isclass(value) and name == "ConversationSearch":
            for method in ("__init__", "count", "page", "page_from_end", "ids"):
                yield f"{name}.{method}", getattr(value, method)


PLAIN = {
    "asks",
    "parse_day",
    "check_days",
    "check_ids",
    "check_texts",
    "describe_interval",
    "newest_open",
    "now",
    "parse_interval",
    "connection",
    "owed",
    "receipt_dict",
    "receipt_json",
    "rule",
    "send_due",  # each of its steps is guarded, never the whole: a retry must not send again
    "settle_uncertain",  # likewise: each step is guarded, the mailbox asked between them
}  # no database behind them


@pytest.mark.parametrize("name, operation", list(public_operations()))
def test_every_public_operation_turns_driver_errors_into_hushdesk_errors(name, operation):
    if name not in PLAIN:
        assert getattr(operation, "__guarded__", False), f"{name} is not @guarded"


def test_the_api_face_has_what_it_needs_without_textual():
    """The operations, the open-database object and errors that carry an HTTP status."""
    statement = (
        "import tui.api, models; models.archive, models.erase, models.set_attribute, "
        "models.connection, models.Database; assert models.NotFound.status == 404; "
        "assert models.Refused.status == 409 and models.InvalidInput.status == 422"
    )
    modules = loaded_after(statement)
    assert roots(modules, "textual", "rich") == []
    assert not [m for m in modules if m.startswith(("tui.app", "tui.hosting", "tui.cli"))]
