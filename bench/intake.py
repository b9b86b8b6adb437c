"""Live intake against a plain IMAP client, on one local Dovecot, in the same run.

    python bench/intake.py                 # 10,000 messages
    python bench/intake.py --quick         # 1,000 messages

Starts a throwaway Dovecot (tests/dovecot.py: Debian's dovecot-imapd), delivers
N support messages to a fresh account, opens the mailbox once so Dovecot's index
is built for both sides, then times:

- a plain IMAPClient fetch of every message (login, SELECT, SEARCH ALL,
  BODY.PEEK[] in batches of 50): the floor;
- `hushdesk fetch` of the same mailbox (after-intake keep) into a new SQLite
  database: the same fetch, plus reading, threading and storing every message,
  exactly once;
- with IDLE: the time from a message's delivery to its row in the database, with
  the app's wait (`wait_for_mail`) and fetch in a thread, for a few messages.

Prints the numbers and writes bench/RESULTS-intake.md (-quick with --quick).
"""

from __future__ import annotations

import argparse
import shutil
import ssl
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import models  # noqa: E402
from models.store.schema import Message  # noqa: E402
from tests import dovecot  # noqa: E402

IDLE_TRIES = 5


def letter(n: int) -> bytes:
    return (
        f"From: Customer {n} <c{n % 997}@example.com>\nTo: support@desk.example\n"
        f"Subject: Order {n} has not arrived\nDate: Mon, 1 Jun 2026 10:{n % 60:02d}:00 +0000\n"
        f"Message-ID: <bench{n}@example.com>\n\n"
        + f"Hello, my order number {n} has not arrived yet. Could you look into it?\n"
        * 8
    ).encode()


def plain_fetch(account: dovecot.Account) -> tuple[float, int]:
    from imapclient import IMAPClient

    context = ssl.create_default_context(cafile=str(account.server.ca))
    start = time.perf_counter()
    client = IMAPClient("127.0.0.1", port=account.server.tls_port, ssl_context=context)
    client.login(account.user, account.password)
    client.select_folder("INBOX")
    uids = client.search("ALL")
    size = 0
    for i in range(0, len(uids), 50):
        for data in client.fetch(uids[i : i + 50], ["BODY.PEEK[]"]).values():
            size += len(data[b"BODY[]"])
    client.logout()
    return time.perf_counter() - start, size


def hushdesk_fetch(account: dovecot.Account, folder: Path) -> tuple[float, int]:
    models.open_database(folder / "bench.db", create=True)
    models.add_source(
        "bench",
        account.url(),
        password_file=str(account.password_file),
        ca_file=str(account.server.ca),
        after="keep",
    )
    start = time.perf_counter()
    (result,) = models.fetch("bench")
    took = time.perf_counter() - start
    assert not result.error, result.error
    return took, result.messages


def idle_latency(account: dovecot.Account) -> list[float]:
    """Delivery to row, with the app's IDLE wait and fetch running in a thread."""
    stop = threading.Event()

    def follow() -> None:
        while not stop.is_set():
            try:
                with models.connection():
                    if models.wait_for_mail("bench", 5.0, stop.is_set):
                        models.fetch("bench")
            except models.HushdeskError as error:  # said, and waited on again (as the app does)
                print(f"follower: {error}", file=sys.stderr)

    thread = threading.Thread(target=follow, daemon=True)
    thread.start()
    times = []
    time.sleep(1.0)  # the thread is in IDLE
    for n in range(IDLE_TRIES):
        before = Message.select().count()
        start = time.perf_counter()
        account.deliver(letter(10_000_000 + n))
        while Message.select().count() == before:
            time.sleep(0.005)
            if time.perf_counter() - start > 30:
                raise RuntimeError("the message did not arrive within 30 s")
        times.append(time.perf_counter() - start)
        time.sleep(0.5)  # the follower is back in IDLE
    stop.set()
    thread.join(10)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--count", type=int)
    args = parser.parse_args()
    count = args.count or (1_000 if args.quick else 10_000)
    folder = Path(tempfile.mkdtemp(prefix="hushdesk-dovecot-"))
    server = dovecot.start(folder)
    try:
        account = server.account()
        for n in range(count):
            account.deliver(letter(n))
        plain_fetch(account)  # Dovecot builds its index once, for both sides
        plain_s, size = plain_fetch(account)
        ours_s, imported = hushdesk_fetch(account, folder)
        latency = idle_latency(account)
    finally:
        models.close_database()
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    ratio = plain_s / ours_s
    lines = [
        f"# Live intake, {count:,} messages from a local Dovecot ({size / 2**20:.1f} MB)",
        "",
        "| | seconds | messages/s |",
        "| --- | --- | --- |",
        f"| plain IMAPClient fetch | {plain_s:.2f} | {count / plain_s:,.0f} |",
        f"| hushdesk fetch (imported {imported:,}) | {ours_s:.2f} | {count / ours_s:,.0f} |",
        "",
        f"hushdesk runs at {ratio:.2f}x the plain fetch (target: at least 0.5x).",
        "",
        f"IDLE, delivery to row: median {statistics.median(latency):.2f} s, "
        f"longest {max(latency):.2f} s over {len(latency)} messages (target: under 2 s).",
    ]
    text = "\n".join(lines) + "\n"
    print(text)
    name = "RESULTS-intake-quick.md" if args.quick else "RESULTS-intake.md"
    (ROOT / "bench" / name).write_text(text)


if __name__ == "__main__":
    main()
