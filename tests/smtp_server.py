"""A real SMTP submission server for the tests: aiosmtpd on 127.0.0.1, in a thread.

It records every message whose DATA ended, can require STARTTLS (or speak TLS
from the start) with a certificate of a throwaway authority, check a login,
refuse at a step, drop the connection at a step, or hold its answer to the
end of DATA until the test lets it go.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from .authority import Authority

USER, PASSWORD = "desk", "s3cret-pass"
WAIT_S = 60


@dataclass
class Behaviour:
    refuse_rcpt: str = ""  # e.g. "550 5.1.1 no such user"
    refuse_data: str = ""  # e.g. "451 4.3.0 try later"
    drop_at: str = ""  # "rcpt" or "data": close the connection there, answering nothing
    hold: threading.Event | None = None  # the answer at `hold_at` waits for this
    hold_at: str = "end"  # "rcpt", or "end": the answer to the end of DATA
    holding: threading.Event = field(default_factory=threading.Event)  # set while it waits
    data_started: threading.Event = field(default_factory=threading.Event)  # DATA was said
    arrived: list[str] = field(default_factory=list)  # a step, each time a session is held


class Handler:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.messages: list[bytes] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, _: Any):
        if self.behaviour.drop_at == "rcpt":
            server.transport.close()
            return "421 closing"
        if self.behaviour.refuse_rcpt:
            return self.behaviour.refuse_rcpt
        await self._held("rcpt", server)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def _held(self, step: str, server: Any) -> None:
        gate = self.behaviour.hold
        if gate is not None and self.behaviour.hold_at == step:
            self.behaviour.arrived.append(step)
            self.behaviour.holding.set()
            await server.loop.run_in_executor(None, gate.wait, WAIT_S)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.messages.append(bytes(envelope.content))
        if self.behaviour.drop_at == "data":
            server.transport.close()
            return "421 closing"
        await self._held("end", server)
        return self.behaviour.refuse_data or "250 2.0.0 queued"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def check_login(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
    ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


@dataclass
class Running:
    handler: Handler
    port: int
    behaviour: Behaviour

    @property
    def messages(self) -> list[bytes]:
        with self.handler.lock:
            return list(self.handler.messages)


@contextmanager
def smtp_server(
    tls: str = "",  # "", "starttls" or "smtps"
    authority: Authority | None = None,
    login: bool = False,
    behaviour: Behaviour | None = None,
) -> Iterator[Running]:
    """An SMTP server on 127.0.0.1 for the length of the block."""
    behaviour = behaviour or Behaviour()
    handler = Handler(behaviour)
    port = free_port()
    kwargs: dict[str, Any] = {}
    if tls == "starttls":
        assert authority
        kwargs.update(tls_context=authority.server(), require_starttls=True)
    if login:
        # aiosmtpd knows of STARTTLS only: over TLS from the start it must not ask for more
        kwargs.update(
            authenticator=check_login, auth_required=True, auth_require_tls=tls == "starttls"
        )
    if tls == "smtps":
        assert authority
        kwargs["ssl_context"] = authority.server()
    controller = _Controller(handler, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    try:
        yield Running(handler, port, behaviour)
    finally:
        if behaviour.hold is not None:
            behaviour.hold.set()
        controller.stop()


class _Server(SMTP):
    """aiosmtpd's server, saying when a client has begun its DATA."""

    async def smtp_DATA(self, arg: str) -> None:
        self.event_handler.behaviour.data_started.set()
        await super().smtp_DATA(arg)


class _Controller(Controller):
    def factory(self) -> SMTP:
        return _Server(self.handler, **self.SMTP_kwargs)
