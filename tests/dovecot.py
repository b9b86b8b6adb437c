"""A throwaway Dovecot IMAP server for the tests, on 127.0.0.1, in a temporary folder.

Debian's `dovecot-imapd` gives the binary; the tests write their own config (a
passwd-file user, a test CA and a server certificate made here with
pyca/cryptography, IMAPS and IMAP with STARTTLS on free ports) and run
`dovecot -F` in the foreground, so stopping it is killing one process. Mail is
delivered the way an MTA does it: a file written into the user's Maildir
(`tmp/`, then renamed into `new/`), which Dovecot notices (IDLE included).
"""

from __future__ import annotations

import grp
import itertools
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .authority import make_authority

REQUIRE = "HUSHDESK_REQUIRE_DOVECOT"  # CI sets it: a missing Dovecot is then an error
HOW = "install Dovecot (apt-get install dovecot-imapd) to run these tests"
USER, PASSWORD = "support", "s3cret-pass-word"
USERS = 2000  # accounts one server can give
START_S = 20  # the longest the server is waited for

CONFIG = """\
base_dir = {d}/run
state_dir = {d}/state
log_path = {d}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{d}/server.pem
ssl_key = <{d}/server.key
ssl_min_protocol = TLSv1.2
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login}
first_valid_uid = 0
mail_location = maildir:{d}/mail/%u
namespace inbox {{
  inbox = yes
  separator = /
}}
auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {d}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={d}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
protocol imap {{
  mail_max_userip_connections = 50
  imap_idle_notify_interval = 1 secs
}}
"""


def available() -> str | None:
    """The dovecot binary, if installed."""
    return shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def make_certificates(folder: Path) -> Path:
    """A test CA and a server certificate for 127.0.0.1 and localhost; the CA's path."""
    return make_authority(folder).ca


@dataclass
class Account:
    """One user of the server: their mailbox, delivered to as an MTA would."""

    server: Server
    user: str
    password: str
    password_file: Path
    root: Path  # the user's Maildir (INBOX; other mailboxes are .NAME inside it)

    def url(self, mailbox: str = "INBOX", tls: bool = True, host: str = "127.0.0.1") -> str:
        if tls:
            return f"imaps://{self.user}@{host}:{self.server.tls_port}/{mailbox}"
        return f"imap://{self.user}@{host}:{self.server.port}/{mailbox}"

    def maildir(self, mailbox: str = "INBOX") -> Path:
        return self.root if mailbox == "INBOX" else self.root / f".{mailbox.replace('/', '.')}"

    def deliver(self, data: bytes, mailbox: str = "INBOX") -> Path:
        """One message into the mailbox, as an MTA delivers it (tmp/, then new/)."""
        box = self.maildir(mailbox)
        for sub in ("tmp", "new", "cur"):
            (box / sub).mkdir(parents=True, exist_ok=True)
            self.server.own(box / sub)
        name = f"{time.time_ns()}.M{next(self.server.names)}P{os.getpid()}.test"
        (box / "tmp" / name).write_bytes(data)
        self.server.own(box / "tmp" / name)
        os.rename(box / "tmp" / name, box / "new" / name)
        return box / "new" / name

    def files(self, mailbox: str = "INBOX") -> list[Path]:
        """The mailbox's message files (new/ and cur/)."""
        box = self.maildir(mailbox)
        return sorted(
            p for sub in ("new", "cur") if (box / sub).is_dir() for p in (box / sub).iterdir()
        )


@dataclass
class Server:
    folder: Path
    port: int  # IMAP, STARTTLS
    tls_port: int  # IMAPS
    binary: str
    owner: tuple[int, int]  # the mail's uid and gid (not root: Dovecot refuses it)
    process: subprocess.Popen[bytes] | None = None
    names: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def ca(self) -> Path:
        return self.folder / "ca.pem"

    def account(self) -> Account:
        """A new user of its own (a fresh, empty mailbox), with its password in a file."""
        user = f"{USER}{next(self.names)}"
        password = f"{PASSWORD}-{user}"
        if not user.removeprefix(USER).isdigit() or int(user.removeprefix(USER)) > USERS:
            raise RuntimeError(f"more than {USERS} accounts asked of one server")
        secret = self.folder / "secrets" / user
        secret.parent.mkdir(exist_ok=True)
        secret.write_text(password + "\n")
        os.chmod(secret, 0o600)
        root = self.folder / "mail" / user
        root.mkdir(parents=True)
        self.own(root)
        return Account(self, user, password, secret, root)

    def own(self, path: Path) -> None:
        if os.getuid() == 0:
            os.chown(path, *self.owner)

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "-F", "-c", str(self.folder / "dovecot.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = (
                    self.process.stderr.read().decode(errors="replace")
                    if self.process.stderr
                    else ""
                )
                log = self.folder / "dovecot.log"
                raise RuntimeError(
                    f"dovecot exited: {err.strip()} {log.read_text() if log.exists() else ''}"
                )
            try:
                with socket.create_connection(("127.0.0.1", self.tls_port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)  # polling for the port, not waiting for time to pass
        raise RuntimeError("dovecot did not listen in time")

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.process = None


def _service_users(uid: int) -> tuple[str, str]:
    """Who Dovecot's own processes run as: this user, or as root Debian's dovecot and
    dovenull (its login processes refuse to run as root)."""
    if uid != 0:
        name = pwd.getpwuid(uid).pw_name
        return name, name
    return "dovecot", "dovenull"


def start(folder: Path) -> Server:
    """A running Dovecot in `folder`; each test takes an `account()` of its own."""
    binary = available()
    if binary is None:
        raise FileNotFoundError(HOW)
    folder.mkdir(parents=True, exist_ok=True)
    for sub in ("run", "state", "home", "mail"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    make_certificates(folder)
    os.chmod(folder, 0o711)  # as root, Dovecot's auth process reads the passwd-file as dovecot
    internal, login = _service_users(os.getuid())
    uid, gid = (os.getuid(), os.getgid()) if os.getuid() else pwd.getpwnam(internal)[2:4]
    # every user written before the server starts: Dovecot may cache a file changed within
    # the second it was read
    users = (f"{USER}{n}:{{PLAIN}}{PASSWORD}-{USER}{n}::::::\n" for n in range(1, USERS + 1))
    (folder / "passwd").write_text("".join(users))
    os.chmod(folder / "passwd", 0o644)
    server = Server(folder, _free_port(), _free_port(), binary, (uid, gid))
    for sub in ("home", "mail"):
        server.own(folder / sub)
    (folder / "dovecot.conf").write_text(
        CONFIG.format(
            d=folder,
            user=internal,
            login=login,
            group=grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name,
            uid=uid,
            gid=gid,
            port=server.port,
            tls_port=server.tls_port,
        )
    )
    server.start()
    return server


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Server]:
    """One Dovecot for the session, in a folder of its own (removed after)."""
    folder = Path(tempfile.mkdtemp(prefix="hushdesk-dovecot-"))
    try:
        server = start(folder)
    except (FileNotFoundError, RuntimeError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        if os.environ.get(REQUIRE):
            pytest.fail(f"Dovecot is required here: {error}")
        pytest.skip(f"no Dovecot: {error}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def account(dovecot_server: Server) -> Account:
    """A fresh IMAP user with an empty INBOX."""
    return dovecot_server.account()
