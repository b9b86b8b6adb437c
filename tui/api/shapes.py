"""The JSON Schemas of the API's bodies and answers, for its OpenAPI document."""

from __future__ import annotations

from typing import Any


def obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": list(required),
        "additionalProperties": False,
    }


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(kind: str) -> dict[str, Any]:
    return {"type": [kind, "null"]}


def page(item: str) -> dict[str, Any]:
    return obj({"data": {"type": "array", "items": ref(item)}, "next": nullable("string")})


ID = {"type": "integer", "minimum": 1}
TEXT = {"type": "string"}
TIME = {"type": "string", "format": "date-time"}
COUNT = {"type": "integer", "minimum": 0}
BOOL = {"type": "boolean"}
STRINGS = {"type": "array", "items": TEXT, "minItems": 1, "maxItems": 1000}
IDS = {"type": "array", "items": ID}
EVENT = {
    "type": "string",
    "enum": ["contact.deleted", "conversation.deleted", "attribute.deleted", "erasure.completed"],
}
GONE = {"gone": BOOL, "pending": nullable("string")}
COUNTS = obj(
    {
        k: COUNT
        for k in (
            "contacts",
            "attributes",
            "conversations",
            "messages",
            "messages_elsewhere",
            "redactions",
        )
    }
)
RETAINED = {"type": "array", "items": obj({"conversation": ID, "reason": TEXT})}

REFERENCE = {"type": "string", "minLength": 1, "maxLength": 100}
DAY = {"type": "string", "format": "date"}
PRIVACY_REQUEST = {  # a request's record (`encode.privacy_request`): never its identifiers
    "reference": TEXT,
    "kind": {"enum": ["access", "erasure"]},
    "state": {"enum": ["received", "waiting for identity", "extended", "done", "refused"]},
    "received": DAY,
    "due": DAY,
    "extended_months": COUNT,
    "days_left": {"type": "integer"},
    "standing": {"enum": ["overdue", "due soon", "on time", "ended"]},
    "identifiers": {**COUNT, "description": "how many it names (never the identifiers)"},
    "sealed": BOOL,
    "conversation": {"type": ["integer", "null"]},
}

CONVERSATION = {  # what a row of a list and a whole conversation both say (`encode.SHARED`)
    "id": ID,
    "contact_id": {"type": ["integer", "null"]},
    "contact": TEXT,
    "channel": TEXT,
    "kind": TEXT,
    "social": BOOL,
    "status": {"enum": ["open", "archived"]},
    "held": BOOL,
    "subject": TEXT,
}

