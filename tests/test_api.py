"""The HTTP API, driven through a real `hushdesk api` on 127.0.0.1 with a real HTTP client."""

from __future__ import annotations

import json
import socket

import aiohttp
import pytest

import models
from models.api import signing, webhooks

from . import api_server
from .api_server import Receiver, hushdesk, hushdesk_async, running, token
from .helpers import conversation

pytestmark = pytest.mark.both_engines
SECRET = "whsec_" + "dGhlLXRlc3RzLW93bi1zZWNyZXQtMTIzNDU2Nzg="
ALL = ("read", "attributes", "conversations", "requests", "admin")


def bearer(value: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {value}"}


async def call(
    method: str, url: str, key: str, body: object = None, **headers: str
) -> tuple[int, dict, dict]:
    async with aiohttp.ClientSession() as session:
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body))
        sent = {**bearer(key), **headers}
        if data is not None:
            sent.setdefault("Content-Type", "application/json")
        async with session.request(method, url, data=data, headers=sent) as answer:
            text = await answer.text()
            return answer.status, dict(answer.headers), json.loads(text) if text else {}


def standard_webhooks_signature(event_id: str, stamp: int, body: str) -> str:
    """The signature as a receiver computes it from the specification, without hushdesk."""
    import base64
    import hashlib
    import hmac

    key = base64.b64decode(SECRET.removeprefix("whsec_"))
    signed = f"{event_id}.{stamp}.{body}".encode()
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def gone(db, *texts: str) -> bool:
    """No byte of the database (SQLite), or no live row (PostgreSQL), holds any text."""
    report = models.verify(str(db), list(texts))
    return not report.traces


@pytest.fixture
def desk(db):
    """A contact with an attribute and an archived conversation."""
    cid = conversation(status="archived", subject="refund please")
    contact = models.get_conversation(cid).contact_id
    models.set_attribute(contact, "loyalty", "platinum-zebra-7731")
    models.close_database()  # the server is another process: it holds no lock of ours
    return contact, cid


async def test_tokens_and_scopes_401_403(db, desk):
    contact, _ = desk
    reader = token(db, "reader", "read")
    with running(db) as server:
        url = f"{server.base}/contacts/{contact}"
        assert (await call("GET", url, "nope"))[0] == 401
        status, headers, body = await call("GET", url, "")
        assert status == 401 and headers["Content-Type"].startswith("application/problem+json")
        assert set(body) == {"type", "title", "status", "detail"}
        status, headers, body = await call("GET", url, reader)
        assert status == 200 and body["attributes"][0]["key"] == "loyalty"
        assert "RateLimit" in headers and "RateLimit-Policy" in headers
        status, _, body = await call("DELETE", f"{url}/attributes/loyalty", reader)
        assert status == 403 and "attributes" in body["detail"]
        assert hushdesk(db, "token", "revoke", "reader").returncode == 0
        assert (await call("GET", url, reader))[0] == 401
    log = server.log()
    assert "GET /api/v1/contacts/{id} 200" in log
    assert reader not in log and f"/contacts/{contact}" not in log


async def test_an_attribute_in_and_out_leaves_no_trace_and_fires_a_signed_webhook(db, desk):
    contact, _ = desk
    key = token(db, "shop", *ALL)
    receiver = Receiver()
    await receiver.start()
    try:
        with running(db) as server:
            hook = {"url": receiver.url, "events": ["attribute.deleted"], "secret": SECRET}
            assert (await call("POST", f"{server.base}/webhooks", key, hook))[0] == 201
            url = f"{server.base}/contacts/{contact}/attributes/shoe-size"
            status, _, body = await call("PUT", url, key, {"value": "sapphire-otter-5512"})
            assert status == 200 and body["source"] == "api"
            status, _, body = await call("DELETE", url, key)
            assert status == 200 and body["gone"] is True
            headers, text = await receiver.next()
        assert gone(db, "sapphire-otter-5512")
        event = json.loads(text)
        assert event["type"] == "attribute.deleted" and event["data"]["contact"] == contact
        assert headers["webhook-id"] == event["id"]
        stamp = int(headers["webhook-timestamp"])
        assert signing.verify(SECRET, event["id"], stamp, text, headers["webhook-signature"])
        assert headers["webhook-signature"] == standard_webhooks_signature(
            event["id"], stamp, text
        )
        assert not signing.verify(
            SECRET, event["id"], stamp + 1, text, headers["webhook-signature"]
        )
        assert "shoe" not in text and "sapphire" not in text
    finally:
        await receiver.stop()


