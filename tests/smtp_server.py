"""A real SMTP submission server for the tests: aiosmtpd on 127.0.0.1, in a thread.

It records every message whose DATA ended, can require STARTTLS (or speak TLS
from the start) with a certificate of a throwaway authority, check a login,
refuse at a step, drop the connection at a step, or hold its answer to the
end of DATA until the test lets it go.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

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


@dataclass
class Authority:
    """A throwaway certificate authority and a server certificate for 127.0.0.1."""

    ca: Path
    cert: Path
    key: Path

    def client(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca))

    def server(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(str(self.cert), str(self.key))
        return context


def make_authority(folder: Path, name: str = "127.0.0.1") -> Authority:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    folder.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    later = datetime.datetime(2036, 1, 1, tzinfo=datetime.UTC)
    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hushdesk test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(2)
        .not_valid_before(now)
        .not_valid_after(later)
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(name))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    found = Authority(folder / "ca.pem", folder / "server.pem", folder / "server.key")
    found.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    found.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    found.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return found


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
