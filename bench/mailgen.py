"""A help-desk Maildir for the peer benchmark: customers, subjects, threads with our replies.

Deterministic for a seed. Messages are written as a mail program writes them:
headers with Message-ID, In-Reply-To and References, quoted-printable or 8-bit
bodies, now and then an HTML-only message or a small attachment.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

SUPPORT = "support@helpdesk.example"
FIRST = "Ada Grace Alan Linus Margaret Tim Barbara Ken Radia Dennis Frances Edsger Hedy".split()
LAST = "Lovelace Hopper Turing Torvalds Hamilton Liskov Thompson Perlman Ritchie Knuth".split()
TOPICS = (
    "Refund for order {n}",
    "Cannot log in",
    "Delivery late",
    "Invoice {n} is wrong",
    "Cancel my subscription",
    "Password reset not arriving",
    "Damaged item in order {n}",
    "Question about pricing",
)
LINES = (
    "Hi, I need help with my order {n}.",
    "Thanks for getting back to me so quickly.",
    "It still does not work on my phone, I tried twice.",
    "We have issued a refund; it shows in 3-5 days.",
    "Can you send a photo of the label please?",
    "The tracking number is TRK{n}.",
    "Sorry for the trouble, a replacement is on its way.",
    "Kind regards and have a nice day.",
)


@dataclass(frozen=True)
class Corpus:
    folder: Path
    messages: int
    threads: int
    newest_name: str  # the customer of the newest thread: what the first screen shows
    search_email: str  # a customer's address part, for the scripted search
    search_word: str


def make_maildir(
    folder: Path, messages: int, seed: int = 5, now: datetime | None = None
) -> Corpus:
    rng = random.Random(seed)
    now = now or datetime(2026, 11, 1, 12, tzinfo=UTC)
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    customers = [
        (f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"customer{i}@mail{i % 7}.example")
        for i in range(max(1, messages // 6))
    ]
    written = threads = 0
    start = now - timedelta(days=400)
    step = timedelta(days=400) / max(1, messages)
    newest = ""
    while written < messages:
        threads += 1
        name, address = rng.choice(customers)
        subject = rng.choice(TOPICS).format(n=rng.randint(1000, 99999))
        ids: list[str] = []
        for k in range(min(rng.choice((1, 2, 2, 3, 3, 4, 5)), messages - written)):
            when = start + step * written
            ours = k % 2 == 1
            sender = f"Sam (Support) <{SUPPORT}>" if ours else f"{name} <{address}>"
            to = f"{name} <{address}>" if ours else f"Support <{SUPPORT}>"
            mid = f"{threads}.{k}.{seed}@mail.example"
            data = _message(rng, sender, to, ("Re: " if k else "") + subject, when, mid, ids)
            (folder / "cur" / f"{1700000000 + written}.{written}.bench:2,S").write_bytes(data)
            ids.append(mid)
            written += 1
        newest = name
    return Corpus(folder, written, threads, newest, "customer1@", "refund")


def _message(
    rng: random.Random,
    sender: str,
    to: str,
    subject: str,
    when: datetime,
    mid: str,
    ids: list[str],
) -> bytes:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        f"Subject: {subject}",
        f"Date: {format_datetime(when)}",
        f"Message-ID: <{mid}>",
        "MIME-Version: 1.0",
    ]
    if ids:
        lines += [f"In-Reply-To: <{ids[-1]}>", "References: " + " ".join(f"<{i}>" for i in ids)]
    text = "\n".join(
        rng.choice(LINES).format(n=rng.randint(1000, 99999)) for _ in range(rng.randint(2, 8))
    )
    kind = rng.random()
    if kind < 0.05:
        body = "<html><body><p>" + text.replace("\n", "</p><p>") + "</p></body></html>"
        lines += ["Content-Type: text/html; charset=utf-8", "", body]
    elif kind < 0.07:
        lines += [
            'Content-Type: multipart/mixed; boundary="b1"',
            "",
            "--b1",
            "Content-Type: text/plain; charset=utf-8",
            "",
            text,
            "--b1",
            'Content-Type: application/pdf; name="label.pdf"',
            "Content-Transfer-Encoding: base64",
            'Content-Disposition: attachment; filename="label.pdf"',
            "",
            "JVBERi0xLjQKJcfsj6IKNSAwIG9iago8PC9MZW5ndGggNiAwIFI+PgpzdHJlYW0K",
            "--b1--",
        ]
    else:
        lines += ["Content-Type: text/plain; charset=utf-8", "", text]
    return ("\n".join(lines) + "\n").encode()