async def test_a_deletion_on_the_command_line_fires_its_webhook_too(db, desk, tmp_path):
    contact, cid = desk
    (tmp_path / "secret").write_text(SECRET)
    receiver = Receiver()
    await receiver.start()
    try:
        added = hushdesk(
            db,
            "webhook",
            "add",
            receiver.url,
            "--event",
            "conversation.deleted",
            "contact.deleted",
            "--secret-file",
            str(tmp_path / "secret"),
        )
        assert added.returncode == 0, added.stderr
        assert hushdesk(db, "delete", str(cid)).returncode == 0
        assert hushdesk(db, "forget", str(contact)).returncode == 0
        with running(db):
            first = json.loads((await receiver.next())[1])
            second = json.loads((await receiver.next())[1])
        assert first["type"] == "conversation.deleted" and first["data"]["conversations"] == [cid]
        assert second["type"] == "contact.deleted" and second["data"]["contact"] == contact
        listed = hushdesk(db, "webhook", "ls", "--json")
        assert json.loads(listed.stdout)["delivered"] == 2
    finally:
        await receiver.stop()


async def test_a_failed_delivery_is_kept_and_tried_again(db, desk):
    _, cid = desk
    receiver = Receiver(answers=[500, 200])
    await receiver.start()
    try:
        models.open_database(db)
        models_hook = webhooks.add_webhook(receiver.url, ["conversation.deleted"], SECRET)
        models.delete_conversations([cid], "sam")
        models.close_database()
        code, out, _ = await hushdesk_async(db, "webhook", "deliver")
        assert code == 0 and "Delivered 0; 1 waiting" in out
        assert json.loads((await receiver.next())[1])["data"]["conversations"] == [cid]
        listed = json.loads(hushdesk(db, "webhook", "ls", "--json").stdout)
        assert listed["id"] == models_hook and listed["last_error"] == "HTTP 500"
        assert listed["waiting"] == 1
    finally:
        await receiver.stop()


async def test_conversations_archive_hold_delete_and_409(db, desk):
    _, cid = desk
    key = token(db, "ops", "conversations", "read")
    with running(db) as server:
        conv = f"{server.base}/conversations/{cid}"
        assert (await call("POST", f"{conv}/hold", key))[2]["held"] is True
        status, _, body = await call("DELETE", conv, key)
        assert status == 409 and "legal hold" in body["detail"]
        assert (await call("POST", f"{conv}/release", key))[0] == 200
        assert (await call("POST", f"{conv}/unarchive", key))[2]["status"] == "open"
        assert (await call("DELETE", conv, key))[0] == 409
        assert (await call("POST", f"{conv}/archive", key))[0] == 200
        status, _, body = await call("DELETE", conv, key)
        assert status == 200 and body["deleted"] == 1
        assert (await call("GET", conv, key))[0] == 404


async def test_an_idempotency_key_does_it_once_and_answers_the_same(db, desk):
    contact, _ = desk
    key = token(db, "shop", "attributes", "read")
    with running(db) as server:
        url = f"{server.base}/contacts/{contact}/attributes/loyalty"
        first = await call("DELETE", url, key, **{"Idempotency-Key": "abc-1"})
        again = await call("DELETE", url, key, **{"Idempotency-Key": "abc-1"})
        assert first[0] == again[0] == 200 and first[2] == again[2]
        assert again[1].get("Idempotent-Replayed") == "true"
        other = await call("DELETE", url, key, **{"Idempotency-Key": "abc-2"})
        assert other[0] == 404  # a new key: really done again, and the attribute is gone
        reused = await call("PUT", url, key, {"value": "x"}, **{"Idempotency-Key": "abc-1"})
        assert reused[0] == 422
    models.open_database(db)
    assert [e.action for e in models.list_log()].count("delete attribute") == 1