SCHEMAS: dict[str, Any] = {
    "Problem": {
        "type": "object",
        "description": "RFC 9457 problem details; never personal data, never a traceback",
        "properties": {"type": TEXT, "title": TEXT, "status": {"type": "integer"}, "detail": TEXT},
        "required": ["type", "title", "status", "detail"],
    },
    "ContactBrief": obj({"id": ID, "name": TEXT, "email": TEXT, "phone": TEXT}),
    "ContactPage": page("ContactBrief"),
    "Attribute": obj(
        {"key": TEXT, "value": TEXT, "source": {"enum": ["manual", "api"]}, "set_at": TIME}
    ),
    "Attributes": obj({"data": {"type": "array", "items": ref("Attribute")}}),
    "Contact": obj(
        {
            "id": ID,
            "name": TEXT,
            "email": TEXT,
            "phone": TEXT,
            "phone_e164": TEXT,
            "conversations": COUNT,
            "attributes": {"type": "array", "items": ref("Attribute")},
        }
    ),
    "ContactDeleted": obj({"contact": ID, "conversations_kept": COUNT, **GONE}),
    "AttributeValue": obj({"value": {"type": "string", "maxLength": 10000}}),
    "AttributeSet": obj({"contact": ID, "key": TEXT, "source": {"enum": ["api"]}, "set_at": TIME}),
    "AttributeKeys": obj({"keys": STRINGS}),
    "AttributesDeleted": obj({"contact": ID, "deleted": COUNT, **GONE}),
    "ConversationRow": obj({**CONVERSATION, "last_activity": TIME}),
    "ConversationPage": page("ConversationRow"),
    "Message": obj(
        {
            "author": TEXT,
            "body": TEXT,
            "sent_at": TIME,
            "contact_id": {"type": ["integer", "null"]},
        }
    ),
    "Conversation": obj(
        {
            **CONVERSATION,
            "created_at": TIME,
            "last_activity": TIME,
            "archived_at": {"type": ["string", "null"], "format": "date-time"},
            "messages": {"type": "array", "items": ref("Message")},
        }
    ),
    "ConversationState": obj({"id": ID, "status": {"enum": ["open", "archived"]}, "held": BOOL}),
    "ConversationDeleted": obj(
        {"id": ID, "deleted": COUNT, "social_channels": {"type": "array", "items": TEXT}, **GONE}
    ),
    "AccessRequest": obj(
        {},
        {"identifiers": STRINGS, "request": {**REFERENCE, "description": "an open request"}},
    ),
    "AccessExport": {
        "type": "object",
        "description": "the access export document (format hushdesk-access-export/1)",
        "properties": {
            "format": {"const": "hushdesk-access-export/1"},
            "exported_at": TIME,
            "identifiers": {"type": "array", "items": TEXT},
            "contacts": {"type": "array"},
            "conversations": {"type": "array"},
            "written": {"type": "array"},
            "mentions": {"type": "array"},
            "not_matched": {"type": "array"},
        },
        "required": [
            "format",
            "exported_at",
            "identifiers",
            "contacts",
            "conversations",
            "written",
            "mentions",
            "not_matched",
        ],
    },
    "ErasureRequest": obj(
        {},
        {
            "identifiers": STRINGS,
            "reference": REFERENCE,
            "request": {**REFERENCE, "description": "an open erasure request: it ends done"},
            "keep_held": BOOL,
            "dry_run": BOOL,
            "same_person": BOOL,
        },
    ),
    "ErasureAnswer": {"oneOf": [ref("Receipt"), ref("ErasurePreview")]},
    "Receipt": obj(
        {
            "reference": TEXT,
            "erased_at": TIME,
            "agent": TEXT,
            "counts": COUNTS,
            "retained": RETAINED,
            "log_entry": ID,
            "chain_head": TEXT,
            "verify_gone": {"type": "object"},
            "cleanup": TEXT,
            "backups": TEXT,
        },
        {"request": TEXT},
    ),
    "ErasurePreview": obj(
        {
            "dry_run": {"const": True},
            "reference": TEXT,
            "counts": COUNTS,
            "contacts": IDS,
            "conversations": IDS,
            "retained": RETAINED,
            "possible_mentions": COUNT,
        }
    ),
    "NewRequest": obj(
        {"kind": {"enum": ["access", "erasure"]}},
        {
            "identifiers": {**STRINGS, "maxItems": 20},
            "received": DAY,
            "reference": REFERENCE,
            "conversation": ID,
        },
    ),
    "RequestOpened": obj({**PRIVACY_REQUEST, "matched": BOOL}),
    "PrivacyRequest": obj(PRIVACY_REQUEST),
    "Requests": obj({"data": {"type": "array", "items": ref("PrivacyRequest")}}),
    "RequestTrail": obj(
        {
            **PRIVACY_REQUEST,
            "trail": {
                "type": "array",
                "items": obj({"at": TIME, "what": TEXT, "note": TEXT, "actor": TEXT}),
            },
        }
    ),
    "LogEntry": obj(
        {
            "id": ID,
            "at": TIME,
            "actor": TEXT,
            "action": TEXT,
            "count": COUNT,
            "reason": TEXT,
            "hash": TEXT,
        }
    ),
    "LogPage": page("LogEntry"),
    "LogCheck": obj(
        {"ok": BOOL, "entries": COUNT, "first_broken": {"type": ["integer", "null"]}, "head": TEXT}
    ),
    "Assistant": obj(
        {
            "channel": TEXT,
            "kind": TEXT,
            "social": BOOL,
            "enabled": BOOL,
            "days": COUNT,
            "conversations": COUNT,
            "due": COUNT,
            "last_run_at": {"type": ["string", "null"], "format": "date-time"},
            "last_run_count": COUNT,
        }
    ),
    "Assistants": obj({"data": {"type": "array", "items": ref("Assistant")}}),
    "AssistantDays": obj({"days": {"type": ["integer", "null"], "minimum": 1, "maximum": 36500}}),
    "Webhook": obj(
        {
            "id": ID,
            "url": TEXT,
            "events": {"type": "array", "items": EVENT},
            "delivered": COUNT,
            "waiting": COUNT,
            "failed": COUNT,
            "last_error": TEXT,
        }
    ),
    "Webhooks": obj({"data": {"type": "array", "items": ref("Webhook")}}),
    "NewWebhook": obj(
        {
            "url": {"type": "string", "format": "uri", "maxLength": 2000},
            "events": {"type": "array", "items": EVENT, "minItems": 1},
            "secret": {"type": "string", "minLength": 16, "maxLength": 1000},
        }
    ),
    "WebhookAdded": obj({"id": ID, "url": TEXT, "events": {"type": "array", "items": EVENT}}),
    "WebhookRemoved": obj({"id": ID, "deleted": COUNT}),
}
