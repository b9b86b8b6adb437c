"""A realistic demo help desk: contacts with attributes, conversations on every channel kind.

Rows are generated as plain tuples and written with bulk inserts in one
transaction, then indexed with one INSERT ... SELECT, so a million
conversations take a minute rather than an hour. Dates spread over the last
18 months before the clock's now, so assistants have work to do. The demo's
region is the US (numbers written without a country code are American),
unless the help desk has chosen one already.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from .. import settings
from ..assistants import set_assistant
from ..channels import ensure_channel
from ..store import clock, engine, outcome
from ..store.engines.base import DRIVER_ERRORS
from ..store.errors import InvalidInput, Refused
from ..store.guard import cause, guarded
from ..store.schema import (
    ATTRIBUTE_COLUMNS,
    CONTACT_COLUMNS,
    CONVERSATION_COLUMNS,
    MESSAGE_COLUMNS,
    stamp,
)
from .cases import CASE_CONTACTS, CASES, add_cases

MAX_CONVERSATIONS = 10_000_000
REGION = "US"  # the demo's numbers without a country code are American
MIN_FOR_CASES = 100  # a demo this large includes the hand-written request cases
SPAN_DAYS = 548
CHANNELS = (
    ("Email", "email", 0.34, None),
    ("Chat", "chat", 0.2, 90),
    ("SMS", "sms", 0.1, 180),
    ("Phone", "phone", 0.08, None),
    ("Facebook", "facebook", 0.08, 30),
    ("Instagram", "instagram", 0.06, None),
    ("X", "twitter", 0.06, None),
    ("WhatsApp", "whatsapp", 0.08, 60),
)
FIRST = (
    "Ada Grace Alan Linus Margaret Tim Barbara Ken Radia Dennis Frances Edsger Hedy John "
    "Katherine Donald Sophie Niklaus Anita Guido Yukihiro Shafi Leslie Mary Brian"
).split()
LAST = (
    "Lovelace Hopper Turing Torvalds Hamilton Berners-Lee Liskov Thompson Perlman Ritchie "
    "Allen Dijkstra Lamarr McCarthy Johnson Knuth Wilson Wirth Borg Rossum Matsumoto "
    "Goldwasser Lamport Shelley Kernighan"
).split()
DOMAINS = ("example.com", "example.org", "mail.example.net", "corp.example")
TOPICS = (
    "refund for order {n}",
    "cannot log in",
    "delivery late",
    "change my address",
    "invoice {n} is wrong",
    "cancel subscription",
    "password reset not arriving",
    "damaged item in order {n}",
    "upgrade to the pro plan",
    "delete my data please",
    "question about pricing",
    "card charged twice",
)
LINES = (
    "Hi, I need help with this.",
    "Thanks for getting back to me so quickly.",
    "Could you check order {n} again?",
    "It still does not work on my phone.",
    "We have issued a refund; it shows in 3-5 days.",
    "Can you send a photo of the label?",
    "I'd like all my personal data deleted.",
    "My card 4242 4242 4242 4242 was charged twice.",
    "The tracking number is TRK{n}.",
    "Sorry for the trouble, a replacement is on its way.",
    "Great, that solved it!",
)
AGENTS = ("Sam (support)", "Priya (support)", "Jonas (billing)")
ATTRIBUTES = (
    ("plan", ("free", "pro", "team")),
    ("language", ("en", "de", "fr", "es")),
    ("company", ("Initech", "Globex", "Umbrella", "Hooli")),
    ("birthday", ("1984-02-29", "1990-07-14", "1975-12-01")),
)


@dataclass(frozen=True)
class DemoResult:
    contacts: int
    conversations: int
    messages: int
    note: str = ""  # something that did not work after the rows were committed


Row = tuple[object, ...]


def _contacts(rng: random.Random, first_id: int, count: int, now: str) -> Iterator[Row]:
    for i in range(first_id, first_id + count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        email = f"{first}.{last}{i}@{rng.choice(DOMAINS)}".lower()
        area, line = rng.randint(200, 999), rng.randint(0, 9999)
        phone = f"+1 ({area}) 555-{line:04d}"
        number = f"1{area}555{line:04d}"  # its digits; and, with a "+", its E.164 form
        yield (i, f"{first} {last}", email, phone, number, f"+{number}", now)


def _attributes(rng: random.Random, contact_ids: range, now: str) -> Iterator[Row]:
    for cid in contact_ids:
        for key, values in rng.sample(ATTRIBUTES, rng.randint(0, 3)):
            yield (cid, key, rng.choice(values), rng.choice(("manual", "api")), now)


def _conversation(
    rng: random.Random, cid: int, contacts: range, channels: list[int], now: datetime
) -> tuple[Row, list[Row]]:
    channel = rng.choices(channels, weights=[c[2] for c in CHANNELS])[0]
    created = now - timedelta(seconds=rng.randint(0, SPAN_DAYS * 86400))
    times, messages = created, list[Row]()
    for k in range(rng.choice((1, 2, 3, 3, 4, 5))):
        author = "customer" if k % 2 == 0 else rng.choice(AGENTS)
        body = rng.choice(LINES).format(n=rng.randint(1000, 99999))
        messages.append((cid, author, body, stamp(times)))
        times = min(now, times + timedelta(minutes=rng.randint(5, 3000)))
    last = messages[-1][3]
    age_days = (now - created).days
    archived = age_days > 14 and rng.random() < 0.7
    subject = rng.choice(TOPICS).format(n=rng.randint(1000, 99999))
    row: Row = (
        cid,
        channel,
        rng.choice(contacts),
        subject,
        "archived" if archived else "open",
        last if archived else None,
        stamp(created),
        last,
        rng.random() < 0.01,
    )
    return row, messages


Batch = tuple[str, tuple[str, ...], list[Row]]


def contacts_for(conversations: int) -> int:
    """How many contacts a demo of so many conversations has."""
    return max(min(300, conversations), conversations // 4)


def batches(
    conversations: int,
    seed: int,
    channels: list[int],
    first_contact: int,
    first_conversation: int,
    now: datetime,
    batch: int = 20_000,
) -> Iterator[Batch]:
    """The demo's rows as (table, columns, rows) batches, the same for the same arguments."""
    rng, made = random.Random(seed), stamp(now)
    n_contacts = contacts_for(conversations)
    contacts = range(first_contact, first_contact + n_contacts)
    yield "contact", CONTACT_COLUMNS, list(_contacts(rng, first_contact, n_contacts, made))
    yield "attribute", ATTRIBUTE_COLUMNS, list(_attributes(rng, contacts, made))
    last = first_conversation + conversations
    for start in range(first_conversation, last, batch):
        rows, bodies = [], []
        for cid in range(start, min(start + batch, last)):
            row, msgs = _conversation(rng, cid, contacts, channels, now)
            rows.append(row)
            bodies.extend(msgs)
        yield "conversation", CONVERSATION_COLUMNS, rows
        yield "message", MESSAGE_COLUMNS, bodies


