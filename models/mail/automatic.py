"""Mail no person wrote: auto-replies, lists and bulk mail, bounces. Marked, never a customer's.

RFC 3834: `Auto-Submitted` other than `no` (`auto-replied`, `auto-generated`,
`auto-notified`) is a machine's. `Precedence: bulk`, `list` or `junk` is the
older convention mailers still write. A bounce is a delivery status
notification (`multipart/report; report-type=delivery-status`, RFC 3464) or
mail from the null sender (`Return-Path: <>`, RFC 5321). Such a message is
imported and marked with why; it never counts as the customer's, never makes
its sender a conversation's customer, and (the replies build on this) is
never answered automatically.
"""

from __future__ import annotations

import re

from .message import Mail, raw_header

AUTO_REPLY, BULK, BOUNCE = "auto-submitted", "bulk", "bounce"
PRECEDENCE = frozenset({"bulk", "list", "junk", "auto_reply"})
AUTO_HEADERS = ("X-Autoreply", "X-Autorespond")  # older auto-responders' own marks
LIST_HEADERS = ("List-Id",)  # mail for many, whatever its Precedence
BOUNCERS = ("mailer-daemon@", "postmaster@")
REPORT_RE = re.compile(r"multipart/report\s*;.*report-type\s*=\s*\"?delivery-status", re.I | re.S)
NULL_SENDER_RE = re.compile(r"^\s*<\s*>\s*$")


def automatic(message: Mail) -> str:
    """Why a message is automatic ("auto-submitted", "bulk" or "bounce"), or "" for a person's."""
    auto = raw_header(message, "Auto-Submitted").split(";", 1)[0].strip().lower()
    if (auto and auto != "no") or any(raw_header(message, h) for h in AUTO_HEADERS):
        return AUTO_REPLY
    if raw_header(message, "Content-Type") and REPORT_RE.search(
        raw_header(message, "Content-Type")
    ):
        return BOUNCE
    if NULL_SENDER_RE.match(raw_header(message, "Return-Path")) and raw_header(
        message, "Return-Path"
    ):
        return BOUNCE
    sender = raw_header(message, "From").lower()
    if any(name in sender for name in BOUNCERS):
        return BOUNCE
    if raw_header(message, "Precedence").strip().lower() in PRECEDENCE:
        return BULK
    if any(raw_header(message, h) for h in LIST_HEADERS):
        return BULK
    return ""
