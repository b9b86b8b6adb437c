"""An IMAP mailbox to fetch from, through IMAPClient: TLS always, certificates verified.

`imaps://` is TLS from the first byte; `imap://` must offer STARTTLS, or no
password is sent. The password is read from its file at each connection and
is in no message: whatever the server or the network does (refuses, cuts the
connection, answers garbage, sends a 50 MB message) becomes one `FetchFailed`
line, or a message too large to take, named by its UID and skipped. Bodies
are fetched with BODY.PEEK[], so fetching alone never marks a message seen.
"""

from __future__ import annotations

import socket
import ssl
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ..mail.raw import MailItem
from ..mail.sources import MAX_MESSAGE
from . import sources as intake
from . import where as places
from .box import GONE, HERE, MOVED, SEEN_HERE, FetchFailed, Places
from .sources import Source

TIMEOUT_S = 30.0  # a server that says nothing for this long is taken for gone
FETCH_BYTES = 8 << 20  # bodies asked for in one FETCH command, at most (by their sizes)
MAX_PASSWORD = 4096


def read_password(path: str) -> str:
    """The password from its file (its first line); the message never holds the secret."""
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_PASSWORD + 1)
    except OSError as error:
        raise FetchFailed(f"the password file {path} cannot be read ({error.strerror})") from None
    text = data.decode("utf-8", "replace").splitlines()
    if not text or not text[0] or len(data) > MAX_PASSWORD:
        raise FetchFailed(f"the password file {path} holds no password on its first line")
    return text[0]


def tls_context(ca_file: str) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as error:
            raise FetchFailed(f"the CA file {ca_file} cannot be read ({error})") from None
    return context


def why(error: BaseException) -> str:
    """One line for what went wrong talking to the server (never a password: none is sent
    back by a server, and the client's own errors do not hold it)."""
    if isinstance(error, ssl.SSLCertVerificationError):
        return f"the server's certificate is not trusted ({error.verify_message})"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error.__class__.__name__})"
    if isinstance(error, socket.gaierror):
        return "the server's name cannot be found"
    if isinstance(error, ConnectionRefusedError):
        return "the server refused the connection (is it running?)"
    if isinstance(error, TimeoutError | socket.timeout):
        return f"the server did not answer within {TIMEOUT_S:.0f} s"
    if isinstance(error, ConnectionError | EOFError) or _aborted(error):
        return "the connection was cut"
    if isinstance(error, OSError):
        return f"the server cannot be reached ({error.strerror or error.__class__.__name__})"
    text = " ".join(str(error).split())[:160]
    text = "".join(ch for ch in text if ch.isprintable())
    return f"the server's answer could not be read ({error.__class__.__name__}: {text})"


def _aborted(error: BaseException) -> bool:
    """imaplib's abort: the connection ended under a command (EOF, a socket error, or the
    server's BYE, as Dovecot says when it stops in the middle of a fetch)."""
    import imaplib

    return isinstance(error, imaplib.IMAP4.abort)


@contextmanager
def talking(what: str) -> Iterator[None]:
    """Every exchange with the server: its failures are one FetchFailed line."""
    try:
        yield
    except FetchFailed:
        raise
    except Exception as error:  # a remote server's answer may break the client anywhere
        raise FetchFailed(f"{what}: {why(error)}") from None


