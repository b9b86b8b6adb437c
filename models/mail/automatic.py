"""Mail no person wrote: auto-replies, lists and bulk mail, bounces (RFC 3834's signs).

A reply to such mail can start a loop of machines answering each other, so
hushdesk asks the agent first. Read from the raw headers, before decoding.
"""

from __future__ import annotations

from .message import Mail, raw_header

BULK = frozenset({"bulk", "junk", "list", "auto_reply"})
BOUNCERS = ("mailer-daemon", "postmaster")


def automatic(message: Mail) -> bool:
    """True when the headers say a machine sent it, or it is mail for many."""
    submitted = raw_header(message, "Auto-Submitted").strip().lower()
    if submitted and not submitted.startswith("no"):
        return True
    if raw_header(message, "Precedence").strip().lower() in BULK:
        return True
    if any(raw_header(message, name) for name in ("X-Autoreply", "X-Autorespond", "List-Id")):
        return True
    if "multipart/report" in raw_header(message, "Content-Type").lower():
        return True
    if raw_header(message, "Return-Path").strip() == "<>":
        return True
    sender = raw_header(message, "From").lower()
    return any(f"{name}@" in sender for name in BOUNCERS)
