"""The endpoints: each parses, calls one operation of `models`, and shapes the answer."""

from __future__ import annotations

from typing import Any

import models
from models.api import pages, requests, states
from models.events import webhooks

from . import encode
from .body import fields
from .call import Call, Reply
from .problems import invalid


def _page(call: Call, rows: list[dict[str, Any]], cursor: str | None) -> Reply:
    return Reply({"data": rows, "next": call.next_link(cursor)})


def _known_query(call: Call, *names: str) -> None:
    for name in call.request.query:
        if name not in names:
            raise invalid(f"unknown parameter {name[:40]!r}")


# contacts and attributes ------------------------------------------------------------------
async def list_contacts(call: Call) -> Reply:
    _known_query(call, "q", "cursor", "limit")
    found = await call.run(
        pages.contacts, call.query("q"), call.query("cursor") or None, call.limit()
    )
    return _page(call, [encode.contact_brief(c) for c in found.rows], found.next)


async def get_contact(call: Call) -> Reply:
    info = await call.run(models.get_contact, call.id("id"))
    return Reply(encode.contact(info))


async def list_attributes(call: Call) -> Reply:
    info = await call.run(models.get_contact, call.id("id"))
    return Reply({"data": [encode.attribute(a) for a in info.attributes]})


async def set_attribute(call: Call) -> Reply:
    fields(call.body, {"value": str}, {})
    contact = call.id("id")
    row = await call.run(
        models.set_attribute, contact, call.text("key"), call.body["value"], "api"
    )
    answer = {
        "contact": contact,
        "key": row.key,
        "source": row.source,
        "set_at": encode.when(row.set_at),
    }
    return Reply(answer, contact=contact)


async def delete_attribute(call: Call) -> Reply:
    contact = call.id("id")
    done = await call.run(
        models.delete_attribute, contact, call.text("key"), call.caller.actor, "api request"
    )
    return Reply({"contact": contact, "deleted": 1, **encode.cleanup(done)}, contact=contact)


async def delete_attributes(call: Call) -> Reply:
    fields(call.body, {"keys": list}, {})
    contact = call.id("id")
    done = await call.run(
        models.delete_attributes, contact, call.body["keys"], call.caller.actor, "api request"
    )
    return Reply(
        {"contact": contact, "deleted": len(set(call.body["keys"])), **encode.cleanup(done)},
        contact=contact,
    )


async def delete_contact(call: Call) -> Reply:
    contact = call.id("id")
    result = await call.run(models.forget_contact, contact, call.caller.actor, "api request")
    return Reply(
        {"contact": contact, "conversations_kept": result.kept, **encode.cleanup(result.cleanup)}
    )


# conversations --------------------------------------------------------------------------
async def list_conversations(call: Call) -> Reply:
    _known_query(call, "q", "cursor", "limit")
    found = await call.run(
        pages.conversations, call.query("q"), call.query("cursor") or None, call.limit()
    )
    return _page(call, [encode.conversation_row(r) for r in found.rows], found.next)


async def get_conversation(call: Call) -> Reply:
    return Reply(encode.conversation(await call.run(models.get_conversation, call.id("id"))))


def _changer(change: str) -> Any:
    async def run(call: Call) -> Reply:
        state = await call.run(states.change, call.id("id"), change)
        return Reply({"id": state.id, "status": state.status, "held": state.held})

    return run


archive, unarchive, hold, release = (_changer(c) for c in states.CHANGES)


async def delete_conversation(call: Call) -> Reply:
    conversation = call.id("id")
    result = await call.run(
        models.delete_conversations, [conversation], call.caller.actor, "api request"
    )
    return Reply(
        {
            "id": conversation,
            "deleted": result.count,
            "social_channels": result.social_channels,
            **encode.cleanup(result.cleanup),
        }
    )


# requests ---------------------------------------------------------------------------------
async def access_request(call: Call) -> Reply:
    fields(call.body, {}, {"identifiers": list, "request": str})
    body = call.body
    document = await call.run(
        requests.access_document,
        body.get("identifiers", []),
        body.get("request"),
        call.caller.actor,
    )
    return Reply(document, keep=False)


