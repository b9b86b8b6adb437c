"""What the confirmations and notifications say, in one place."""

from __future__ import annotations

from rich.text import Text

from models import ContactInfo, DeletionSummary

from .output import safe
from .text import plain, plural

UNDONE = " This cannot be undone."


def social_notice(channels: list[str]) -> str:
    names = ", ".join(safe(c) for c in channels)
    return (
        f"From {names}: hushdesk deletes only its own copy; the copy on {names} "
        "must be deleted on the platform itself."
    )


def delete_question(summary: DeletionSummary) -> Text:
    if summary.count == 1:
        text = Text("Delete the conversation with ")
        text.append_text(plain(summary.contact or "Someone", "bold"))
        text.append(", “")
        text.append_text(plain(summary.subject or "(no subject)", "bold"))
        text.append("”, permanently?" + UNDONE)
    else:
        text = Text(f"Delete {plural(summary.count, 'conversation')} permanently?{UNDONE}")
    if summary.social_channels:
        text.append("\n\n" + social_notice(summary.social_channels), style="yellow")
    return text


def forget_question(contact: ContactInfo) -> Text:
    text = Text("Delete the profile of ")
    text.append_text(plain(contact.shown, "bold"))
    text.append(f" (name, email, phone and {plural(len(contact.attributes), 'attribute')})? ")
    text.append(f"Their {plural(contact.conversations, 'conversation')} stay and show “Someone”.")
    text.append(UNDONE)
    return text


def attribute_question(contact: ContactInfo, key: str) -> Text:
    text = Text("Delete the attribute ")
    text.append_text(plain(key, "bold"))
    text.append(" of ")
    text.append_text(plain(contact.shown, "bold"))
    text.append("?" + UNDONE)
    return text
