"""Webhook subscriptions: a URL, the events it wants, and the secret its deliveries are
signed with (Standard Webhooks). `list_webhooks` counts what waits and what failed."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from peewee import fn

from ..store import clock, outcome
from ..store.errors import InvalidInput, NotFound
from ..store.guard import guarded
from .outbox import EVENTS
from .signing import check_secret
from .tables import Webhook, WebhookDelivery

MAX_URL = 2000


@dataclass(frozen=True)
class WebhookRow:
    id: int
    url: str
    events: list[str]
    delivered: int
    waiting: int  # not yet delivered, still being tried
    failed: int  # given up on
    last_error: str


def check_url(url: str) -> str:
    text = (url or "").strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or len(text) > MAX_URL
        or not text.isprintable()
        or " " in text
    ):
        raise InvalidInput(f"a webhook URL is http:// or https://, at most {MAX_URL} characters")
    if parts.username or parts.password:
        raise InvalidInput("a webhook URL may not hold a user or password: use the secret")
    return text


def check_events(events: list[str]) -> list[str]:
    wanted = sorted({e.strip() for e in events})
    unknown = [e for e in wanted if e not in EVENTS]
    if not wanted or unknown:
        shown = f"unknown event {unknown[0][:40]!r}; " if unknown else ""
        raise InvalidInput(f"{shown}the events: {', '.join(EVENTS)}")
    return wanted


@guarded
def add_webhook(url: str, events: list[str], secret: str) -> int:
    """Subscribe a URL to events; deletions from now on are sent to it."""
    url, wanted, secret = check_url(url), check_events(events), check_secret(secret)
    with outcome.transaction():
        hook = Webhook.create(
            url=url, events=" ".join(wanted), secret=secret, created_at=clock.now()
        )
    return int(hook.id)


@guarded
def remove_webhook(webhook_id: int) -> None:
    with outcome.transaction():
        if not Webhook.delete().where(Webhook.id == webhook_id).execute():
            raise NotFound(f"no webhook #{webhook_id}")


def _count(hook: int, *conditions: object) -> int:
    query = WebhookDelivery.select(fn.COUNT(WebhookDelivery.id)).where(
        WebhookDelivery.webhook == hook, *conditions
    )
    return int(query.scalar() or 0)


@guarded
def list_webhooks() -> list[WebhookRow]:
    rows = []
    d = WebhookDelivery
    for hook in Webhook.select().order_by(Webhook.id):
        last = (
            d.select(d.last_error)
            .where((d.webhook == hook.id) & (d.last_error != ""))
            .order_by(d.id.desc())
            .first()
        )
        rows.append(
            WebhookRow(
                hook.id,
                hook.url,
                hook.events.split(),
                _count(hook.id, d.delivered_at.is_null(False)),
                _count(hook.id, d.delivered_at.is_null(), d.failed_at.is_null()),
                _count(hook.id, d.failed_at.is_null(False)),
                last.last_error if last else "",
            )
        )
    return rows
