"""Contacts and their data attributes; deleting a contact's profile.

Deleting a profile keeps the contact's conversations and messages (they then
show "Someone"), and removes the name, email, phone and every attribute,
from the tables and from the search index, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import log, settings
from .backup import keys as backup_keys
from .events import outbox
from .store import clock, engine, outcome
from .store.errors import InvalidInput, NotFound
from .store.guard import guarded
from .store.schema import Attribute, Contact, Conversation, Message
from .store.sql import sql
from .store.values import WRITER, shown_name, stored_text
from .text import phones
from .text.phones import digits

SOURCES = ("manual", "api")
MAX_KEY = 100
MAX_VALUE = 10_000
MAX_KEYS = 1_000  # attributes deleted in one request


@dataclass(frozen=True)
class AttributeRow:
    key: str
    value: str
    source: str
    set_at: datetime


@dataclass(frozen=True)
class ContactInfo:
    id: int
    name: str
    email: str
    phone: str
    attributes: list[AttributeRow]
    conversations: int
    number: str = ""  # the phone's E.164 form; "" when it cannot be placed

    @property
    def shown(self) -> str:
        return shown_name(self.name, self.email, self.phone)


@guarded
def resolve_contact(text: str) -> int:
    """A contact by id, email or phone (the same number, else the same digits), or a refusal."""
    text = (text or "").strip()
    if (
        text.isascii()
        and text.isdigit()
        and len(text) < 19
        and Contact.get_or_none(Contact.id == int(text))
    ):
        return int(text)
    if "@" in text:
        found = [c.id for c in Contact.select(Contact.id).where(Contact.email == text.lower())]
    elif len(digits(text)) >= 4:
        number = phones.e164(text, settings.region())
        same = Contact.phone_e164 == number if number else Contact.phone_digits == digits(text)
        found = [c.id for c in Contact.select(Contact.id).where(same)]
    else:
        found = []
    if not found:
        raise NotFound(f"no contact with id, email or phone {text[:60]!r}")
    if len(found) > 1:
        raise InvalidInput(f"{len(found)} contacts have {text[:60]!r}; use the contact's id")
    return found[0]


def _contact(contact_id: int) -> Contact:
    contact = Contact.get_or_none(Contact.id == contact_id)
    if contact is None:
        raise NotFound(f"no contact #{contact_id}")
    return contact


@guarded
def get_contact(contact_id: int) -> ContactInfo:
    contact = _contact(contact_id)
    return ContactInfo(
        contact.id,
        contact.name,
        contact.email,
        contact.phone,
        list_attributes(contact_id),
        Conversation.select().where(Conversation.contact == contact_id).count(),
        contact.phone_e164,
    )


@guarded
def create_contact(name: str = "", email: str = "", phone: str = "") -> int:
    name, email, phone = name.strip(), email.strip().lower(), phone.strip()
    for label, value in (("name", name), ("email", email), ("phone", phone)):
        if len(value) > 200 or not value.isprintable():
            raise InvalidInput(f"a contact's {label} must be at most 200 printable characters")
    if not (name or email or phone):
        raise InvalidInput("a contact needs a name, an email or a phone")
    contact = Contact.create(
        name=name,
        email=email,
        phone=phone,
        phone_digits=digits(phone),
        phone_e164=phones.e164(phone, settings.region()),
        created_at=clock.now(),
    )
    return contact.id


@dataclass(frozen=True)
class ForgetResult:
    """How many conversations stay (now showing "Someone"), and whether every byte is gone."""

    kept: int
    cleanup: engine.Cleanup


@guarded
def forget_contact(contact_id: int, actor: str, reason: str = "erasure request") -> ForgetResult:
    """Delete the profile: name, email, phone and attributes; the conversations stay, and so
    do the messages the contact wrote in others' conversations, shown as Someone's."""
    actor = log.check_actor(actor)
    with outcome.transaction():
        contact = _contact(contact_id)
        query = Conversation.select(Conversation.id).where(Conversation.contact == contact_id)
        kept = [int(cid) for (cid,) in engine.rows(query)]
        Conversation.update(contact=None).where(Conversation.contact == contact_id).execute()
        backup_keys.renew_written_by(contact_id)  # the profile's own key goes with it (cascade)
        # an older import copied the writer's name into `author`: it goes with the profile
        Message.update(author=WRITER).where(Message.contact == contact_id).execute()
        Attribute.delete().where(Attribute.contact == contact_id).execute()
        contact.delete_instance()
        engine.reindex(kept, purge_later=True)
        engine.owe_cleanup()
        log.record(actor, "delete contact profile", 1, reason)
        outbox.emit("contact.deleted", {"contact": contact_id, "conversations_kept": len(kept)})
    return ForgetResult(len(kept), engine.scrub())


NUL = "an attribute's key or value never holds a NUL character"


def _no_nul(keys: list[str]) -> None:
    """No attribute has a NUL in its key (none can be set): refused before any query."""
    if any("\x00" in key for key in keys):
        raise InvalidInput(NUL)


def _check_attribute(key: str, value: str, source: str) -> tuple[str, str]:
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY or not key.isprintable():
        raise InvalidInput(f"an attribute key must be 1 to {MAX_KEY} printable characters")
    if value is None or len(value) > MAX_VALUE:
        raise InvalidInput(f"an attribute value must be at most {MAX_VALUE:,} characters")
    if "\x00" in value:
        raise InvalidInput(NUL)
    if source not in SOURCES:
        raise InvalidInput(f"an attribute source is 'manual' or 'api', not {source!r}")
    return key, value


CONTACT_AND_OLD_VALUE = (  # one row when the contact exists: the key's value, or NULL
    "SELECT a.value FROM contact c LEFT JOIN attribute a ON a.contact_id = c.id AND a.key = ? "
    "WHERE c.id = ?"
)
UPSERT_ATTRIBUTE = (
    "INSERT INTO attribute (contact_id, key, value, source, set_at) VALUES (?, ?, ?, ?, ?) "
    "ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value, "
    "source = excluded.source, set_at = excluded.set_at"
)


@guarded
def set_attribute(contact_id: int, key: str, value: str, source: str = "manual") -> AttributeRow:
    """Set one attribute (one value per key): `manual` when an agent typed it, else `api`."""
    key, value = _check_attribute(key, value, source)
    backend = engine.backend()  # plain SQL: systems set attributes often (see bench/api.py)
    with outcome.transaction():
        found = list(backend.execute(sql(CONTACT_AND_OLD_VALUE, key, contact_id)))
        if not found:
            raise NotFound(f"no contact #{contact_id}")
        old = found[0][0]
        if old is not None and old != value:  # the old value goes: older backups lose it too
            backup_keys.renew_contacts([contact_id])
        now = clock.now()
        backend.execute(sql(UPSERT_ATTRIBUTE, contact_id, key, value, source, stored_text(now)))
    return AttributeRow(key, value, source, now)


@guarded
def delete_attribute(
    contact_id: int, key: str, actor: str, reason: str = "agent request"
) -> engine.Cleanup:
    """Delete one attribute of a contact; the key and value are not logged."""
    actor = log.check_actor(actor)
    _no_nul([key])
    with outcome.transaction():
        _contact(contact_id)
        deleted = (
            Attribute.delete()
            .where((Attribute.contact == contact_id) & (Attribute.key == key))
            .execute()
        )
        if not deleted:
            raise NotFound(f"contact #{contact_id} has no attribute {key[:60]!r}")
        backup_keys.renew_contacts([contact_id])  # older backups keep the value unreadable
        engine.owe_cleanup()
        log.record(actor, "delete attribute", 1, reason)
        outbox.emit("attribute.deleted", {"contact": contact_id, "count": 1})
    return engine.scrub()


@guarded
def delete_attributes(
    contact_id: int, keys: list[str], actor: str, reason: str = "agent request"
) -> engine.Cleanup:
    """Delete several attributes of a contact at once, all or none: a key the contact does
    not have refuses the whole request. One log entry; keys and values are not logged."""
    actor = log.check_actor(actor)
    wanted = sorted(set(keys))
    _no_nul(wanted)
    if not wanted or len(wanted) > MAX_KEYS:
        raise InvalidInput(f"give 1 to {MAX_KEYS:,} attribute keys")
    with outcome.transaction():
        _contact(contact_id)
        mine = (Attribute.contact == contact_id) & Attribute.key.in_(wanted)
        present = {str(key) for (key,) in engine.rows(Attribute.select(Attribute.key).where(mine))}
        missing = [key for key in wanted if key not in present]
        if missing:
            raise NotFound(
                f"contact #{contact_id} has no attribute {missing[0][:60]!r}; nothing was deleted"
            )
        Attribute.delete().where(mine).execute()
        backup_keys.renew_contacts([contact_id])  # older backups keep the values unreadable
        engine.owe_cleanup()
        log.record(actor, "delete attributes", len(wanted), reason)
        outbox.emit("attribute.deleted", {"contact": contact_id, "count": len(wanted)})
    return engine.scrub()


@guarded
def list_attributes(contact_id: int) -> list[AttributeRow]:
    query = Attribute.select().where(Attribute.contact == contact_id).order_by(Attribute.key)
    return [AttributeRow(a.key, a.value, a.source, a.set_at) for a in query]
