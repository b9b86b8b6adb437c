"""The demo's hand-written cases: what an access or erasure request meets in a real help desk.

One person, Ines Moreau, has an email contact and an SMS contact (the same
phone written another way), a conversation on legal hold, and is named by
other customers in other conversations: by email, by name and by phone in
several punctuations. Another customer pastes a card number and an IBAN.
Her erasure request is tracked (opened from the conversation where she asked),
beside three others at other points of the clock: one due within a week, one
overdue while waiting for the requester's identity, one extended.
The README walks through a request for her from the keyboard and the command line.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..contacts import create_contact, set_attribute
from ..intake import NewMessage, create_conversation
from ..privacy.tracking import records

PERSON = ("Ines Moreau", "ines.moreau@example.org", "+1 (415) 555-0199")
CASES, CASE_CONTACTS = 6, 5  # conversations and contacts they add
SAM = "Sam (support)"


def _talk(when: datetime, *lines: tuple[str, str]) -> list[NewMessage]:
    return [
        NewMessage(author, body, when + timedelta(hours=hour))
        for hour, (author, body) in enumerate(lines)
    ]


def add_cases(now: datetime) -> int:
    """Create the cases; returns how many conversations they hold."""
    ines = create_contact(*PERSON)
    set_attribute(ines, "plan", "pro", source="api")
    set_attribute(ines, "language", "fr", source="manual")
    texts = create_contact("", "", "415.555.0199")
    day = now - timedelta(days=6)
    made = [
        create_conversation(
            "Email",
            ines,
            "delete my data please",
            _talk(day, ("customer", "Please delete all you hold about me."), (SAM, "On it.")),
            status="archived",
            created_at=day,
        ),
        create_conversation(
            "Phone",
            ines,
            "disputed charge",
            _talk(day - timedelta(days=30), ("customer", "I dispute the March charge.")),
            held=True,
            created_at=day - timedelta(days=30),
            kind="phone",
        ),
        create_conversation(
            "SMS",
            texts,
            "is my order shipped?",
            _talk(day, ("customer", "Hi, it's Ines. Is my order shipped?")),
            created_at=day,
            kind="sms",
        ),
    ]
    made += _mentions(now)
    _requests(now, made[0])
    return len(made)


def _requests(now: datetime, asked: int) -> None:
    """Four requests against the clock: on time, due soon, overdue, extended."""
    records.open_request("erasure", [], SAM, conversation=asked)
    day = now.date()
    records.open_request(
        "access", ["tomas.berg@example.net"], SAM, received=day - timedelta(days=26)
    )
    late = records.open_request(
        "erasure", ["omar.haddad@example.com"], SAM, received=day - timedelta(days=40)
    )
    records.wait_for_identity(late.request.reference, SAM)
    told = day - timedelta(days=30)
    extended = records.open_request(
        "access", ["lena.fischer@example.com"], SAM, received=day - timedelta(days=35)
    )
    reason = "the request covers six years of archived orders"
    records.extend_request(extended.request.reference, 2, reason, told, SAM)


def _mentions(now: datetime) -> list[int]:
    tomas = create_contact("Tomas Berg", "tomas.berg@example.net", "+44 20 7946 0018")
    lena = create_contact("Lena Fischer", "lena.fischer@example.com", "")
    omar = create_contact("Omar Haddad", "omar.haddad@example.com", "+1 (212) 555-0147")
    day = now - timedelta(days=3)
    return [
        create_conversation(
            "Email",
            tomas,
            "same problem as my colleague",
            _talk(
                day,
                ("customer", "My colleague Ines Moreau (ines.moreau@example.org) has it too."),
                (SAM, "Thanks, we will look at both accounts."),
            ),
            created_at=day,
        ),
        create_conversation(
            "Chat",
            lena,
            "delivery to my sister",
            _talk(day, ("customer", "Please call my sister at (415) 555-0199 when it arrives.")),
            created_at=day,
            kind="chat",
        ),
        create_conversation(
            "WhatsApp",
            omar,
            "card charged twice",
            _talk(
                day,
                ("customer", "My card 4111 1111 1111 1111 was charged twice."),
                ("customer", "Refund to DE89 3704 0044 0532 0130 00 please."),
                ("customer", "Or call Ines on +1 415 555 0199, not 415.555.0199."),
            ),
            created_at=day,
            kind="whatsapp",
        ),
    ]
