"""Every sub-command, declared once: the parser, the dispatcher and the help are built from
this table (its name, what runs it, its help line, its arguments, and how it uses the
database)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NamedTuple

from . import api
from . import arguments as a
from . import backups as b
from . import commands as c
from . import intake as i
from . import replies as m
from . import requests as r
from . import tracking as t

CREATES, OPENS, READS, NONE = "creates", "opens", "reads", "none"  # how it uses the database


class Command(NamedTuple):  # not a dataclass: importing dataclasses costs `search` 17 ms
    name: str
    run: Callable[[argparse.Namespace], int | None]
    help: str
    arguments: Callable[[argparse.ArgumentParser], None] = a.nothing
    database: str = OPENS  # CREATES a new one, OPENS an existing one, READS only, or NONE
    theme: bool = False  # it runs the app, in some way, and takes --theme


COMMANDS: tuple[Command, ...] = (
    Command("demo", c.cmd_demo, "fill the database with a demo help desk", a.demo, CREATES),
    Command(
        "import",
        c.cmd_import,
        "import a .jsonl file, an mbox file or a Maildir",
        a.import_,
        CREATES,
    ),
    Command("intake", i.cmd_intake, "add, list or remove mail sources", i.intake_arguments),
    Command(
        "fetch", i.cmd_fetch, "fetch new mail from every source once (for cron)", i.fetch_arguments
    ),
    Command("settings", c.cmd_settings, "show or change the help desk's settings", a.settings),
    Command(
        "search", c.cmd_search, "search conversations (newest activity first)", a.search, READS
    ),
    Command("archive", c.cmd_archive, "archive conversations", a.ids),
    Command("unarchive", c.cmd_unarchive, "move archived conversations back to Open", a.ids),
    Command("hold", c.cmd_hold, "put conversations on legal hold", a.ids),
    Command("release", c.cmd_release, "release conversations from legal hold", a.ids),
    Command("delete", c.cmd_delete, "delete archived conversations permanently", a.ids),
    Command(
        "forget", c.cmd_forget, "delete a contact's profile, keeping the conversations", a.contact
    ),
    Command("attr", c.cmd_attr, "list, set or delete a contact's attributes", a.attr),
    Command(
        "person",
        r.cmd_person,
        "everything held about a person, and where others name them",
        a.person,
    ),
    Command(
        "export", r.cmd_export, "an access request: everything about a person, as JSON", a.export
    ),
    Command("erase", r.cmd_erase, "an erasure request: delete a person everywhere", a.erase),
    Command(
        "request",
        t.cmd_request,
        "access and erasure requests against their legal clock",
        a.request,
    ),
    Command("redact", r.cmd_redact, "replace texts in one conversation with [redacted]", a.redact),
    Command("reply", m.cmd_reply, "answer an email conversation", m.reply_arguments),
    Command("send", m.cmd_send, "send the replies that are due (for cron)"),
    Command("outbox", m.cmd_outbox, "replies not yet sent, and retrying one", m.outbox_arguments),
    Command("assistant", c.cmd_assistant, "per-channel retention assistants", a.assistant),
    Command("sweep", c.cmd_sweep, "run every enabled assistant once (for cron)", a.sweep),
    Command("log", c.cmd_log, "the deletion log, newest first", a.log),
    Command("api", api.cmd_api, "serve the HTTP API", api.api_arguments),
    Command("token", api.cmd_token, "create, list or revoke API tokens", api.token_arguments),
    Command("webhook", api.cmd_webhook, "webhook subscriptions", api.webhook_arguments),
    Command(
        "verify-gone",
        b.cmd_verify_gone,
        "prove texts are in no byte of the database files, or unreadable in a backup",
        a.verify_gone,
        NONE,
    ),
    Command(
        "backup", b.cmd_backup, "back up the help desk, each record under its own key", a.backup
    ),
    Command(
        "restore",
        b.cmd_restore,
        "a new database from a backup, without what changed or went since",
        a.restore,
        NONE,
    ),
    Command("keys", b.cmd_keys, "export the backup keys under a passphrase", a.keys),
    Command(
        "demo-session",
        c.cmd_demo_session,
        "the app on a throwaway demo database, removed on exit (for ForceCommand)",
        a.demo_session,
        NONE,
        theme=True,
    ),
    Command(
        "ssh-demo",
        c.cmd_ssh_demo,
        "an SSH server giving each visitor a demo inbox",
        a.ssh_demo,
        NONE,
        theme=True,
    ),
    Command(
        "serve",
        c.cmd_serve,
        "the demo inbox in a browser, one database per session",
        a.serve,
        NONE,
        theme=True,
    ),
)
APP = Command("", c.cmd_app, "the app: the inbox", database=CREATES, theme=True)  # no sub-command
BY_NAME = {command.name: command for command in COMMANDS}


def command(name: str | None) -> Command:
    """The sub-command by its name; the app for none."""
    return BY_NAME[name] if name else APP
