"""A PostgreSQL URL, read once as libpq reads it, and never shown with its password.

`postgresql://` and `postgres://` are both read by libpq's own parser (psycopg's
`conninfo_to_dict`), and every part it finds (user, password, host, port, the
database, `?sslmode=`, `?options=` and the rest) is handed to psycopg as a
keyword, so the connection goes exactly where the URL says. A URL is shown as
`postgresql://user@host:port/database`: never the password, nor any parameter.
An `@` in a password must be written `%40`: a URL with more than one `@` is
refused (libpq would take the password's tail for the host), and shown with
everything before its last `@` masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from ..errors import InvalidInput

MAX_URL = 2000
OURS = ("dbname",)  # handed over apart from the other keywords


@dataclass(frozen=True)
class PgUrl:
    parts: dict[str, str]

    @property
    def password(self) -> str:
        return self.parts.get("password", "")

    @property
    def secrets(self) -> tuple[str, ...]:
        """The password as it may appear in a message: as given, and percent-encoded."""
        return tuple(p for p in {self.password, quote(self.password, safe="")} if p)

    @property
    def shown(self) -> str:
        user = f"{self.parts['user']}@" if self.parts.get("user") else ""
        host = self.parts.get("host", "")
        port = f":{self.parts['port']}" if self.parts.get("port") else ""
        return f"postgresql://{user}{host}{port}/{self.parts.get('dbname', '')}"

    def conninfo(self) -> str:
        """The parts as a libpq connection string (for a connection of its own)."""
        from psycopg.conninfo import make_conninfo

        return make_conninfo("", **self.parts)

    def keywords(self, options: str) -> dict[str, str]:
        """Every part but the database name, with `options` added to the URL's own."""
        given = {k: v for k, v in self.parts.items() if k not in OURS}
        given["options"] = " ".join(o for o in (given.get("options", ""), options) if o)
        given.setdefault("application_name", "hushdesk")  # how others' holders are named
        return given


def masked(text: str) -> str:
    """A URL that could not be read, shown with whatever may be a password hidden."""
    scheme, _, rest = text.partition("://")
    address = rest.split("?", 1)[0]
    if "@" in address:
        address = "***@" + address.rsplit("@", 1)[1]
    return f"{scheme}://{address}"[:200]


def read(text: str) -> PgUrl:
    """The URL's parts, as libpq reads them; refuses what it cannot read in one line."""
    from psycopg import Error
    from psycopg.conninfo import conninfo_to_dict

    if len(text) > MAX_URL or not text.isprintable():
        raise InvalidInput(f"{masked(text)}: a PostgreSQL URL is one line of printable text")
    address = text.partition("://")[2].split("?", 1)[0]
    if address.count("@") > 1 or "@" in address.partition("/")[2]:
        raise InvalidInput(
            f"{masked(text)} has an @ where libpq would not look for one: write an @ or / "
            "in the password as %40 or %2F"
        )
    try:
        parts = {key: str(value) for key, value in conninfo_to_dict(text).items()}
    except Error:
        raise InvalidInput(f"{masked(text)} is not a PostgreSQL URL that libpq can read") from None
    return PgUrl(parts)
