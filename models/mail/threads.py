"""Grouping mail into threads: by Message-ID, In-Reply-To and References, else by subject.

Two messages are in one thread when one names the other, or both name a third
(present or not), the way notmuch and JWZ's algorithm join them: a union of
every message with every id it references. Only a message whose headers say
nothing (no In-Reply-To, no References) and whose subject says it is a reply
(`Re:`, `AW:`, ...) falls back to its subject: it joins the thread with the same
subject (without prefixes and list tags) and the same customer.

Pure functions over plain records: no database, no parsing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Letter:
    """What threading needs of one message."""

    message_id: str  # "" when it has none
    references: tuple[str, ...]
    subject_key: str  # the subject as threads compare it
    reply: bool  # the subject says it answers something
    party: str  # the customer's address: the sender, or (from us) the first recipient


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, key: str) -> str:
        parent = self.parent.setdefault(key, key)
        while parent != key:
            grand = self.parent[parent]
            self.parent[key] = grand
            key, parent = parent, grand
        return key

    def join(self, a: str, b: str) -> None:
        root_a, root_b = self.find(a), self.find(b)
        if root_a != root_b:
            self.parent[max(root_a, root_b)] = min(root_a, root_b)


def own_key(index: int, letter: Letter) -> str:
    return f"m:{letter.message_id}" if letter.message_id else f"n:{index}"


def subject_key(letter: Letter) -> str:
    return f"s:{letter.party}\x00{letter.subject_key}"


def group(letters: Sequence[Letter]) -> list[list[int]]:
    """The threads, as lists of indexes into `letters`, in order of their first letter."""
    union = _Union()
    for index, letter in enumerate(letters):
        mine = union.find(own_key(index, letter))
        for ref in letter.references:
            union.join(mine, f"m:{ref}")
    roots: dict[str, str] = {}  # subject key -> a thread that started without headers
    for index, letter in enumerate(letters):
        if letter.references or not letter.subject_key:
            continue
        key = subject_key(letter)
        if key in roots and letter.reply:
            union.join(own_key(index, letter), roots[key])
        roots.setdefault(key, own_key(index, letter))
    threads: dict[str, list[int]] = {}
    for index, letter in enumerate(letters):
        threads.setdefault(union.find(own_key(index, letter)), []).append(index)
    return list(threads.values())
