"""The command line of the HTTP API: `api` (the server), `token` and `webhook`.

A token is printed once, on a line of its own, and never again: only its hash
is kept. A webhook's secret is read from a file, so it never appears in a
shell's history or in `ps`.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import models

from ..text import safe, when
from .checks import port, positive, seconds, value
from .output import table


# arguments --------------------------------------------------------------------------------
def api_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--host", type=value, default="127.0.0.1")
    p.add_argument("--port", type=port, default=8080)
    p.add_argument("--tls-cert", type=value, metavar="FILE", help="serve HTTPS with this chain")
    p.add_argument("--tls-key", type=value, metavar="FILE", help="...and this private key")
    p.add_argument(
        "--behind-proxy", action="store_true", help="a TLS-terminating proxy stands in front"
    )
    p.add_argument("--rate", type=positive, default=600, help="requests per token per minute")
    p.add_argument("--connections", type=positive, default=32, help="at once, per client address")
    p.add_argument("--threads", type=positive, default=8, help="worker threads for the database")
    p.add_argument(
        "--client-wait",
        type=seconds,
        default=10.0,
        metavar="SECONDS",
        help="for a request's headers, and for its body",
    )


def token_arguments(p: argparse.ArgumentParser) -> None:
    from models.api import (
        tokens,
    )  # here: a search, which builds only its own parser, never loads it

    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="a new token, printed once")
    create.add_argument("name", metavar="NAME", type=value)
    create.add_argument(
        "--scope",
        nargs="+",
        required=True,
        type=value,
        metavar="SCOPE",
        help=", ".join(tokens.SCOPES),
    )
    create.add_argument("--json", action="store_true")
    actions.add_parser("ls", help="names, scopes, creation and last use").add_argument(
        "--json", action="store_true"
    )
    revoke = actions.add_parser("revoke", help="end a token at once")
    revoke.add_argument("name", metavar="NAME", type=value)


def webhook_arguments(p: argparse.ArgumentParser) -> None:
    from models.api import outbox

    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="subscribe a URL to events")
    add.add_argument("url", metavar="URL", type=value)
    add.add_argument(
        "--event",
        nargs="+",
        required=True,
        type=value,
        metavar="EVENT",
        help=", ".join(outbox.EVENTS),
    )
    add.add_argument("--secret-file", required=True, type=value, metavar="FILE")
    actions.add_parser("ls", help="subscriptions, deliveries and failures").add_argument(
        "--json", action="store_true"
    )
    rm = actions.add_parser("rm", help="remove a subscription")
    rm.add_argument("id", metavar="ID", type=positive)
    actions.add_parser("deliver", help="send what is due once (without the API server)")


# commands ---------------------------------------------------------------------------------
def cmd_api(args: argparse.Namespace) -> int:
    import asyncio

    from .commands import _extra

    _extra("aiohttp", "web")

    from ..api.server import ApiSettings, loopback, serve, tls_context

    context = tls_context(args.tls_cert, args.tls_key)
    if not loopback(args.host) and context is None and not args.behind_proxy:
        raise models.InvalidInput(
            f"{args.host} is beyond this machine: give --tls-cert and --tls-key, or "
            "--behind-proxy when a TLS-terminating proxy stands in front"
        )
    settings = ApiSettings(
        args.rate,
        args.connections,
        args.threads,
        behind_proxy=args.behind_proxy,
        client_wait=args.client_wait,
    )
    try:
        asyncio.run(serve(args.host, args.port, settings, context))
    except OSError as error:
        raise models.InvalidInput(
            f"cannot listen on {args.host}:{args.port}: {error.strerror or error}"
        ) from None
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass  # SIGINT or SIGTERM: stopped cleanly
    return 0


def cmd_token(args: argparse.Namespace) -> None:
    from models.api import tokens

    if args.action == "create":
        made = tokens.create_token(args.name, args.scope)
        if args.json:
            print(json.dumps({"name": made.name, "token": made.token, "scopes": made.scopes}))
        else:
            print(f"Token {safe(made.name)} ({' '.join(made.scopes)}); it is shown only now:")
            print(made.token)
        return
    if args.action == "revoke":
        tokens.revoke_token(args.name)
        print(f"Revoked {safe(args.name)}: requests with it now get 401.")
        return
    rows = tokens.list_tokens()
    if args.json:
        for r in rows:
            print(
                json.dumps(
                    {
                        "name": r.name,
                        "scopes": r.scopes,
                        "created_at": _iso(r.created_at),
                        "last_used_at": _iso(r.last_used_at),
                        "revoked_at": _iso(r.revoked_at),
                    }
                )
            )
        return
    table(
        ("name", "scopes", "created", "last used", "revoked"),
        [
            (
                r.name,
                " ".join(r.scopes),
                when(r.created_at),
                when(r.last_used_at),
                when(r.revoked_at),
            )
            for r in rows
        ],
        (30, 40, 16, 16, 16),
    )


def _iso(value: object) -> str | None:
    from datetime import datetime

    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if isinstance(value, datetime) else None


def _secret(path: str) -> str:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = error.strerror if isinstance(error, OSError) else "not UTF-8 text"
        raise models.InvalidInput(f"cannot read the secret file {safe(path, 80)}: {why}") from None
    return text.strip()


def cmd_webhook(args: argparse.Namespace) -> int:
    from models.api import webhooks

    if args.action == "add":
        hook = webhooks.add_webhook(args.url, args.event, _secret(args.secret_file))
        print(f"Webhook #{hook}: {safe(args.url, 80)} gets {', '.join(sorted(set(args.event)))}.")
        return 0
    if args.action == "rm":
        webhooks.remove_webhook(args.id)
        print(f"Removed webhook #{args.id}.")
        return 0
    if args.action == "deliver":
        return _deliver()
    rows = webhooks.list_webhooks()
    if args.json:
        for r in rows:
            print(json.dumps(r.__dict__))
        return 0
    table(
        ("id", "url", "events", "delivered", "waiting", "failed", "last error"),
        [
            (r.id, r.url, " ".join(r.events), r.delivered, r.waiting, r.failed, r.last_error)
            for r in rows
        ],
        (6, 40, 40, 9, 7, 6, 40),
    )
    return 0


def _deliver() -> int:
    import asyncio

    import aiohttp

    from ..api.deliver import deliver_due

    async def once() -> int:
        async with aiohttp.ClientSession() as session:
            return await deliver_due(session)

    from models.api import webhooks

    sent = asyncio.run(once())
    waiting = sum(r.waiting for r in webhooks.list_webhooks())
    print(f"Delivered {sent:,}; {waiting:,} waiting for a later try.")
    return 0
