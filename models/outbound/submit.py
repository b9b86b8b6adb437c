"""One SMTP submission, stopped just before the line that ends DATA for the commit point.

A server delivers nothing of a message whose DATA has not ended: the whole
message is sent first, then `at_the_point` is asked (it commits the outbox's
`final` state, and says whether this sender may go on), and only then the
final `.` line. Every failure is one line: the server's answer (never the
message), or what happened to the connection.
"""

from __future__ import annotations

import re
import smtplib
import socket
import ssl
from collections.abc import Callable

from .server import Server

TIMEOUT_S = 30.0  # each wait for the server; the outbox's LEASE is longer than a few of them
LINE_END = re.compile(rb"\r\n|\r|\n")


class NotTaken(Exception):
    """The server did not take the message, and said so (or could not be reached)."""

    def __init__(self, reason: str, permanent: bool) -> None:
        super().__init__(reason)
        self.reason, self.permanent = reason, permanent


class NoAnswer(Exception):
    """The end of DATA went out and no answer came back: it may have been taken."""


class Overtaken(Exception):
    """Another sender holds the reply now: this one stopped before ending the DATA."""


def said(code: int, text: bytes | str) -> str:
    """A server's answer as one printable line."""
    raw = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    line = " ".join("".join(c if c.isprintable() else " " for c in raw).split())
    return f"{code} {line[:200]}".strip()


def stuffed(data: bytes) -> bytes:
    """The message as DATA carries it: CRLF line endings, a leading dot doubled (RFC 5321)."""
    lines = LINE_END.split(data)
    if lines and lines[-1] == b"":
        lines.pop()
    return b"".join((b"." + line if line.startswith(b".") else line) + b"\r\n" for line in lines)


def _expect(reply: tuple[int, bytes], wanted: tuple[int, ...], step: str) -> None:
    code, text = reply
    if code not in wanted:
        raise NotTaken(f"{step}: {said(code, text)}", permanent=500 <= code < 600)


def _connect(server: Server, context: ssl.SSLContext) -> smtplib.SMTP:
    if server.scheme == "smtps":
        return smtplib.SMTP_SSL(server.host, server.port, timeout=TIMEOUT_S, context=context)
    return smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_S)


def _open(server: Server, password: str, context: ssl.SSLContext) -> smtplib.SMTP:
    smtp = _connect(server, context)
    try:
        _greet(smtp, server, password, context)
    except BaseException:
        smtp.close()
        raise
    return smtp


def _greet(smtp: smtplib.SMTP, server: Server, password: str, context: ssl.SSLContext) -> None:
    """EHLO, STARTTLS when it is a submission server, and the login."""
    _expect(smtp.ehlo(), (250,), "the server refused EHLO")
    if server.scheme == "submission":
        if not smtp.has_extn("starttls"):
            raise NotTaken("the server offers no STARTTLS; nothing was sent", permanent=True)
        _expect(smtp.starttls(context=context), (220,), "the server refused STARTTLS")
        _expect(smtp.ehlo(), (250,), "the server refused EHLO after STARTTLS")
    if server.user:
        try:
            smtp.login(server.user, password)
        except smtplib.SMTPAuthenticationError as error:
            raise NotTaken(
                f"login refused: {said(error.smtp_code, error.smtp_error)}", True
            ) from None
        except smtplib.SMTPNotSupportedError:
            raise NotTaken("the server offers no login (AUTH)", permanent=True) from None


def submit(
    server: Server,
    password: str,
    sender: str,
    recipient: str,
    data: bytes,
    at_the_point: Callable[[], bool],
    context: ssl.SSLContext,
) -> None:
    """Submit one message; returns once the server has answered 250 to the end of DATA."""
    try:
        smtp = _open(server, password, context)
    except ssl.SSLError as error:
        raise NotTaken(f"TLS failed: {_tls_reason(error)}", permanent=True) from None
    except (OSError, smtplib.SMTPException) as error:
        raise NotTaken(_connection_reason(error), permanent=False) from None
    try:
        _deliver(smtp, sender, recipient, data, at_the_point)
    finally:
        smtp.close()


def _deliver(
    smtp: smtplib.SMTP, sender: str, recipient: str, data: bytes, at_the_point: Callable[[], bool]
) -> None:
    try:
        _expect(smtp.mail(sender), (250,), "the sender was refused")
        _expect(smtp.rcpt(recipient), (250, 251), "the recipient was refused")
        _expect(smtp.docmd("DATA"), (354,), "the server refused DATA")
        smtp.send(stuffed(data))
    except (OSError, smtplib.SMTPException) as error:
        raise NotTaken(_connection_reason(error), permanent=False) from None
    if not at_the_point():
        raise Overtaken()
    try:
        smtp.send(b".\r\n")
        code, text = smtp.getreply()
    except (OSError, smtplib.SMTPException) as error:
        raise NoAnswer(_connection_reason(error)) from None
    _expect((code, text), (250,), "the message was refused")
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        pass  # it was taken: a QUIT unanswered changes nothing


def _tls_reason(error: ssl.SSLError) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the server's certificate is not trusted ({error.verify_message})"
    return error.reason or "the handshake failed"


def _connection_reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(error, socket.timeout | TimeoutError):
        return f"the server did not answer within {TIMEOUT_S:g} s"
    if isinstance(error, ConnectionRefusedError):
        return "the server refused the connection"
    if isinstance(error, socket.gaierror):
        return "the server's name could not be found"
    if isinstance(error, smtplib.SMTPResponseException):
        return said(error.smtp_code, error.smtp_error)
    if isinstance(error, OSError):
        return f"the connection failed ({error.strerror or type(error).__name__})"
    return type(error).__name__
