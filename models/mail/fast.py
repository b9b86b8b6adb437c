"""Most mail is one text part with plain ASCII headers: read that without the email package.

The email package builds a tree of objects for every message, which is most of
an import's time. A message whose headers are ASCII and whose body is one
`text/plain` or `text/html` part (the usual reply) is read here instead: the
headers split the way the email package keeps them (every value of a name, in
order; `get` gives the first), the body decoded from its transfer encoding and charset. Anything
else (multipart, 8-bit headers, an unknown encoding) returns None and goes to
the email package.
"""

from __future__ import annotations

import base64
import binascii
import quopri
import re

END_OF_HEADERS = re.compile(rb"\r?\n\r?\n")
HEADER_LINE = re.compile(r"^([!-9;-~]+)[ \t]*:[ \t]*(.*)$")
PARAM_RE = re.compile(r';\s*charset\s*=\s*"?([^";\s]+)"?', re.I)
TEXT_TYPES = ("text/plain", "text/html")
ENCODINGS = ("", "7bit", "8bit", "binary", "quoted-printable", "base64")


class FastMessage:
    """Headers (every value of each name, in order) and the decoded body of a one-part message."""

    def __init__(
        self, headers: dict[str, list[str]], kind: str, charset: str | None, payload: bytes
    ):
        self._headers = headers
        self.kind = kind
        self.charset = charset
        self.payload = payload

    def get(self, name: str, default: str | None = None) -> str | None:
        found = self._headers.get(name.lower())
        return found[0] if found else default

    def raw_values(self, name: str) -> list[bytes]:
        return [value.encode("ascii") for value in self._headers.get(name.lower(), [])]


def read_simple(data: bytes) -> FastMessage | None:
    """The message, when it is simple enough to read here; else None."""
    end = END_OF_HEADERS.search(data)
    head, raw_body = (data[: end.start()], data[end.end() :]) if end else (data, b"")
    if not head.isascii() or b"\x00" in head or b"\r" in head.replace(b"\r\n", b""):
        return None  # 8-bit bytes, or a bare CR the email package takes for a line end
    headers = _headers(head.decode("ascii"))
    if headers is None:
        return None
    content_type = headers.get("content-type", ["text/plain"])[0]
    kind = content_type.split(";", 1)[0].strip().lower()
    encoding = headers.get("content-transfer-encoding", [""])[0].strip().lower()
    if kind not in TEXT_TYPES or encoding not in ENCODINGS or "=?" in content_type:
        return None
    payload = _decoded(raw_body, encoding)
    if payload is None:
        return None
    found = PARAM_RE.search(content_type)
    return FastMessage(headers, kind, found.group(1) if found else None, payload)


def _headers(text: str) -> dict[str, list[str]] | None:
    headers: dict[str, list[str]] = {}
    name = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line[:1] in (" ", "\t"):
            if not name:
                return None
            headers[name][-1] = f"{headers[name][-1]}\n{line}"
            continue
        match = HEADER_LINE.match(line)
        if match is None:
            return None  # not a header: the email package decides what it is
        name = match.group(1).lower()
        headers.setdefault(name, []).append(match.group(2).rstrip())
    return headers


def _decoded(body: bytes, encoding: str) -> bytes | None:
    if encoding == "quoted-printable":
        return quopri.decodestring(body)
    if encoding == "base64":
        try:
            return base64.b64decode(body, validate=False)
        except (binascii.Error, ValueError):
            return None
    return body