async def test_rate_limit_429_with_retry_after(db, desk):
    contact, _ = desk
    key = token(db, "burst", "read")
    with running(db, "--rate", "3") as server:
        statuses = [
            (await call("GET", f"{server.base}/contacts/{contact}", key)) for _ in range(4)
        ]
    assert [s[0] for s in statuses] == [200, 200, 200, 429]
    assert int(statuses[-1][1]["Retry-After"]) >= 1
    assert statuses[-1][1]["RateLimit-Policy"] == '"default";q=3;w=60'


HOSTILE = [
    b'{"value": "a", "value": "b"}',
    b'{"value": ' + b"[" * 50 + b"]" * 50 + b"}",
    b'{"value": 1' + b"0" * 5000 + b"}",
    b'{"value": NaN}',
    b'{"value": "\xff\xfe"}',
    b'{"value": 12}',
    b'{"value": "x", "extra": 1}',
    b'{"value": "a\\u0000b"}',
    b"[]",
    b"not json",
    b"",
]


async def test_hostile_bodies_get_a_problem_and_change_nothing(db, desk):
    contact, _ = desk
    key = token(db, "shop", "attributes", "read")
    with running(db) as server:
        url = f"{server.base}/contacts/{contact}/attributes/shoe"
        for body in HOSTILE:
            status, headers, problem = await call("PUT", url, key, body)
            assert status in (400, 422), (body[:30], status, problem)
            assert headers["Content-Type"].startswith("application/problem+json")
        nul = f"{server.base}/contacts/{contact}/attributes/k%00"
        assert (await call("PUT", nul, key, {"value": "x"}))[0] == 422
        big = b'{"value": "' + b"x" * 70_000 + b'"}'
        assert (await call("PUT", url, key, big))[0] == 413
        assert (await call("PUT", url, key, b'{"value":"x"}', **{"Content-Type": "text/plain"}))[
            0
        ] == 415
        status, _, problem = await call("PUT", url, key, {"value": "x", "colour": "red"})
        assert status == 422 and "'colour'" in problem["detail"]
        for odd in ("0", "-1", "99999999999999999999999", "1.5", "..%2F..%2Fetc", "%00"):
            assert (await call("GET", f"{server.base}/contacts/{odd}", key))[0] == 404
        status, _, attributes = await call(
            "GET", f"{server.base}/contacts/{contact}/attributes", key
        )
    assert [a["key"] for a in attributes["data"]] == ["loyalty"]
    assert " 500 " not in server.log()


async def test_cursor_pages_and_the_search_language(db, desk):
    key = token(db, "reader", "read")
    models.open_database(db)
    for i in range(4):
        conversation(email=f"p{i}@example.org", subject=f"invoice {i}")
    models.close_database()
    with running(db) as server:
        status, _, page = await call("GET", f"{server.base}/conversations?q=invoice&limit=3", key)
        assert status == 200 and len(page["data"]) == 3
        host = server.base.split("/api/v1")[0]
        _, _, rest = await call("GET", host + page["next"], key)
        assert len(rest["data"]) == 1 and rest["next"] is None
        status, _, problem = await call("GET", f"{server.base}/conversations?limit=101", key)
        assert status == 422
        status, _, problem = await call("GET", f"{server.base}/conversations?q=is:open+OR+x", key)
        assert status == 422
        _, _, contacts = await call("GET", f"{server.base}/contacts?q=email:example.org", key)
        assert len(contacts["data"]) == 4


async def test_an_erasure_request_returns_its_receipt_and_holds_refuse(db, desk):
    contact, cid = desk
    key = token(db, "portal", "requests", "conversations")
    with running(db) as server:
        body = {"identifiers": ["ada@example.com"], "reference": "REQ-1"}
        await call("POST", f"{server.base}/conversations/{cid}/hold", key)
        status, _, problem = await call("POST", f"{server.base}/erasure-requests", key, body)
        assert status == 409 and "legal hold" in problem["detail"]
        await call("POST", f"{server.base}/conversations/{cid}/release", key)
        status, _, preview = await call(
            "POST", f"{server.base}/erasure-requests", key, {**body, "dry_run": True}
        )
        assert status == 200 and preview["counts"]["conversations"] == 1
        status, _, export = await call(
            "POST", f"{server.base}/access-requests", key, {"identifiers": ["ada@example.com"]}
        )
        assert status == 200 and export["format"] == "hushdesk-access-export/1"
        status, _, receipt = await call("POST", f"{server.base}/erasure-requests", key, body)
        assert status == 200 and receipt["reference"] == "REQ-1"
        assert receipt["counts"]["contacts"] == 1 and receipt["counts"]["attributes"] == 1
    assert gone(db, "platinum-zebra-7731", "ada@example.com")