class ImapBox:
    def __init__(self, source: Source) -> None:
        from imapclient import IMAPClient

        self.source = source
        where = source.where
        self.shown = f"{where.host}:{where.port}"
        password = read_password(source.password_file)
        self._secret = password  # kept out of every message (`_talking`)
        context = tls_context(source.ca_file)
        with self._talking(self.shown):
            self.client: Any = IMAPClient(
                where.host,
                port=where.port,
                ssl=where.kind == places.IMAPS,
                ssl_context=context,
                timeout=TIMEOUT_S,
            )
        try:
            self._log_in(password, context)
            with self._talking(self.shown):
                try:
                    selected = self.client.select_folder(where.mailbox)
                except self._errors() as error:
                    raise FetchFailed(
                        f"{self.shown}: the mailbox {where.mailbox} cannot be opened "
                        f"({_short(error)})"
                    ) from None
            self.validity = str(int(selected[b"UIDVALIDITY"]))
            self.capabilities = {bytes(c).upper() for c in self.client.capabilities()}
        except BaseException:
            self.close()
            raise

    @contextmanager
    def _talking(self, what: str) -> Iterator[None]:
        """`talking`, and a server that echoes the password back never has it said."""
        try:
            with talking(what):
                yield
        except FetchFailed as error:
            text = str(error)
            if self._secret and self._secret in text:
                raise FetchFailed(text.replace(self._secret, "[password]")) from None
            raise

    def _errors(self) -> tuple[type[BaseException], ...]:
        import imaplib

        from imapclient import exceptions

        return (exceptions.IMAPClientError, imaplib.IMAP4.error)

    def _log_in(self, password: str, context: ssl.SSLContext) -> None:
        from imapclient import exceptions

        with self._talking(self.shown):
            if self.source.where.kind == places.IMAP:
                if b"STARTTLS" not in {bytes(c).upper() for c in self.client.capabilities()}:
                    raise FetchFailed(
                        f"{self.shown}: the server offers no STARTTLS; "
                        "no password is sent without TLS"
                    )
                self.client.starttls(context)
            try:
                self.client.login(self.source.where.user, password)
            except exceptions.LoginError as error:
                if "UNAVAILABLE" in str(error):  # RFC 5530: the server cannot check it now
                    raise FetchFailed(
                        f"{self.shown}: the server cannot check the password right now"
                    ) from None
                raise FetchFailed(
                    f"{self.shown}: the server refused the user name or password"
                ) from None

    def listing(self) -> list[str]:
        with self._talking(self.shown):
            return [str(uid) for uid in sorted(self.client.search("ALL"))]

    def load(self, names: Sequence[str]) -> list[tuple[str, MailItem]]:
        """The messages' sizes in one command, then their bodies in commands of at most
        FETCH_BYTES; one too large is named, never fetched."""
        uids = [int(n) for n in names]
        if not uids:
            return []
        with self._talking(self.shown):
            sizes = {u: _size(s) for u, s in self.client.fetch(uids, ["RFC822.SIZE"]).items()}
        bodies: dict[int, bytes] = {}
        for group in _groups(
            [u for u in uids if sizes.get(u, MAX_MESSAGE + 1) <= MAX_MESSAGE], sizes
        ):
            with self._talking(self.shown):
                for uid, answer in self.client.fetch(group, ["BODY.PEEK[]"]).items():
                    data = answer.get(b"BODY[]") if isinstance(answer, dict) else None
                    if isinstance(data, bytes):
                        bodies[uid] = data
        loaded: list[tuple[str, MailItem]] = []
        for uid in uids:
            if uid not in sizes:
                continue  # expunged meanwhile: nothing to take
            if sizes[uid] > MAX_MESSAGE:
                problem = f"larger than {MAX_MESSAGE >> 20} MB"
                loaded.append((str(uid), MailItem(f"UID {uid}", b"", problem=problem)))
            elif bodies.get(uid):  # no body (expunged by another session): not taken
                loaded.append((str(uid), MailItem(f"UID {uid}", bodies[uid])))
        return loaded

    def settle(self, names: Sequence[str]) -> Places:
        after, uids = self.source.after, [int(n) for n in names]
        if after == intake.KEEP or not uids:
            return {}
        with self._talking(f"{self.shown}: the server's copy could not be {_done(after)}"):
            if after == intake.SEEN:
                self.client.add_flags(uids, [b"\\Seen"])
                return dict.fromkeys(names, SEEN_HERE)
            if after == intake.DELETE:
                self._delete(uids)
                return dict.fromkeys(names, GONE)
            folder = self._moved_to()
            if not self.client.folder_exists(folder):
                self.client.create_folder(folder)
            self._untagged().pop("COPYUID", None)
            if b"MOVE" in self.capabilities:
                said = [self.client.move(uids, folder), *self._untagged().pop("COPYUID", [])]
            else:
                said = [self.client.copy(uids, folder)]
                self._delete(uids)
            return _copied(said, uids)

    def _moved_to(self) -> str:
        return self.source.folder.replace("/", self._delimiter())

    def _untagged(self) -> dict[str, list[bytes]]:
        """imaplib's untagged response codes: where MOVE's COPYUID is said (RFC 6851)."""
        found = getattr(self.client._imap, "untagged_responses", {})
        return found if isinstance(found, dict) else {}

    def _delete(self, uids: list[int]) -> None:
        self.client.delete_messages(uids)
        if b"UIDPLUS" in self.capabilities:
            self.client.uid_expunge(uids)
        else:
            self.client.expunge()

    def purge(self, copies: Sequence[tuple[str, str]]) -> list[str]:
        """Delete copies where they are: the fetched mailbox, or the folder they were moved to
        (while its UIDVALIDITY is the one recorded); a copy whose place is unknown stays."""
        here = [int(name) for name, place in copies if place in HERE]
        there: dict[str, list[tuple[str, int]]] = {}
        for name, place in copies:
            kind, _, rest = place.partition(":")
            validity, _, uid = rest.partition(":")
            if kind == MOVED and uid.isdigit():
                there.setdefault(validity, []).append((name, int(uid)))
        done = [str(uid) for uid in here]
        with self._talking(f"{self.shown}: the server's copy could not be deleted"):
            if here:
                self._delete(here)
            if there:
                selected = self.client.select_folder(self._moved_to())
                validity = str(int(selected[b"UIDVALIDITY"]))
                moved = there.get(validity, [])
                if moved:
                    self._delete([uid for _, uid in moved])
                    done += [name for name, _ in moved]
                self.client.select_folder(self.source.where.mailbox)
        return done

    def _delimiter(self) -> str:
        """The server's hierarchy separator (a folder is written with "/" in the source)."""
        if b"NAMESPACE" in self.capabilities:
            personal = self.client.namespace().personal
            if personal and personal[0][1]:
                return str(personal[0][1])
        return "/"

    def wait(self, seconds: float, stop: Callable[[], bool]) -> bool:
        """Wait in IDLE (where offered) until new mail or `seconds`; whether mail came."""
        if b"IDLE" not in self.capabilities:
            return False
        with self._talking(self.shown):
            self.client.idle()
            try:
                waited = 0.0
                while waited < seconds and not stop():
                    step = min(1.0, seconds - waited)
                    answers = self.client.idle_check(timeout=step)
                    if any(b"EXISTS" in a for a in answers if isinstance(a, tuple)):
                        return True
                    waited += step
                return False
            finally:
                self.client.idle_done()

    def folders(self, names: Sequence[str]) -> list[str]:
        """Those of the folders that exist."""
        with self._talking(self.shown):
            return [name for name in names if self.client.folder_exists(name)]

    def holds(self, folder: str, message_id: str) -> bool:
        """Whether the folder has a message with this Message-ID (without brackets)."""
        with self._talking(self.shown):
            self.client.select_folder(folder, readonly=True)
            return bool(self.client.search(["HEADER", "Message-ID", f"<{message_id}>"]))

    def append(self, folder: str, message: bytes) -> None:
        """The message into the folder (made when missing), marked seen."""
        with self._talking(self.shown):
            if not self.client.folder_exists(folder):
                self.client.create_folder(folder)
            self.client.append(folder, message, flags=(b"\\Seen",))

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # closing a connection that failed: nothing more to learn
            try:
                client.shutdown()
            except Exception:  # noqa: S110 - already gone
                return


