"""The baseline of bench/api.py: a bare aiohttp server that runs the same SQL as hushdesk's
API for each benchmarked request, through plain sqlite3, with nothing around it.

    python bench/api_bare.py DB STATEMENTS.json PORT

STATEMENTS.json holds what hushdesk ran for each operation (recorded by
bench/api.py): `search` (replayed as it is), and `put` and `delete` (each
split into its transaction and the clean-up after it; the recorded contact id
and key are replaced by the request's own).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import connect  # noqa: E402

_local = threading.local()


def con(path: str) -> sqlite3.Connection:
    found = getattr(_local, "con", None)
    if found is None:
        found = _local.con = connect(Path(path))
    return found


def swap(params: list[Any], recorded: dict[str, Any], given: dict[str, Any]) -> list[Any]:
    table = {recorded[k]: given[k] for k in recorded}
    return [table.get(p, p) if isinstance(p, int | str) else p for p in params]


def run(path: str, plan: dict[str, Any], given: dict[str, Any]) -> Any:
    """The answer's data: the page's rows (a search), or a count."""
    c = con(path)
    if "transaction" not in plan:
        rows: list[Any] = []
        for sql, params in plan["statements"]:
            rows = c.execute(sql, params).fetchall()
        return rows
    c.execute("BEGIN IMMEDIATE")
    for sql, params in plan["transaction"]:
        c.execute(sql, swap(params, plan["recorded"], given)).fetchall()
    c.execute("COMMIT")
    for sql, params in plan["after"]:
        c.execute(sql, params).fetchall()
    return 1


def main() -> None:
    path, plans_file, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    plans = json.loads(Path(plans_file).read_text())
    pool = ThreadPoolExecutor(8)

    def handler(name: str) -> Any:
        async def answer(request: web.Request) -> web.Response:
            given = {
                "contact": int(request.match_info.get("id", 0)),
                "key": request.match_info.get("key", ""),
            }
            if request.can_read_body:
                await request.read()
            loop = asyncio.get_running_loop()
            rows = await loop.run_in_executor(pool, run, path, plans[name], given)
            return web.Response(text=json.dumps({"data": rows}), content_type="application/json")

        return answer

    app = web.Application()
    app.router.add_get("/api/v1/conversations", handler("search"))
    app.router.add_put("/api/v1/contacts/{id}/attributes/{key}", handler("put"))
    app.router.add_delete("/api/v1/contacts/{id}/attributes/{key}", handler("delete"))
    print("listening", flush=True)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main()
