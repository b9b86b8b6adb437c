"""Sending the outbox's webhooks: signed as Standard Webhooks says, at least once.

Each due delivery is POSTed with `webhook-id` (the event's id, for
deduplication), `webhook-timestamp` (seconds, when sent) and
`webhook-signature`; a 2xx answer within TIMEOUT seconds delivers it, anything
else is tried again later (`models.api.outbox.BACKOFF`). Redirects are not
followed.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor

import aiohttp

from models.api import outbox, signing
from models.store import clock

from .say import log

TIMEOUT = 10.0
FORGET_EVERY = 3600  # rounds: events delivered a week ago are dropped about hourly


async def send(session: aiohttp.ClientSession, due: outbox.Due) -> str:
    """'' when delivered; else why not."""
    stamp = int(clock.now().timestamp())
    headers = {
        "content-type": "application/json",
        "user-agent": "hushdesk-webhooks",
        "webhook-id": due.event_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": signing.sign(due.secret, due.event_id, stamp, due.body),
    }
    try:
        async with session.post(
            due.url,
            data=due.body.encode(),
            headers=headers,
            allow_redirects=False,
            timeout=aiohttp.ClientTimeout(total=TIMEOUT),
        ) as answer:
            await answer.read()
            return "" if 200 <= answer.status < 300 else f"HTTP {answer.status}"
    except (aiohttp.ClientError, TimeoutError, OSError, ValueError) as error:
        return f"{type(error).__name__}: {str(error)[:120]}"


async def deliver_due(session: aiohttp.ClientSession, pool: Executor | None = None) -> int:
    """Send every due delivery once; how many were delivered."""
    loop = asyncio.get_running_loop()
    delivered = 0
    for due in await loop.run_in_executor(pool, outbox.due):
        why = await send(session, due)
        if why:
            await loop.run_in_executor(pool, outbox.failed, due.delivery, due.attempts, why)
        else:
            await loop.run_in_executor(pool, outbox.delivered, due.delivery)
            delivered += 1
    return delivered


async def loop(stop: asyncio.Event, every: float, pool: Executor) -> None:
    """Look at the outbox every `every` seconds until `stop`; a failing database is retried."""
    import models

    rounds = 0
    async with aiohttp.ClientSession() as session:
        while not stop.is_set():
            try:
                await deliver_due(session, pool)
                if rounds % FORGET_EVERY == 0:
                    await asyncio.get_running_loop().run_in_executor(pool, outbox.forget_delivered)
                rounds += 1
            except models.HushdeskError as error:
                log(f"webhooks wait: {error}")
            try:
                await asyncio.wait_for(stop.wait(), every)
            except TimeoutError:
                pass
