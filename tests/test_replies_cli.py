"""The reply commands through the real entry point, against a real SMTP server."""

from __future__ import annotations

import os
import subprocess

from .authority import make_authority
from .smtp_server import PASSWORD, USER, Behaviour, smtp_server
from .test_cli import HUSHDESK
from .test_replies import CUSTOMER_MAIL


def hushdesk(db, *args: str, stdin: str = "", env: dict[str, str] | None = None):
    done = subprocess.run(
        [HUSHDESK, "--db", str(db), "--agent", "Sam", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )
    return done.returncode, done.stdout, done.stderr


def desk(tmp_path):
    tmp_path.mkdir(exist_ok=True)
    db = tmp_path / "h.db"
    box = tmp_path / "in.mbox"
    box.write_text(f"From x@y Mon Jun  1 09:00:00 2026\n{CUSTOMER_MAIL}\n")
    code, _, err = hushdesk(db, "import", str(box), "--ours", "support@desk.example")
    assert code == 0, err
    return db


def test_smtp_setting_keeps_the_password_files_path_never_the_password(tmp_path):
    db = desk(tmp_path)
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD + "\n")
    url = "submission://desk@mail.example.org"
    code, out, _ = hushdesk(db, "settings", "smtp", url, "--password-file", str(secret))
    assert code == 0 and "submission://desk@mail.example.org:587" in out
    code, out, _ = hushdesk(db, "settings")
    assert "smtp: submission://desk@mail.example.org:587" in out
    for path in tmp_path.glob("h.db*"):
        assert PASSWORD.encode() not in path.read_bytes()


def test_a_password_in_the_url_is_refused_in_one_line_and_nothing_changes(tmp_path):
    db = desk(tmp_path)
    code, out, err = hushdesk(db, "settings", "smtp", f"smtps://desk:{PASSWORD}@mail.example.org")
    assert code == 1 and err.count("\n") == 1 and "--password-file" in err
    assert PASSWORD not in out + err
    assert "smtp: not set" in hushdesk(db, "settings")[1]


def test_reply_from_stdin_through_starttls_with_a_login(tmp_path):
    db = desk(tmp_path)
    authority = make_authority(tmp_path / "tls")
    secret = tmp_path / "smtp-password"
    secret.write_text(PASSWORD)
    trust = {"SSL_CERT_FILE": str(authority.ca)}
    with smtp_server("starttls", authority, login=True) as server:
        url = f"submission://{USER}@127.0.0.1:{server.port}"
        assert hushdesk(db, "settings", "smtp", url, "--password-file", str(secret))[0] == 0
        code, out, err = hushdesk(
            db, "reply", "1", "--body-file", "-", stdin="It ships today.\n", env=trust
        )
    assert code == 0, out + err
    assert "Reply #1 was sent." in out
    (raw,) = server.messages
    assert b"It ships today." in raw and b"In-Reply-To: <first@mail.example.com>" in raw


def test_a_reply_the_server_cannot_take_yet_waits_in_the_outbox(tmp_path):
    db = desk(tmp_path)
    with smtp_server() as server:
        port = server.port
    hushdesk(db, "settings", "smtp", f"smtp://127.0.0.1:{port}")  # nothing listens there now
    body = tmp_path / "reply.txt"
    body.write_text("Hello again")
    code, out, _ = hushdesk(db, "reply", "1", "--body-file", str(body))
    assert code == 5 and "refused the connection" in out and "not sent yet" in out
    code, out, _ = hushdesk(db, "outbox")
    assert code == 0 and "not sent yet" in out


def test_other_channels_and_bad_bodies_are_refused_in_one_line(tmp_path):
    db = tmp_path / "h.db"
    assert hushdesk(db, "demo", "--conversations", "30")[0] == 0
    chat = subprocess.run(
        [HUSHDESK, "--db", str(db), "search", "channel:chat", "--json", "--limit", "1"],
        capture_output=True,
        text=True,
    ).stdout
    cid = chat.split('"id": ')[1].split(",")[0]
    code, _, err = hushdesk(db, "reply", cid, "--body-file", "-", stdin="hi")
    assert code == 1 and "cannot be answered from hushdesk yet" in err
    mail = desk(tmp_path / "mail")
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8")
    code, _, err = hushdesk(mail, "reply", "1", "--body-file", str(bad))
    assert code == 1 and err == "hushdesk: the reply is not UTF-8 text\n"
    code, _, err = hushdesk(mail, "reply", "1", "--body-file", str(tmp_path))
    assert code == 1 and "cannot read the reply" in err
    for db_path in (db, mail):
        code, out, _ = hushdesk(db_path, "outbox")
        assert code == 0 and out.strip().count("\n") == 0, "nothing was written"


def test_automatic_mail_needs_yes_and_a_failed_reply_is_retried_from_the_outbox(tmp_path):
    db = tmp_path / "h.db"
    box = tmp_path / "in.mbox"
    auto = CUSTOMER_MAIL.replace("Subject:", "Auto-Submitted: auto-replied\nSubject:")
    box.write_text(f"From x@y Mon Jun  1 09:00:00 2026\n{auto}\n")
    assert hushdesk(db, "import", str(box), "--ours", "support@desk.example")[0] == 0
    refusing = Behaviour(refuse_rcpt="550 5.1.1 no such user")
    with smtp_server(behaviour=refusing) as server:
        hushdesk(db, "settings", "smtp", f"smtp://127.0.0.1:{server.port}")
        code, _, err = hushdesk(db, "reply", "1", "--body-file", "-", stdin="Thanks")
        assert code == 1 and "looks automatic" in err
        assert hushdesk(db, "outbox", "--json")[1] == "", "nothing was written"
        code, out, _ = hushdesk(db, "reply", "1", "--yes", "--body-file", "-", stdin="Thanks")
        assert code == 5 and "550 5.1.1 no such user" in out and "outbox retry 1" in out
        refusing.refuse_rcpt = ""
        code, out, _ = hushdesk(db, "outbox", "retry", "1")
        assert code == 0 and "Sent 1 reply." in out
    assert len(server.messages) == 1