def _copied(said: Sequence[object], uids: list[int]) -> Places:
    """Where each moved message is now, from the server's COPYUID (RFC 4315): MOVED:v:uid;
    MOVED alone where the server did not say."""
    for text in said:
        words = (text.decode("ascii", "replace") if isinstance(text, bytes) else str(text)).split()
        if "[COPYUID" in words:
            words = words[words.index("[COPYUID") + 1 :]
        if len(words) >= 3 and words[0].isdigit():
            sources, targets = _uid_set(words[1]), _uid_set(words[2].rstrip("]"))
            if len(sources) == len(targets):
                places = {
                    str(s): f"{MOVED}:{words[0]}:{t}"
                    for s, t in zip(sources, targets, strict=True)
                }
                return {str(uid): places.get(str(uid), MOVED) for uid in uids}
    return dict.fromkeys((str(uid) for uid in uids), MOVED)


def _uid_set(text: str) -> list[int]:
    """An IMAP UID set (`4,7:9`) in its order."""
    found: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition(":")
        if not low.isdigit() or (high and not high.isdigit()):
            return []
        first, last = int(low), int(high or low)
        step = 1 if last >= first else -1
        found += range(first, last + step, step)
        if len(found) > 100_000:
            return []
    return found


def _groups(uids: list[int], sizes: dict[int, int]) -> list[list[int]]:
    """UIDs in runs whose sizes add up to FETCH_BYTES at most (one larger message alone)."""
    groups: list[list[int]] = []
    total = 0
    for uid in uids:
        if not groups or total + sizes[uid] > FETCH_BYTES:
            groups.append([])
            total = 0
        groups[-1].append(uid)
        total += sizes[uid]
    return groups


def _size(answer: object) -> int:
    if isinstance(answer, dict):
        size = answer.get(b"RFC822.SIZE")
        if isinstance(size, int):
            return size
    return MAX_MESSAGE + 1  # no size given: not fetched blind


def _short(error: BaseException) -> str:
    text = " ".join(str(error).split())[:120]
    return "".join(ch for ch in text if ch.isprintable()) or error.__class__.__name__


def _done(after: str) -> str:
    return {intake.SEEN: "marked seen", intake.MOVE: "moved", intake.DELETE: "deleted"}[after]
