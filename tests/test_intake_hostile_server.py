"""A lying server: whatever an IMAP server answers (garbage, a cut, a wrong greeting), a fetch
says one line and changes nothing, and the next fetch from a good server works.

The liar is a real TCP server on 127.0.0.1 that greets (or not) and then answers every
line with the bytes hypothesis chose, then closes the connection.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import models
from models.store.schema import Message

FUZZ = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Liar:
    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.script: list[bytes] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(0.5)  # a client that says nothing more: the liar hangs up
                try:
                    for answer in self.script:
                        conn.sendall(answer)
                        if conn.recv(4096) == b"":
                            break
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def liar() -> Iterator[Liar]:
    server = Liar()
    yield server
    server.close()


answers = st.lists(
    st.one_of(
        st.binary(max_size=200),
        st.sampled_from(
            [
                b"* OK IMAP4rev1 ready\r\n",
                b"* CAPABILITY IMAP4rev1 STARTTLS\r\n",
                b"* CAPABILITY IMAP4rev1 STARTTLS IDLE\r\nA001 OK done\r\n",
                b"* BYE go away\r\n",
                b"A001 OK [CAPABILITY IMAP4rev1 STARTTLS] fine\r\nA002 OK begin TLS\r\n",
                b"* OK [UIDVALIDITY x] \r\n",
                b"* 1 FETCH (BODY[] {99999}\r\nshort",
                b"* BYE no such password: hunter2-secret\r\n",  # a server that echoes it
            ]
        ),
    ),
    min_size=0,
    max_size=4,
)


@FUZZ
@given(script=answers)
@example(script=[])
@example(script=[b"* OK IMAP4rev1 ready\r\n", b"* BYE no such password: hunter2-secret\r\n"])
@example(script=[b"* OK IMAP4rev1 ready\r\n", b"A001 OK [CAPABILITY IMAP4rev1] no tls\r\n"])
def test_whatever_the_server_answers_a_fetch_says_one_line(db, tmp_path, liar, script):
    liar.script = script
    password = tmp_path / "pw"
    password.write_text("hunter2-secret\n")
    for scheme in ("imap", "imaps"):
        name = f"liar-{scheme}"
        if not [s for s in models.list_sources() if s.name == name]:
            models.add_source(
                name, f"{scheme}://desk@127.0.0.1:{liar.port}/INBOX", password_file=str(password)
            )
        (result,) = models.fetch(name)
        assert result.error and "\n" not in result.error and "hunter2" not in result.error
        assert result.error.isprintable()
    assert Message.select().count() == 0