def demo_channels() -> list[int]:
    """Create the demo's channels (and switch on some assistants); their ids in order."""
    ids = [ensure_channel(name, kind).id for name, kind, _, _ in CHANNELS]
    for name, _, _, days in CHANNELS:
        if days:
            set_assistant(name, days)
    return ids


@guarded
def generate_demo(
    conversations: int = 1000, seed: int = 7, batch: int = 20_000, add: bool = False
) -> DemoResult:
    """Add a demo help desk to the open database; one that holds data needs `add`."""
    if not 0 < conversations <= MAX_CONVERSATIONS:
        raise InvalidInput(f"--conversations must be from 1 to {MAX_CONVERSATIONS:,}")
    counts = {"contact": 0, "conversation": 0, "message": 0}
    with outcome.transaction():
        empty = not (engine.max_id("conversation") or engine.max_id("contact"))
        if not add and not empty:
            raise Refused(
                "this database already holds conversations; the demo would mix with them "
                "(give --add to add it anyway)"
            )
        cases = CASES if empty and conversations >= MIN_FOR_CASES else 0
        made = conversations - cases
        first_contact = engine.reserve_ids("contact", contacts_for(made))
        first = engine.reserve_ids("conversation", made)
        channels = demo_channels()
        if settings.region() is None:
            settings.set_region(REGION)
        for table, columns, rows in batches(
            made, seed, channels, first_contact, first, clock.now(), batch
        ):
            engine.insert_rows(table, columns, rows)
            counts[table] = counts.get(table, 0) + len(rows)
        engine.index_from(first, first + made - 1)
        if cases:  # the hand-written cases, once per help desk
            counts["conversation"] += add_cases(clock.now())
            counts["contact"] += CASE_CONTACTS
    note = ""
    try:
        engine.after_bulk_load()
    except DRIVER_ERRORS as error:  # the rows are committed: say so, and what is left
        note = (
            f"the search index was not merged ({cause(error)}); "
            "searches stay correct, only slower, until the next demo or import"
        )
    return DemoResult(counts["contact"], counts["conversation"], counts["message"], note)