async def erasure_request(call: Call) -> Reply:
    optional = {
        "identifiers": list,
        "reference": str,
        "request": str,
        "keep_held": bool,
        "dry_run": bool,
        "same_person": bool,
    }
    fields(call.body, {}, optional)
    body = call.body
    identifiers, reference = body.get("identifiers", []), body.get("reference")
    keep_held, request = body.get("keep_held", False), body.get("request")
    if body.get("dry_run", False):
        preview = await call.run(
            requests.erasure_preview, identifiers, reference, keep_held, request
        )
        return Reply(preview)
    receipt = await call.run(
        models.erase,
        identifiers,
        reference,
        call.caller.actor,
        keep_held,
        same_person=body.get("same_person", False),
        request=request,
    )
    return Reply(models.receipt_dict(receipt))


async def open_request(call: Call) -> Reply:
    optional = {"identifiers": list, "received": str, "reference": str, "conversation": int}
    fields(call.body, {"kind": str}, optional)
    body = call.body
    opened = await call.run(
        requests.open_for_api,
        body["kind"],
        body.get("identifiers", []),
        call.caller.actor,
        body.get("received"),
        body.get("reference"),
        body.get("conversation"),
    )
    answer = {**encode.privacy_request(opened.request), "matched": opened.matched}
    return Reply(answer, status=201)


def _days(text: str) -> int | None:
    """`due`: a number of days, `7` or `7d` (0 to 3660), as `request ls --due`."""
    if not text:
        return None
    number = text.removesuffix("d")
    if not (number.isascii() and number.isdigit()) or len(number) > 4 or int(number) > 3660:
        raise invalid("due is a number of days from 0 to 3660 (7 or 7d)")
    return int(number)


def _flag(call: Call, name: str) -> bool:
    text = call.query(name, "false")
    if text not in ("true", "false"):
        raise invalid(f"{name} is true or false")
    return text == "true"


async def list_requests(call: Call) -> Reply:
    _known_query(call, "due", "overdue", "all")
    due, overdue, ended = _days(call.query("due")), _flag(call, "overdue"), _flag(call, "all")
    found = await call.run(models.list_requests, due, overdue, ended)
    return Reply({"data": [encode.privacy_request(r) for r in found]})


async def get_request(call: Call) -> Reply:
    _known_query(call)
    info, trail = await call.run(requests.request_with_trail, call.text("reference"))
    return Reply({**encode.privacy_request(info), "trail": [encode.trail_step(s) for s in trail]})


# the log --------------------------------------------------------------------------------
async def list_log(call: Call) -> Reply:
    _known_query(call, "cursor", "limit")
    found = await call.run(pages.log_entries, call.query("cursor") or None, call.limit())
    return _page(call, [encode.log_entry(e) for e in found.rows], found.next)


async def verify_log(call: Call) -> Reply:
    check = await call.run(models.verify_log)
    return Reply(
        {
            "ok": check.ok,
            "entries": check.entries,
            "first_broken": check.first_broken,
            "head": check.head,
        }
    )


# admin: assistants and webhooks ---------------------------------------------------------
async def list_assistants(call: Call) -> Reply:
    return Reply({"data": [encode.assistant(r) for r in await call.run(models.list_assistants)]})


async def set_assistant(call: Call) -> Reply:
    if set(call.body) - {"days"} or "days" not in call.body:
        unknown = sorted(set(call.body) - {"days"})
        raise invalid(
            f"unknown field {unknown[0][:40]!r}" if unknown else "the field 'days' is required"
        )
    days = call.body["days"]
    if days is not None and type(days) is not int:
        raise invalid("the field 'days' must be a whole number, or null for off")
    row = await call.run(models.set_assistant, call.text("channel"), days)
    return Reply(encode.assistant(row))


def _webhook(row: webhooks.WebhookRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "url": row.url,
        "events": row.events,
        "delivered": row.delivered,
        "waiting": row.waiting,
        "failed": row.failed,
        "last_error": row.last_error,
    }


async def list_webhooks(call: Call) -> Reply:
    return Reply({"data": [_webhook(r) for r in await call.run(webhooks.list_webhooks)]})


async def add_webhook(call: Call) -> Reply:
    fields(call.body, {"url": str, "events": list, "secret": str}, {})
    body = call.body
    hook = await call.run(webhooks.add_webhook, body["url"], body["events"], body["secret"])
    return Reply(
        {"id": hook, "url": body["url"].strip(), "events": sorted(set(body["events"]))}, status=201
    )


async def remove_webhook(call: Call) -> Reply:
    hook = call.id("id")
    await call.run(webhooks.remove_webhook, hook)
    return Reply({"id": hook, "deleted": 1})
