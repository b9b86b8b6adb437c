"""`hushdesk api`: the HTTP API on the open database, and its webhook deliveries.

Every request is logged as one line: method, route template, status and time;
never a path's values, a query, a body or a token. Handlers run the operations
of `models` in a pool of worker threads, each keeping its own connection.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import signal
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

import models
from models.api import capacity, idempotency, tokens

from . import deliver
from .body import MAX_BODY, read_object
from .call import Call, Reply
from .guard import Connections
from .limits import RateLimits
from .openapi import document
from .problems import Problem, forbidden, from_error, invalid, respond, unauthorized
from .routes import PREFIX, ROUTES, Route
from .say import log

READ_WAIT = 30.0  # seconds a read may take before its answer is a 503
CHANGES = ("POST", "PUT", "DELETE")


@dataclass
class ApiSettings:
    rate: int = 600  # requests per token per minute
    connections: int = 32  # at once, per client address
    threads: int = 8
    deliver_every: float = 1.0  # seconds between looks at the outbox
    behind_proxy: bool = False
    client_wait: float = 10.0  # seconds a client has to send a request's headers, and its body
    limits: RateLimits = field(init=False)
    guard: Connections = field(init=False)

    def __post_init__(self) -> None:
        self.limits = RateLimits(self.rate, 60)
        most = 0 if self.behind_proxy else self.connections
        self.guard = Connections(most, self.client_wait)


def template(request: web.Request) -> str:
    """The route as declared (`/api/v1/contacts/{id}`): never the values in the path."""
    route = request.match_info.route
    return route.resource.canonical if route.resource is not None else "(no route)"


def _http_problem(error: web.HTTPException) -> Problem:
    kinds = {404: "not-found", 405: "method-not-allowed", 413: "too-large"}
    details = {
        404: "there is no such endpoint; see /api/v1/openapi.json",
        405: "this endpoint does not take that method",
        413: f"a request body is at most {MAX_BODY // 1024} KiB",
    }
    headers = {k: v for k, v in error.headers.items() if k.lower() == "allow"}
    detail = details.get(error.status, error.reason)
    return Problem(error.status, error.reason, detail, kinds.get(error.status, ""), headers)


@dataclass(frozen=True)
class Pools:
    """Worker threads: `reads` for reads, `writes` for changes (as many as the engine takes
    at once: one on SQLite, whose writers would otherwise sleep in turns on its lock)."""

    reads: ThreadPoolExecutor
    writes: ThreadPoolExecutor

    def shutdown(self) -> None:
        self.reads.shutdown(wait=True)
        self.writes.shutdown(wait=True)


def make_app(settings: ApiSettings, pool: Pools) -> web.Application:
    @web.middleware
    async def outermost(request: web.Request, handler: Any) -> web.StreamResponse:
        started, guard = time.perf_counter(), settings.guard.of(request.transport)
        if guard is not None:
            guard.begin()
        response: web.StreamResponse
        try:
            response = await handler(request)
        except Problem as problem:
            response = respond(problem)
        except models.DoneButLost as done:  # committed, though its connection was lost
            response = web.json_response({"done": True, "detail": str(done)[:500]})
        except models.HushdeskError as error:
            response = respond(from_error(error))
        except web.HTTPException as error:
            response = respond(_http_problem(error))
        except Exception as error:  # a bug: its kind in the log, nothing of it to the client
            log(f"unexpected {type(error).__name__} in {request.method} {template(request)}")
            response = respond(Problem(500, "Internal error", "the server failed; it is logged"))
        finally:
            if guard is not None:
                guard.end()
        ms = (time.perf_counter() - started) * 1000
        log(f"{request.method} {template(request)} {response.status} {ms:.1f}ms")
        return response

    app = web.Application(client_max_size=MAX_BODY, middlewares=[outermost])
    for route in ROUTES:
        app.router.add_route(route.method, PREFIX + route.path, _endpoint(route, settings, pool))
    spec = json.dumps(document(), indent=2)

    async def openapi(request: web.Request) -> web.Response:
        return web.Response(text=spec, content_type="application/json")

    app.router.add_get(PREFIX + "/openapi.json", openapi)
    return app


def _endpoint(route: Route, settings: ApiSettings, pools: Pools) -> Any:
    pool = pools.writes if route.method in CHANGES else pools.reads

    async def run(request: web.Request) -> web.StreamResponse:
        loop = asyncio.get_running_loop()
        # a change's token is read on the writer's thread too: no read of it then holds back
        # the WAL truncation a deletion ends with
        caller = await loop.run_in_executor(pool, tokens.authenticate, _bearer(request))
        if caller is None:
            raise unauthorized("the token is wrong or revoked")
        allowed, headers = settings.limits.take(caller.id)
        call = Call(request, caller, {}, pool)
        try:
            if not allowed:
                raise Problem(
                    429,
                    "Too many requests",
                    "this token's rate limit is spent; see Retry-After",
                    "rate-limited",
                    headers,
                )
            if route.scope not in caller.scopes:
                raise forbidden(route.scope)
            raw = await _raw(request, settings.client_wait)
            if route.method in CHANGES:  # once begun, a change runs to its end and is answered
                response = await _answer(route, request, call, raw)
            else:
                response = await _read(route, request, call, raw)
        except Problem as problem:
            problem.headers = {**headers, **problem.headers}
            raise
        except models.DoneButLost:
            raise
        except models.HushdeskError as error:
            raise _with(from_error(error, sent(request, call)), headers) from None
        response.headers.update(headers)
        return response

    return run


def sent(request: web.Request, call: Call | None) -> list[str]:
    """Every text of the request: the path's values, the query's, the body's strings."""
    texts = [*request.match_info.values(), *request.query.values()]
    stack: list[Any] = [call.body if call is not None else {}]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            texts.append(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return texts


def _with(problem: Problem, headers: dict[str, str]) -> Problem:
    problem.headers = {**headers, **problem.headers}
    return problem


def _bearer(request: web.Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("send the token as Authorization: Bearer TOKEN")
    return token.strip()


async def _raw(request: web.Request, wait: float) -> bytes:
    try:
        async with asyncio.timeout(wait):
            return await request.read()
    except TimeoutError:
        raise Problem(408, "Request timeout", f"the body took over {wait:g} s") from None


async def _read(route: Route, request: web.Request, call: Call, raw: bytes) -> web.Response:
    try:
        async with asyncio.timeout(READ_WAIT):
            return _json(await _reply(route, request, call, raw))
    except TimeoutError:
        detail = f"the answer took over {READ_WAIT:g} s; narrow the request or try again"
        raise Problem(503, "Timed out", detail, "timed-out") from None


async def _answer(route: Route, request: web.Request, call: Call, raw: bytes) -> web.Response:
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return _json(await _reply(route, request, call, raw))
    caller = call.caller
    asked = f"{request.method} {request.rel_url}\n{raw.decode('utf-8', 'surrogateescape')}"
    first = await call.run(idempotency.claim, caller.id, key, asked)
    if first is not None and first.body is not None:
        response = web.Response(
            status=first.status, text=first.body, content_type=_kind(first.status)
        )
        response.headers["Idempotent-Replayed"] = "true"
        return response
    try:
        reply = await _reply(route, request, call, raw)
    except (Problem, models.HushdeskError) as error:
        problem = error if isinstance(error, Problem) else from_error(error, sent(request, call))
        if problem.status >= 500 or first is not None:
            if first is None:
                await call.run(idempotency.release, caller.id, key)
            raise problem from None
        text = respond(problem).text or ""
        await call.run(idempotency.keep, caller.id, key, problem.status, text)
        raise problem from None
    except BaseException:
        if first is None:
            await call.run(idempotency.release, caller.id, key)
        raise
    if first is None:
        text = json.dumps(reply.body, ensure_ascii=False)
        await call.run(
            idempotency.keep,
            caller.id,
            key,
            reply.status,
            text if reply.keep else None,
            reply.contact,
        )
    return _json(reply)


def _kind(status: int) -> str:
    return "application/json" if status < 400 else "application/problem+json"


async def _reply(route: Route, request: web.Request, call: Call, raw: bytes) -> Reply:
    if route.body is not None:
        call.body = await read_object(request)
    elif raw.strip():
        raise invalid("this endpoint takes no body")
    reply = await route.handler(call)
    reply.status = route.status if reply.status == 200 else reply.status
    return reply


def _json(reply: Reply) -> web.Response:
    text = json.dumps(reply.body, ensure_ascii=False)
    return web.Response(
        status=reply.status, text=text, content_type="application/json", headers=reply.headers
    )


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def tls_context(cert: str | None, key: str | None) -> ssl.SSLContext | None:
    if not cert and not key:
        return None
    if not (cert and key):
        raise models.InvalidInput("give both --tls-cert and --tls-key")
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as error:
        raise models.InvalidInput(f"cannot load the TLS certificate or key: {error}") from None
    return context


async def serve(
    host: str, port: int, settings: ApiSettings, context: ssl.SSLContext | None
) -> None:
    """Listen until cancelled (SIGINT, SIGTERM), delivering webhooks meanwhile."""
    pool = Pools(
        ThreadPoolExecutor(settings.threads, thread_name_prefix="hushdesk-api-read"),
        ThreadPoolExecutor(capacity.writers(), thread_name_prefix="hushdesk-api-write"),
    )
    runner = web.AppRunner(
        make_app(settings, pool), access_log=None, keepalive_timeout=15, handler_cancellation=False
    )
    await runner.setup()
    loop = asyncio.get_running_loop()
    assert runner.server is not None
    server = await loop.create_server(
        settings.guard.wrap(runner.server), host, port, ssl=context, backlog=128
    )
    bound = server.sockets[0].getsockname()
    scheme = "https" if context else "http"
    log(f"hushdesk api listening on {scheme}://{host}:{bound[1]}{PREFIX}/")
    main = asyncio.current_task()
    if main is not None:
        loop.add_signal_handler(signal.SIGTERM, main.cancel)
    stop = asyncio.Event()
    sender = asyncio.create_task(deliver.loop(stop, settings.deliver_every, pool.writes))
    try:
        await asyncio.Future()  # until cancelled
    finally:
        stop.set()
        server.close()
        await runner.cleanup()
        await sender
        pool.shutdown()
        log("hushdesk api stopped")
