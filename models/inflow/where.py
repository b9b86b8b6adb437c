"""Where a mail source is: `imaps://user@host[:port]/MAILBOX`, `imap://...` or `maildir:/path`.

Read once, when a source is added, and again each time it is fetched; a URL
that holds a password (`user:secret@host`) is refused without being repeated,
since the password belongs in a file (`--password-file`) whose path alone is
stored. `imap://` is IMAP with STARTTLS, never plain text: TLS is always on
and the certificate always verified. Every refusal names the part that is
wrong and never echoes what was typed after a colon in the user part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote

from ..store.errors import InvalidInput

IMAPS, IMAP, MAILDIR = "imaps", "imap", "maildir"
PORTS = {IMAPS: 993, IMAP: 143}
MAX_URL = 2000
LABEL_RE = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
BRACKETED_RE = re.compile(r"^\[[0-9A-Fa-f:.]{2,45}\]$")
USER_RE = re.compile(r"^[^\x00-\x20\x7f/@:]{1,320}$")


@dataclass(frozen=True)
class Where:
    """A source's place: an IMAP server's mailbox, or a Maildir folder."""

    kind: str  # IMAPS, IMAP (STARTTLS) or MAILDIR
    user: str = ""
    host: str = ""
    port: int = 0
    mailbox: str = ""
    path: str = ""

    def shown(self) -> str:
        """The source as a person reads it (it never holds a password)."""
        if self.kind == MAILDIR:
            return f"maildir:{self.path}"
        host = f"[{self.host}]" if ":" in self.host else self.host  # an IPv6 address
        user, mailbox = quote(self.user, safe=""), quote(self.mailbox, safe="/")
        return f"{self.kind}://{user}@{host}:{self.port}/{mailbox}"


def parse(url: str) -> Where:
    """A source's URL read, or InvalidInput saying which part is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidInput("a source is imaps://user@host/MAILBOX, imap://... or maildir:/path")
    if len(url) > MAX_URL:
        raise InvalidInput(f"a source's URL is at most {MAX_URL:,} characters")
    if any(not ch.isprintable() for ch in url):
        raise InvalidInput("a source's URL holds a control character")
    scheme, sep, rest = url.partition(":")
    scheme = scheme.lower()
    if not sep or scheme not in (IMAPS, IMAP, MAILDIR):
        raise InvalidInput("a source is imaps://user@host/MAILBOX, imap://... or maildir:/path")
    if scheme == MAILDIR:
        return _maildir(rest)
    return _imap(scheme, rest)


def _maildir(rest: str) -> Where:
    path = rest.removeprefix("//") if rest.startswith("///") else rest
    if not path.startswith("/"):
        raise InvalidInput("a Maildir source names its folder by its full path: maildir:/path")
    return Where(MAILDIR, path=str(Path(path)))


def _imap(scheme: str, rest: str) -> Where:
    if not rest.startswith("//"):
        raise InvalidInput(f"an IMAP source is {scheme}://user@host[:port]/MAILBOX")
    authority, _, mailbox = rest[2:].partition("/")
    if "@" not in authority:
        raise InvalidInput(f"an IMAP source names its user: {scheme}://user@host/MAILBOX")
    user_part, _, hostport = authority.rpartition("@")
    if ":" in user_part:
        raise InvalidInput(
            "a source's URL may not hold a password (it was not stored); "
            "put it in a file and give --password-file"
        )
    user = unquote(user_part)
    if not USER_RE.match(user):
        raise InvalidInput("an IMAP source's user is empty or holds spaces or control characters")
    host, port = _host_port(hostport)
    mailbox = unquote(mailbox) or "INBOX"
    if any(not ch.isprintable() for ch in mailbox) or len(mailbox) > 200:
        raise InvalidInput("an IMAP mailbox name is printable text of at most 200 characters")
    return Where(scheme, user=user, host=host, port=port or PORTS[scheme], mailbox=mailbox)


def _is_host(host: str) -> bool:
    """A DNS name (labels of letters, digits and inner hyphens) or an address in brackets."""
    if host.startswith("["):
        return bool(BRACKETED_RE.match(host))
    return all(LABEL_RE.match(label) for label in host.removesuffix(".").split("."))


def _host_port(hostport: str) -> tuple[str, int]:
    host, port_text = hostport, ""
    if hostport.startswith("["):
        end = hostport.find("]")
        host, port_text = hostport[: end + 1], hostport[end + 1 :].removeprefix(":")
    elif ":" in hostport:
        host, _, port_text = hostport.rpartition(":")
    if not host or len(host) > 253 or not _is_host(host):
        raise InvalidInput("an IMAP source's host is not a host name or an address")
    if not port_text:
        return host.strip("[]"), 0
    if not port_text.isascii() or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise InvalidInput("an IMAP source's port is a number from 1 to 65535")
    return host.strip("[]"), int(port_text)