@pytest.mark.sqlite_only
async def test_the_server_listens_beyond_loopback_only_with_tls_or_a_proxy(db):
    models.close_database()
    refused = hushdesk(db, "api", "--host", "0.0.0.0")
    assert refused.returncode == 1 and "--behind-proxy" in refused.stderr
    assert api_server.READY not in refused.stderr


def _closed(sock: socket.socket) -> bool:
    """True when the server closes the connection (within the socket's timeout)."""
    try:
        return sock.recv(1024) == b""
    except ConnectionResetError:
        return True


@pytest.mark.sqlite_only
async def test_slow_clients_and_connection_floods_are_cut_off(db):
    models.close_database()
    key = token(db, "reader", "read")
    with running(db, "--connections", "3", "--client-wait", "1") as server:
        port = int(server.base.split(":")[2].split("/")[0])
        slow = socket.create_connection(("127.0.0.1", port), timeout=15)
        slow.sendall(b"GET /api/v1/log HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        assert _closed(slow)
        held = [socket.create_connection(("127.0.0.1", port), timeout=15) for _ in range(3)]
        extra = socket.create_connection(("127.0.0.1", port), timeout=15)
        assert _closed(extra)
        for sock in (*held, extra, slow):
            sock.close()
        status = 0
        for _ in range(50):  # the server counts the closed connections as they go
            try:
                status = (await call("GET", f"{server.base}/log", key))[0]
            except aiohttp.ClientError:
                continue
            if status == 200:
                break
        assert status == 200


@pytest.mark.sqlite_only
async def test_the_server_speaks_https_with_a_certificate(db, tmp_path):
    import ssl
    import subprocess

    models.close_database()
    cert, private = tmp_path / "cert.pem", tmp_path / "key.pem"
    made = subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(private),
            "-out",
            str(cert),
        ],
        capture_output=True,
    )
    assert made.returncode == 0, made.stderr
    key = token(db, "reader", "read")
    trusted = ssl.create_default_context(cafile=str(cert))
    with running(db, "--tls-cert", str(cert), "--tls-key", str(private)) as server:
        url = server.base.replace("http://", "https://") + "/log/verify"
        async with aiohttp.ClientSession() as session:
            async with session.get(url, headers=bearer(key), ssl=trusted) as answer:
                assert answer.status == 200 and (await answer.json())["ok"] is True
    assert "listening on https://" in server.log()


async def test_a_refusal_never_echoes_what_was_sent(db, desk):
    key = token(db, "portal", "requests", "read")
    with running(db) as server:
        asked = {"identifiers": ["nobody.here@example.net"], "reference": "REQ-9"}
        status, _, problem = await call("POST", f"{server.base}/erasure-requests", key, asked)
        assert status == 404 and "nobody.here" not in json.dumps(problem)
        asked = {"identifiers": ["not an address @@"]}
        status, _, problem = await call("POST", f"{server.base}/access-requests", key, asked)
        assert status == 422 and "address @@" not in json.dumps(problem)
        status, _, problem = await call("GET", f"{server.base}/contacts?q=channel:sms", key)
        assert status == 422
    assert "nobody.here" not in server.log()


@pytest.mark.sqlite_only
def test_token_create_prints_it_once_and_no_byte_of_it_is_stored(db):
    models.close_database()
    made = hushdesk(db, "token", "create", "shop", "--scope", "read", "attributes")
    assert made.returncode == 0, made.stderr
    shown = made.stdout.splitlines()[-1]
    assert shown.startswith("hd_") and " " not in shown
    listed = hushdesk(db, "token", "ls")
    assert "shop" in listed.stdout and "attributes read" in listed.stdout
    assert shown not in listed.stdout
    assert gone(db, shown)  # only its hash is in the file
    refused = hushdesk(db, "token", "create", "x", "--scope", "everything")
    assert refused.returncode == 1 and "unknown scope" in refused.stderr
