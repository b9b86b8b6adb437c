"""What the app's confirmations ask, in one place."""

from __future__ import annotations

from rich.text import Text

from models import ContactInfo, DeletionSummary

from ..text import plural
from ..wording import social_notice
from .plain import plain

UNDONE = " This cannot be undone."


def delete_question(summary: DeletionSummary) -> Text:
    """What goes and what policy keeps; with nothing deletable, only what keeps it."""
    if not summary.count:
        text = Text("Nothing here may be deleted. ")
    elif summary.count == 1:
        text = Text("Delete the conversation with ")
        text.append_text(plain(summary.contact or "Someone", "bold"))
        text.append(", “")
        text.append_text(plain(summary.subject or "(no subject)", "bold"))
        text.append("”, permanently?" + UNDONE)
    else:
        text = Text(f"Delete {plural(summary.count, 'conversation')} permanently?{UNDONE}")
    if summary.kept:
        text.append("\n\n" if summary.count else "")
        text.append(_kept(summary), style="bold")
    if summary.social_channels:
        text.append("\n\n" + social_notice(summary.social_channels), style="yellow")
    return text


def _kept(summary: DeletionSummary) -> str:
    reasons = []
    if summary.open:
        reasons.append(f"{_are(len(summary.open))} open (archive first)")
    if summary.held:
        reasons.append(f"{_are(len(summary.held))} on legal hold (release first)")
    stay = "stays" if summary.kept == 1 else "stay"
    ids = ", ".join(f"#{i}" for i in [*summary.held, *summary.open][:5])
    more = ", ..." if summary.kept > 5 else ""
    return f"{plural(summary.kept, 'conversation')} {stay} ({ids}{more}): {' and '.join(reasons)}."


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


def _are(count: int) -> str:
    return f"{count:,} {'is' if count == 1 else 'are'}"
