"""PostgreSQL URLs go where they say, and no password is ever printed."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import models
from models.store.engines import pg_url

from .test_cli import cli

pytest.importorskip("psycopg")
from psycopg.conninfo import conninfo_to_dict  # noqa: E402

PASSWORDS = st.text(
    st.characters(min_codepoint=33, max_codepoint=0x2FF, blacklist_characters="\x7f"),
    min_size=1,
    max_size=16,
).map(lambda tail: f"Pw-{tail}")  # a mark no other part of the URL holds
USERS = st.sampled_from(["agent", "a.b", "sam_o", "ünï"])
DATABASES = st.sampled_from(["helpdesk", "h_1", "desk-2"])
PARAMS = st.sampled_from(
    [
        "",
        "?sslmode=disable",
        "?options=-c%20statement_timeout%3D5000",
        "?connect_timeout=2&application_name=x",
    ]
)


def url(scheme: str, user: str, password: str, port: int, database: str, params: str) -> str:
    return (
        f"{scheme}://{quote(user, safe='')}:{quote(password, safe='')}"
        f"@127.0.0.1:{port}/{database}{params}"
    )


URLS = st.builds(
    url,
    st.sampled_from(["postgresql", "postgres"]),
    USERS,
    PASSWORDS,
    st.just(1),
    DATABASES,
    PARAMS,
)


@settings(max_examples=200, deadline=None)
@given(text=URLS)
def test_every_part_of_the_url_reaches_the_driver_as_libpq_reads_it(text):
    read = pg_url.read(text)
    expected = conninfo_to_dict(text)
    assert read.parts == {k: str(v) for k, v in expected.items()}
    keywords = read.keywords("-c timezone=UTC")
    assert keywords["options"].endswith("-c timezone=UTC")
    named = {"application_name": "hushdesk"}  # unless the URL names itself
    assert {k: v for k, v in keywords.items() if k != "options"} == named | {
        k: str(v) for k, v in expected.items() if k not in ("dbname", "options")
    }
    for secret in read.secrets:
        assert secret not in read.shown


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=URLS)
@example(text="postgres://agent:Pw-pw@127.0.0.1:1/helpdesk")
def test_a_failed_connection_never_prints_the_password(text, free_port):
    text = text.replace("127.0.0.1:1/", f"127.0.0.1:{free_port}/")
    password = pg_url.read(text).password
    code, out, err = cli(text, "log")
    assert code == 1 and err.count("\n") == 1
    for shown in (password, quote(password, safe="")):
        assert shown not in err and shown not in out
    assert f"127.0.0.1:{free_port}" in err, "it tried where the URL says"


@pytest.mark.parametrize(
    "text",
    [
        "postgresql://agent:p@ss/word@db.internal/helpdesk",
        "postgres://agent:Pw-x@y@127.0.0.1/helpdesk",
        "postgresql://agent:Pw-é\x01@127.0.0.1/db",
        "postgresql://agent:Pw-z@127.0.0.1/db?=nothing",
        "postgresql://agent:Pw-p/w@127.0.0.1/db",
    ],
)
def test_a_url_libpq_cannot_read_is_refused_with_the_password_masked(text):
    code, _, err = cli(text, "log")
    assert code == 1 and err.count("\n") == 1
    assert "Pw-" not in err and "p@ss" not in err and "ss/word" not in err and "p/w" not in err
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # nothing listens there once it is closed


def test_the_url_of_a_real_server_with_options_is_obeyed(pg_cluster):
    """`?options=` reaches the server: a statement timeout set in the URL applies."""
    base = pg_cluster.new_database()
    models.open_database(base + "?application_name=hushdesk-test", create=True)
    try:
        from models.store.engines.base import db

        name = db.execute_sql("SELECT current_setting('application_name')").fetchone()[0]
        assert name == "hushdesk-test"
    finally:
        models.close_database()
