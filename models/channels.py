"""Channels (email, chat, SMS, phone, social platforms) and their lookup by name or kind."""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from .store.errors import InvalidInput, NotFound
from .store.guard import guarded
from .store.schema import KNOWN_KINDS, SOCIAL_KINDS, Assistant, Channel

MAX_NAME = 60


@dataclass(frozen=True)
class ChannelInfo:
    id: int
    name: str
    kind: str
    social: bool


def _info(channel: Channel) -> ChannelInfo:
    return ChannelInfo(channel.id, channel.name, channel.kind, channel.social)


@guarded
def ensure_channel(name: str, kind: str) -> ChannelInfo:
    """The channel called `name`, created with `kind` (and an assistant, off) if missing."""
    name, kind = (name or "").strip(), (kind or "").strip().lower()
    if not name or len(name) > MAX_NAME or not name.isprintable():
        raise InvalidInput(f"a channel name must be 1 to {MAX_NAME} printable characters")
    existing = Channel.get_or_none(fn.lower(Channel.name) == name.lower())
    if existing is not None:
        return _info(existing)
    if kind not in KNOWN_KINDS:
        raise InvalidInput(
            f"unknown channel kind {kind!r}; use one of {', '.join(sorted(KNOWN_KINDS))}"
        )
    channel = Channel.create(name=name, kind=kind, social=kind in SOCIAL_KINDS)
    Assistant.create(channel=channel, enabled=False, days=30)
    return _info(channel)


@guarded
def list_channels() -> list[ChannelInfo]:
    return [_info(c) for c in Channel.select().order_by(Channel.id)]


def find_channels(text: str) -> list[ChannelInfo]:
    """Channels whose name, or else whose kind, is `text` (case-insensitive)."""
    text = text.strip().lower()
    by_name = Channel.select().where(fn.lower(Channel.name) == text)
    found = list(by_name) or list(Channel.select().where(Channel.kind == text))
    return [_info(c) for c in found]


@guarded
def get_channel(text: str) -> ChannelInfo:
    """Exactly one channel by name or kind, or a clear refusal."""
    if not (text or "").strip():
        raise InvalidInput("no channel given; name one, e.g. Email")
    found = find_channels(text)
    if not found:
        names = ", ".join(c.name for c in list_channels()) or "none yet"
        raise NotFound(f"no channel called {text[:60]!r} (channels: {names})")
    if len(found) > 1:
        raise InvalidInput(f"{text[:60]!r} names {len(found)} channels; use the channel's name")
    return found[0]
