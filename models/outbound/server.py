"""The SMTP submission server replies go through: a URL, and the file its password is in.

`submission://user@host:587` speaks STARTTLS, `smtps://user@host:465` TLS from
the start; `smtp://host:port` (no TLS) is allowed only for a server on this
machine. The password never enters the database nor a message: the setting
keeps the path of the file that holds it, read at each sending.
"""

from __future__ import annotations

import ipaddress
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..store.errors import InvalidInput

SCHEMES = {"submission": 587, "smtps": 465, "smtp": 25}
LOOPBACK_NAMES = frozenset({"localhost"})
HOST_RE = re.compile(r"^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
USER_RE = re.compile(r"^[\x21-\x7e]{1,200}$")  # printable ASCII, no space
MAX_URL = 600


@dataclass(frozen=True)
class Server:
    scheme: str  # "submission" (STARTTLS), "smtps" (TLS) or "smtp" (none, this machine only)
    host: str
    port: int
    user: str  # "" when the server asks for no login
    password_file: str  # "" when there is no login

    @property
    def shown(self) -> str:
        """The URL as messages show it (it never holds a password)."""
        who = f"{self.user}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{who}{host}:{self.port}"

    def as_json(self) -> str:
        return json.dumps(
            {
                "scheme": self.scheme,
                "host": self.host,
                "port": self.port,
                "user": self.user,
                "password_file": self.password_file,
            }
        )


def from_json(text: str) -> Server:
    found = json.loads(text)
    return Server(
        str(found["scheme"]),
        str(found["host"]),
        int(found["port"]),
        str(found["user"]),
        str(found["password_file"]),
    )


def parse(url: str, password_file: str | None = None) -> Server:
    """A submission URL read, or one line saying what is wrong with it (never echoing it)."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL or not url.isprintable():
        raise InvalidInput(f"an SMTP URL is 1 to {MAX_URL} printable characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput("not an SMTP URL (submission://user@host:587)") from None
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise InvalidInput("an SMTP URL starts submission://, smtps:// or smtp://")
    if parts.password is not None:
        raise InvalidInput("put the password in a file and give --password-file, not in the URL")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise InvalidInput("an SMTP URL is scheme://user@host:port, with nothing after")
    host = _host(parts.hostname or "")
    if scheme == "smtp" and not loopback(host):
        raise InvalidInput("smtp:// (no TLS) is only for a server on this machine")
    user = unquote(parts.username or "")
    if user and not USER_RE.match(user):
        raise InvalidInput("the user name is printable ASCII without spaces")
    if port == 0:
        raise InvalidInput("the port is 1 to 65535")
    where = _password_file(password_file) if password_file is not None else ""
    if user and not where:
        raise InvalidInput("a server with a user needs --password-file")
    return Server(scheme, host, port or SCHEMES[scheme], user, where)


def _host(host: str) -> str:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not HOST_RE.match(host) or ".." in host:
        raise InvalidInput("the SMTP URL names no host (submission://user@host:587)")
    return host.lower()


def loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _password_file(path: str) -> str:
    """The password file's absolute path, once it is known to be a readable file."""
    if not path or not path.isprintable() or len(path) > 4096:
        raise InvalidInput("--password-file is the path of a file")
    where = Path(path).expanduser().absolute()
    if not where.is_file() or not os.access(where, os.R_OK):
        raise InvalidInput("the password file is not a file hushdesk can read")
    return str(where)


def password(server: Server) -> str:
    """The password, read from its file now (its first line); never kept or shown."""
    if not server.password_file:
        return ""
    try:
        with open(server.password_file, encoding="utf-8") as handle:
            line = handle.readline(1000)
    except (OSError, UnicodeDecodeError) as error:
        why = getattr(error, "strerror", None) or "not UTF-8 text"
        raise InvalidInput(f"the SMTP password file cannot be read ({why})") from None
    return line.rstrip("\r\n")
