"""The HTTP API under load, beside a bare aiohttp handler running the same SQL, in one run.

    python bench/api.py                  # 1,000,000 conversations on SQLite
    python bench/api.py --quick          # 50,000
    python bench/api.py --conversations N

For `GET /conversations?q=refund`, an attribute PUT and an attribute DELETE,
with 1, 10 and 50 concurrent clients: requests a second and p50/p99 latency
of `hushdesk api` (a real server, in its own process, with its tokens, rate
limits, problem documents and webhook outbox), and of `bench/api_bare.py`
(aiohttp and plain sqlite3 replaying the statements hushdesk ran for the same
request, in the same run, on the same file). The client is this process
(aiohttp, one connection per client). Prints one table and writes it to
bench/RESULTS-api.md; it only reports.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp  # noqa: E402
from report import write_keeping_notes  # noqa: E402
from sqlrecord import statements  # noqa: E402

import models  # noqa: E402
from models.api import pages, tokens  # noqa: E402
from models.store import engine, outcome  # noqa: E402
from models.store.schema import ATTRIBUTE_COLUMNS, stamp  # noqa: E402

HERE = Path(__file__).resolve().parent
QUERY = "refund"
CLIENTS = (1, 10, 50)
REQUESTS = {1: 300, 10: 1500, 50: 2500}
WARM = 50
RECORDED_KEY = "bench-recorded-key"
RUN = secrets.token_hex(4)  # this run's attribute keys and token name


@dataclass
class Result:
    rps: float
    p50: float  # ms
    p99: float  # ms
    errors: int


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def build(path: Path, conversations: int) -> None:
    started = time.perf_counter()
    models.open_database(path, create=True)
    models.generate_demo(conversations, 7)
    print(f"built {conversations:,} conversations in {time.perf_counter() - started:.0f} s")


def record(contact: int) -> dict[str, Any]:
    """The statements hushdesk runs for each request, to replay them in the baseline."""
    search = statements(lambda: pages.conversations(QUERY, None, 50))
    put = statements(lambda: models.set_attribute(contact, RECORDED_KEY, "x" * 20, "api"))
    delete = statements(lambda: models.delete_attribute(contact, RECORDED_KEY, "api:bench"))
    ends = max(i for i, (sql, _) in enumerate(delete) if "request_done" in sql)
    recorded = {"contact": contact, "key": RECORDED_KEY}
    return {
        "search": {"statements": search},
        "put": {"transaction": put, "after": [], "recorded": recorded},
        "delete": {
            "transaction": delete[: ends + 1],
            "after": delete[ends + 1 :],
            "recorded": recorded,
        },
    }


def seed(contacts: int, per_server: int) -> dict[str, list[tuple[int, str]]]:
    """Attributes for the DELETE runs: each server deletes its own."""
    wanted: dict[str, list[tuple[int, str]]] = {}
    now = stamp(models.now())
    with outcome.transaction():
        for server in ("hushdesk", "bare"):
            pairs = [(1 + i % contacts, f"{server}-{RUN}-{i}") for i in range(per_server)]
            rows = [(cid, key, "to be deleted", "api", now) for cid, key in pairs]
            engine.insert_rows("attribute", ATTRIBUTE_COLUMNS, rows)
            wanted[server] = pairs
    return wanted


@contextmanager
def serving(command: list[str], ready: str) -> Iterator[None]:
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert ready in line, line
    drain = threading.Thread(target=process.stdout.read, daemon=True)  # its log, one line each
    drain.start()
    try:
        yield
    finally:
        process.terminate()
        process.wait(30)


async def load(
    requests: list[tuple[str, str, bytes | None]], clients: int, headers: dict[str, str]
) -> Result:
    latencies: list[float] = []
    errors = 0
    queue = iter(requests)
    connector = aiohttp.TCPConnector(limit=clients)
    async with aiohttp.ClientSession(connector=connector, headers=headers) as session:

        async def client() -> None:
            nonlocal errors
            for method, url, body in queue:
                started = time.perf_counter()
                async with session.request(method, url, data=body) as answer:
                    await answer.read()
                    errors += answer.status >= 300
                latencies.append((time.perf_counter() - started) * 1000)

        began = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        took = time.perf_counter() - began
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return Result(len(latencies) / took, statistics.median(latencies), p99, errors)


def scenario(
    name: str, base: str, n: int, pairs: list[tuple[int, str]]
) -> list[tuple[str, str, bytes | None]]:
    if name == "search":
        return [("GET", f"{base}/conversations?q={QUERY}&limit=50", None)] * n
    if name == "put":
        body = json.dumps({"value": "gold"}).encode()
        return [("PUT", f"{base}/contacts/{c}/attributes/plan", body) for c, _ in pairs[:n]]
    taken = [pairs.pop() for _ in range(n)]
    return [("DELETE", f"{base}/contacts/{c}/attributes/{k}", None) for c, k in taken]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--conversations", type=int)
    parser.add_argument("--db", type=Path, help="a database this benchmark built before")
    args = parser.parse_args()
    conversations = args.conversations or (50_000 if args.quick else 1_000_000)
    folder = Path(tempfile.mkdtemp(prefix="hushdesk-bench-api-"))
    path = args.db or folder / "api.db"
    if args.db is None:
        build(path, conversations)
    else:
        models.open_database(path)
        conversations = int(models.counts()["open"] + models.counts()["archived"])
    plans = record(contact=7)
    per_server = sum(REQUESTS.values()) + WARM * len(CLIENTS)
    contacts = min(engine.max_id("contact"), 100_000)
    pairs = seed(contacts, per_server)
    key = tokens.create_token(f"bench-{RUN}", ["read", "attributes"]).token
    models.close_database()
    (folder / "plans.json").write_text(json.dumps(plans))
    ours, bare = free_port(), free_port()
    hushdesk = [
        sys.executable,
        "-m",
        "tui",
        "--db",
        str(path),
        "api",
        "--port",
        str(ours),
        "--rate",
        "10000",
        "--connections",
        "500",
    ]
    baseline = [
        sys.executable,
        str(HERE / "api_bare.py"),
        str(path),
        str(folder / "plans.json"),
        str(bare),
    ]
    rows = []
    with serving(hushdesk, "listening"), serving(baseline, "listening"):
        for name in ("search", "put", "delete"):
            for clients in CLIENTS:
                measured = {}
                for who, port in (("hushdesk", ours), ("bare", bare)):
                    base = f"http://127.0.0.1:{port}/api/v1"
                    headers = {
                        "Authorization": f"Bearer {key}",
                        "Content-Type": "application/json",
                    }
                    asyncio.run(load(scenario(name, base, WARM, pairs[who]), clients, headers))
                    todo = scenario(name, base, REQUESTS[clients], pairs[who])
                    measured[who] = asyncio.run(load(todo, clients, headers))
                rows.append((name, clients, measured["hushdesk"], measured["bare"]))
                print(line(rows[-1]), flush=True)
    write(rows, conversations)


LABELS = {
    "search": f"GET /conversations?q={QUERY}",
    "put": "PUT attribute",
    "delete": "DELETE attribute",
}


def line(row: tuple[str, int, Result, Result]) -> str:
    name, clients, ours, bare = row
    ratio = ours.rps / bare.rps if bare.rps else 0.0
    marks = []
    if ratio < 0.7:
        marks.append("under 0.7x")
    if name != "search" and clients == 10 and ours.p99 >= 50:
        marks.append("p99 over 50 ms")
    if ours.errors or bare.errors:
        marks.append(f"errors {ours.errors}/{bare.errors}")
    return (
        f"| {LABELS[name]} | {clients} | {ours.rps:,.0f} | {ours.p50:.1f} | {ours.p99:.1f} | "
        f"{bare.rps:,.0f} | {bare.p50:.1f} | {bare.p99:.1f} | {ratio:.2f}x | {', '.join(marks)} |"
    )


def write(rows: list[tuple[str, int, Result, Result]], conversations: int) -> None:
    head = (
        "| request | clients | hushdesk req/s | p50 ms | p99 ms | bare req/s | p50 ms | p99 ms "
        "| throughput ratio | notes |\n" + "| --- " * 10 + "|"
    )
    table = "\n".join([head, *(line(r) for r in rows)])
    text = (
        f"# The HTTP API under load\n\n`python bench/api.py` at {conversations:,} conversations "
        "on SQLite, on a 2-core machine; the client runs on the same machine. Bare: aiohttp and "
        "plain sqlite3 replaying the statements hushdesk ran for the same request.\n\n"
        f"{table}\n"
    )
    target = HERE / ("RESULTS-api.md" if conversations >= 1_000_000 else "RESULTS-api-quick.md")
    write_keeping_notes(target, text)
    print(table)


if __name__ == "__main__":
    main()
