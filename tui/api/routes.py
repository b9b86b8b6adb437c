"""Every endpoint, declared once: method, path, scope, handler, and the shapes the OpenAPI
document describes (`openapi` builds the document from this table)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, NamedTuple

from . import handlers as h
from .call import Call, Reply

PREFIX = "/api/v1"


class Route(NamedTuple):
    method: str
    path: str  # under PREFIX
    scope: str
    handler: Callable[[Call], Awaitable[Reply]]
    summary: str
    body: str | None = None  # the request body's schema, by name
    answer: str = "Done"  # the answer's schema, by name
    paged: bool = False  # takes q (unless `log`), cursor and limit
    status: int = 200
    query: tuple[tuple[str, dict[str, Any]], ...] = ()  # other query parameters, by schema


ROUTES: tuple[Route, ...] = (
    Route(
        "GET",
        "/contacts",
        "read",
        h.list_contacts,
        "Contacts matching name:, email:, phone: filters",
        answer="ContactPage",
        paged=True,
    ),
    Route(
        "GET",
        "/contacts/{id}",
        "read",
        h.get_contact,
        "One contact with its attributes",
        answer="Contact",
    ),
    Route(
        "DELETE",
        "/contacts/{id}",
        "attributes",
        h.delete_contact,
        "Delete the contact's profile; the conversations stay and show Someone",
        answer="ContactDeleted",
    ),
    Route(
        "GET",
        "/contacts/{id}/attributes",
        "read",
        h.list_attributes,
        "A contact's attributes",
        answer="Attributes",
    ),
    Route(
        "PUT",
        "/contacts/{id}/attributes/{key}",
        "attributes",
        h.set_attribute,
        "Set an attribute (source: api)",
        "AttributeValue",
        "AttributeSet",
    ),
    Route(
        "DELETE",
        "/contacts/{id}/attributes/{key}",
        "attributes",
        h.delete_attribute,
        "Delete an attribute, from every byte",
        answer="AttributesDeleted",
    ),
    Route(
        "POST",
        "/contacts/{id}/attributes/delete",
        "attributes",
        h.delete_attributes,
        "Delete several attributes at once, all or none",
        "AttributeKeys",
        "AttributesDeleted",
    ),
    Route(
        "GET",
        "/conversations",
        "read",
        h.list_conversations,
        "Conversations matching a search, newest activity first",
        answer="ConversationPage",
        paged=True,
    ),
    Route(
        "GET",
        "/conversations/{id}",
        "read",
        h.get_conversation,
        "One conversation with its messages",
        answer="Conversation",
    ),
    Route(
        "POST",
        "/conversations/{id}/archive",
        "conversations",
        h.archive,
        "Archive a conversation",
        answer="ConversationState",
    ),
    Route(
        "POST",
        "/conversations/{id}/unarchive",
        "conversations",
        h.unarchive,
        "Move a conversation back to Open",
        answer="ConversationState",
    ),
    Route(
        "POST",
        "/conversations/{id}/hold",
        "conversations",
        h.hold,
        "Put a conversation on legal hold",
        answer="ConversationState",
    ),
    Route(
        "POST",
        "/conversations/{id}/release",
        "conversations",
        h.release,
        "Release a conversation from legal hold",
        answer="ConversationState",
    ),
    Route(
        "DELETE",
        "/conversations/{id}",
        "conversations",
        h.delete_conversation,
        "Delete an archived, unheld conversation permanently (409 otherwise)",
        answer="ConversationDeleted",
    ),
    Route(
        "POST",
        "/access-requests",
        "requests",
        h.access_request,
        "Everything held about a person (GDPR articles 15 and 20)",
        "AccessRequest",
        "AccessExport",
    ),
    Route(
        "POST",
        "/erasure-requests",
        "requests",
        h.erasure_request,
        "Erase a person everywhere (GDPR article 17); 409 when a legal hold refuses it",
        "ErasureRequest",
        "ErasureAnswer",
    ),
    Route(
        "POST",
        "/requests",
        "requests",
        h.open_request,
        "Open an access or erasure request; its clock runs from the day it was received",
        "NewRequest",
        "RequestOpened",
        status=201,
    ),
    Route(
        "GET",
        "/requests",
        "requests",
        h.list_requests,
        "Open requests (all: ended ones too), soonest due first",
        answer="Requests",
        query=(
            ("due", {"type": "string", "pattern": "^[0-9]{1,4}d?$"}),
            ("overdue", {"type": "boolean"}),
            ("all", {"type": "boolean"}),
        ),
    ),
    Route(
        "GET",
        "/requests/{reference}",
        "requests",
        h.get_request,
        "One request with its trail",
        answer="RequestTrail",
    ),
    Route(
        "GET",
        "/log",
        "read",
        h.list_log,
        "The deletion log, newest first",
        answer="LogPage",
        paged=True,
    ),
    Route(
        "GET",
        "/log/verify",
        "read",
        h.verify_log,
        "Check the deletion log's hash chain",
        answer="LogCheck",
    ),
    Route(
        "GET",
        "/assistants",
        "admin",
        h.list_assistants,
        "Every channel's retention assistant",
        answer="Assistants",
    ),
    Route(
        "PUT",
        "/assistants/{channel}",
        "admin",
        h.set_assistant,
        "Set a channel's assistant to a number of days, or off (null)",
        "AssistantDays",
        "Assistant",
    ),
    Route(
        "GET",
        "/webhooks",
        "admin",
        h.list_webhooks,
        "Webhook subscriptions, with their deliveries and failures",
        answer="Webhooks",
    ),
    Route(
        "POST",
        "/webhooks",
        "admin",
        h.add_webhook,
        "Subscribe a URL to events",
        "NewWebhook",
        "WebhookAdded",
        status=201,
    ),
    Route(
        "DELETE",
        "/webhooks/{id}",
        "admin",
        h.remove_webhook,
        "Remove a webhook subscription",
        answer="WebhookRemoved",
    ),
)


def schemas() -> dict[str, Any]:
    """The JSON Schemas of bodies and answers, by name (see `shapes`)."""
    from .shapes import SCHEMAS

    return SCHEMAS
