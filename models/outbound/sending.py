"""Sending what the outbox holds that is due: one reply at a time, each claimed first.

Run by the app in the background, by `hushdesk reply` right after writing the
reply, and by `hushdesk send` (for cron). Only what an agent wrote is ever in
the outbox: nothing here answers anything by itself.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field

from ..store.errors import DoneButLost, HushdeskError
from . import config, outbox
from . import server as smtp_server
from .compose import compose
from .submit import NoAnswer, NotTaken, Overtaken, submit

logger = logging.getLogger("hushdesk")
MAX_PER_RUN = 200
# a copy of a message the server accepted, kept elsewhere (the Sent folder); "" or what failed
Copier = Callable[[bytes, str], str]


@dataclass
class SendReport:
    sent: list[int] = field(default_factory=list)  # conversations a reply was sent in
    waiting: list[str] = field(default_factory=list)  # "#3: 421 try later"
    failed: list[str] = field(default_factory=list)
    said: str = ""  # why nothing could be tried (no server set, an unreadable password)


def send_due(context: ssl.SSLContext | None = None, copy: Copier | None = None) -> SendReport:
    """Send every reply that is due; each step its own guarded transaction (not one: a
    retried transaction must never send a message again). `copy` is given each message the
    server accepted, before that is recorded (so a kill between leaves the reply "may have
    been sent", and the copy tells that it was)."""
    report = SendReport()
    try:
        if not outbox.anything_due():
            return report
        server = config.smtp()
        if server is None:
            if outbox.pending_replies():
                report.said = "no SMTP server is set (hushdesk settings smtp URL)"
            return report
        password = smtp_server.password(server)
    except HushdeskError as error:
        report.said = str(error)
        return report
    tls = context or ssl.create_default_context()
    for _ in range(MAX_PER_RUN):
        claimed = outbox.claim_next()
        if claimed is None:
            break
        _send_one(claimed, server, password, tls, report, copy)
    return report


def _send_one(
    claimed: outbox.Claimed,
    server: smtp_server.Server,
    password: str,
    tls: ssl.SSLContext,
    report: SendReport,
    copy: Copier | None,
) -> None:
    envelope = claimed.envelope
    message = compose(envelope)
    try:
        submit(
            server,
            password,
            envelope.sender,
            envelope.recipient,
            message,
            lambda: _at_the_point(claimed),
            tls,
        )
    except NotTaken as refused:
        state = outbox.not_accepted(claimed.id, claimed.claim, refused.reason, refused.permanent)
        line = f"reply #{claimed.id}: {refused.reason}"
        (report.failed if state == outbox.FAILED else report.waiting).append(line)
        return
    except NoAnswer as lost:
        outbox.unsure(claimed.id, claimed.claim, str(lost))
        report.failed.append(f"reply #{claimed.id}: {outbox.MAY_HAVE_BEEN_SENT}")
        return
    except Overtaken:
        return
    if copy is not None:
        trouble = copy(message, envelope.message_id)
        if trouble:
            report.failed.append(f"reply #{claimed.id} was sent; its copy was not kept: {trouble}")
    _record(claimed, report)


def _at_the_point(claimed: outbox.Claimed) -> bool:
    try:
        return outbox.passing_point(claimed.id, claimed.claim)
    except DoneButLost:
        return True  # committed, the database confirms it
    except HushdeskError as error:
        logger.warning("reply #%d not ended: %s", claimed.id, error)
        return False


def _record(claimed: outbox.Claimed, report: SendReport) -> None:
    try:
        conversation = outbox.accepted(claimed.id, claimed.claim)
    except DoneButLost:
        conversation = -1
    except HushdeskError as error:  # sent, not recorded: the row shows "may have been sent"
        report.failed.append(f"reply #{claimed.id} was sent but not recorded: {error}")
        return
    if conversation is not None:
        report.sent.append(conversation)
