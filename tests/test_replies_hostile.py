"""Hostile subjects, reply bodies and SMTP URLs: never a header of their own, never a crash."""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import models
from models.outbound.compose import Envelope, body_text, compose, one_line
from models.outbound.server import parse
from models.outbound.submit import stuffed

from .test_cli import cli

HEADERS = {
    "from",
    "to",
    "subject",
    "date",
    "message-id",
    "in-reply-to",
    "references",
    "user-agent",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
}
BREAKERS = st.sampled_from(["\r", "\n", "\r\n", "\x85", "\u2028", "\u2029", "\x00", "\x1b"])
HOSTILE = st.lists(
    st.one_of(
        st.text(max_size=40),
        BREAKERS,
        st.sampled_from(["Bcc: spy@evil.example", ".", "..", "=?utf-8?q?=0D=0ABcc:_x?=", "From "]),
    ),
    max_size=12,
).map("".join)


def envelope(subject: str, body: str) -> Envelope:
    return Envelope(
        "abc123@desk.example",
        "support@desk.example",
        "ada@example.com",
        subject,
        "first@mail.example.com",
        ("first@mail.example.com",),
        body,
        datetime(2026, 6, 1, 12, tzinfo=UTC),
    )


@settings(max_examples=400, deadline=None)
@given(subject=HOSTILE, body=HOSTILE)
def test_no_subject_or_body_adds_a_header_and_the_body_comes_back_whole(subject, body):
    raw = compose(envelope(subject, body))
    message = email.message_from_bytes(raw, policy=email.policy.default)
    names = [k.lower() for k in message.keys()]
    assert set(names) <= HEADERS and len(names) == len(set(names)), names
    shown = str(message["Subject"])
    assert "\r" not in shown and "\n" not in shown
    assert shown == one_line(subject), "the subject reads back as written, on one line"
    assert message.get_content().replace("\r\n", "\n") == body_text(body)
    lines = stuffed(raw).split(b"\r\n")
    assert b"." not in lines, "no line of the DATA can end it early"
    assert all(len(line) <= 998 for line in lines)


@settings(max_examples=400, deadline=None)
@given(url=st.one_of(st.text(max_size=80), HOSTILE.map(lambda t: f"smtps://u@h{t}:465")))
def test_any_smtp_url_is_read_or_refused_in_one_line(url):
    try:
        server = parse(url, password_file=None)
    except models.InvalidInput as refused:
        assert "\n" not in str(refused) and url not in str(refused) or len(url) < 8
        return
    assert server.shown.isprintable() and "\n" not in server.shown
    assert parse(server.shown) == server


@settings(max_examples=200, deadline=None)
@given(secret=st.from_regex(r"\AQ[A-Za-z0-9]{7,20}\Z"))
def test_a_password_in_the_url_is_never_kept_nor_echoed(secret):
    for scheme in ("submission", "smtps", "smtp"):
        try:
            parse(f"{scheme}://desk:{secret}@127.0.0.1:587")
        except models.InvalidInput as refused:
            assert secret not in str(refused)
        else:
            raise AssertionError("a password in the URL was taken")


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(url=st.text(max_size=60))
def test_settings_smtp_refuses_hostile_urls_in_one_line_through_the_command_line(tmp_path, url):
    db = tmp_path / "h.db"
    if not db.exists():
        assert cli(db, "demo", "--conversations", "5")[0] == 0
    code, out, err = cli(db, "settings", "smtp", url)
    assert code in (0, 1, 2), (code, out, err)
    if code:
        assert err.count("\n") <= 2 and "Traceback" not in err
