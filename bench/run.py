"""hushdesk at help-desk scale: every action beside a plain-driver baseline, in one run.

    python bench/run.py                    # 1,000,000 conversations on SQLite
    python bench/run.py --quick            # 50,000
    python bench/run.py --conversations N
    python bench/run.py --engine postgresql [--url postgresql://user@host/db]

Prints one table and writes it to bench/RESULTS.md (RESULTS-postgresql.md). It
only reports: targets missed are marked, never failed on, since timings differ
between machines. The baseline is Python's plain sqlite3 on the same file, or
plain psycopg on the same PostgreSQL server. On PostgreSQL the benchmark makes
its own databases, on the server `--url` names (its role needs CREATEDB) or on
a throwaway local cluster, and drops them at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402
from models.demo import generate as demo  # noqa: E402
from models.store import engine  # noqa: E402
from models.store.clock import FixedClock, set_clock  # noqa: E402
from models.store.engines import sqlite as lite  # noqa: E402
from models.store.sql import Sql  # noqa: E402
from tui.app.widgets.conversation_list import PAGE  # noqa: E402  (rows the list fetches at a time)

sys.path.insert(0, str(Path(__file__).resolve().parent))
import places  # noqa: E402
from report import write_keeping_notes  # noqa: E402
from sqlrecord import replay, statements  # noqa: E402

PLACE: places.Files | places.Server  # where the databases are: set once, in main

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
QUERIES = [
    "ada",
    "lovelace",
    "name:grace",
    'name:"linus torvalds"',
    "email:example.org",
    "email:hopper1",
    "phone:555 01",
    "phone:(415)",
    "refund",
    '"tracking number"',
    '"number tracking"',
    "lovelace hopper",
    "refund order",
    "delete my data",
    "channel:sms",
    "channel:whatsapp refund",
    "older:90d",
    "newer:2w channel:chat",
    "is:archived older:1y",
    "is:held",
    "damaged -refund",
    "invoice OR pricing",
]


@dataclass
class Row:
    step: str
    measure: str
    median: float
    worst: float
    base: float | None
    unit: str
    target: str
    met: bool | None

    @classmethod
    def once(cls, step: str, measure: str, value: float, *rest: object) -> Row:
        """A measurement taken once: its median and its worst are the value."""
        return cls(step, measure, value, value, *rest)  # type: ignore[arg-type]

    @classmethod
    def seconds_within_2x(cls, step: str, measure: str, ours: float, base: float) -> Row:
        return cls.once(step, measure, ours, base, "s", "<= 2x", ours <= 2 * base)

    def cells(self) -> list[str]:
        ratio = f"{self.median / self.base:.2f}x" if self.base else "-"
        base = f"{self.base:,.4g}" if self.base is not None else "-"
        met = {True: "yes", False: "NO", None: "-"}[self.met]
        return [
            self.step,
            self.measure,
            f"{self.median:,.4g}",
            f"{self.worst:,.4g}",
            base,
            ratio,
            self.unit,
            self.target,
            met,
        ]


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def build(path: Path, conversations: int) -> float:
    models.open_database(path, create=True)
    start = time.perf_counter()
    models.generate_demo(conversations, seed=1)
    elapsed = time.perf_counter() - start
    models.close_database()
    return elapsed


def bench_generation(n: int) -> tuple[places.Target, Row]:
    path = PLACE.new("bench")
    ours = build(path, n)
    plain = PLACE.new("plain")
    models.open_database(plain, create=True)
    channels = demo.demo_channels()
    tables: dict[str, tuple[tuple[str, ...], list[tuple]]] = {}
    for table, columns, rows in demo.batches(n, 1, channels, 1, 1, NOW):
        tables.setdefault(table, (columns, []))[1].extend(rows)
    models.close_database()
    base = PLACE.baseline().insert_rows(plain, tables)
    PLACE.remove(plain)
    ours_rate, base_rate = n / ours, n / base
    row = Row.once(
        "1 generation",
        f"`hushdesk demo` at {n:,}",
        ours_rate,
        base_rate,
        "conv/s",
        ">= 0.5x baseline speed",
        ours_rate >= 0.5 * base_rate,
    )
    return path, row


async def _paint(path: Path) -> float:
    """Seconds from starting the app to the first frame that shows the list's rows."""
    from tui.app import make_app
    from tui.app.widgets.conversation_list import ConversationList

    models.open_database(path)
    start = time.perf_counter()
    app = make_app("bench")
    painted: list[float] = []
    display = app._display

    def record(screen: object, renderable: object) -> None:
        lists = app.screen.query(ConversationList)
        if not painted and lists and lists.first().total > 0:
            painted.append(time.perf_counter())
        display(screen, renderable)  # type: ignore[arg-type]

    app._display = record  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
    models.close_database()
    return painted[0] - start


def bench_paint(path: Path, small: Path, n: int) -> Row:
    big = [asyncio.run(_paint(path)) for _ in range(3)]
    base = [asyncio.run(_paint(small)) for _ in range(3)]
    med, ref = statistics.median(big), statistics.median(base)
    return Row(
        "2 first paint",
        f"inbox at {n:,} vs 1,000",
        med,
        max(big),
        ref,
        "s",
        "<= 1.5x",
        med <= 1.5 * ref,
    )


async def _keys(path: Path, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """Per key: seconds from the press to the first and to the last frame it caused.

    After a filter switch the first frame ("updated") shows the new list, the line
    above it, both panes and the footer; later frames ("settled") bring a new
    contact's extra attribute rows, the tabs' underline and the count from its
    thread. After a move the first frame shows the list, the panes follow.

    Animations are off: the tabs' sliding underline would otherwise add frames for
    300 ms after the screen already shows the new filter.
    """
    from tui.app import make_app

    models.open_database(path)
    app = make_app("bench")
    app.animation_level = "none"
    frames: list[float] = []
    display = app._display

    def record(screen: object, renderable: object) -> None:
        frames.append(time.perf_counter())
        display(screen, renderable)  # type: ignore[arg-type]

    app._display = record  # type: ignore[method-assign]
    times: dict[str, list[tuple[float, float]]] = {k: [] for k in ("end", "pagedown", "2", "1")}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(repeat):
            for key, reset in (("end", "home"), ("pagedown", "home"), ("2", None), ("1", None)):
                if reset:
                    await pilot.press(reset)
                    await pilot.pause()
                frames.clear()
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                end = time.perf_counter()
                first, last = (frames[0], frames[-1]) if frames else (end, end)
                times[key].append((first - start, last - start))
    models.close_database()
    return times


def bench_keys(path: Path, small: Path, n: int, repeat: int) -> list[Row]:
    big, base = asyncio.run(_keys(path, repeat)), asyncio.run(_keys(small, repeat))
    rows = []
    for key, times in big.items():
        for which, label in ((0, "updated"), (1, "settled")):
            ours = [t[which] * 1000 for t in times]
            ref = statistics.median(t[which] * 1000 for t in base[key])
            med = statistics.median(ours)
            target, met = ("< 100 ms", med < 100) if which == 0 else ("-", None)
            measure = f"`{key}` at {n:,}, {label} (base: 1,000)"
            rows.append(Row("3 keys", measure, med, max(ours), ref, "ms", target, met))
    return rows


def bench_search(path: Path, repeat: int) -> list[Row]:
    """Each query in the Archived filter, as an agent answering an erasure request runs it.

    The first page is what the agent waits for; the count follows in a thread.
    """
    models.open_database(path)
    plain = PLACE.baseline().connect(path)  # one warm connection, as hushdesk has
    rows = []
    for text in QUERIES:
        search = models.ConversationSearch(text, status="archived")
        total = search.count()
        ours = timed(partial(_first_page, text), repeat)  # a new search each time, as typed
        base = timed(partial(replay, plain, statements(partial(_first_page, text))), repeat)
        rows.append(_search_row(f"`{text}` first page ({total:,})", ours, base, 50))
        ours = timed(search.count, repeat)
        base = timed(partial(_fetch_all, plain, search._count_query()), repeat)
        rows.append(_search_row(f"`{text}` count, in a thread", ours, base, None))
    plain.close()
    models.close_database()
    return rows


def _first_page(text: str) -> None:
    models.ConversationSearch(text, status="archived").page(0, PAGE)


def _fetch_all(con: Any, query: Sql) -> None:
    con.execute(engine.backend().dialect.mark(query.text), query.params).fetchall()


def _search_row(measure: str, ours: list[float], base: list[float], under: int | None) -> Row:
    med, ref = statistics.median(ours) * 1000, statistics.median(base) * 1000
    return Row(
        "4 search",
        measure,
        med,
        max(ours) * 1000,
        ref,
        "ms",
        "<= 2x" + (f" and < {under} ms" if under else ""),
        med <= 2 * ref and (under is None or med < under),
    )


def deletable(status: str, limit: int) -> list[int]:
    search = models.ConversationSearch("", status=status)
    return [r.id for r in search.page(0, limit * 2) if not r.held][:limit]


def bench_delete(path: Path, count: int) -> Row:
    """Ours, then plain SQL on other ids, both from merged index shards and a warm file.

    A purge rewrites every shard it touches: whichever side ran first would
    otherwise also pay for merging a bulk load's segments, or for reading the
    shards back into the page cache, and the other would find it done.
    """
    models.open_database(path)
    if PLACE.engine == "sqlite":
        engine.backend().purge(range(lite.SHARDS))
    ids = deletable("archived", count * 2)
    PLACE.warm(path)
    ours = timed(lambda: models.delete_conversations(ids[:count], "bench"), 1)[0]
    models.close_database()
    PLACE.warm(path)
    base = PLACE.baseline().delete(path, ids[count:])
    return Row.seconds_within_2x("5 bulk delete", f"{count:,} archived conversations", ours, base)


@contextmanager
def transaction_timer(holds: list[float]):
    """Time every outermost write transaction (the span it holds the write lock)."""
    proxy = type(engine.db)
    original = proxy.atomic

    class Timed:
        def __init__(self, inner):
            self.inner = inner

        def __enter__(self):
            self.outer = engine.db.transaction_depth() == 0
            self.start = time.perf_counter()
            return self.inner.__enter__()

        def __exit__(self, *exc):
            result = self.inner.__exit__(*exc)
            if self.outer:
                holds.append(time.perf_counter() - self.start)
            return result

    proxy.atomic = lambda self, *a, **k: Timed(original(self, *a, **k))
    try:
        yield
    finally:
        proxy.atomic = original


def bench_sweep(path: Path, target: int) -> list[Row]:
    models.open_database(path)
    email = models.get_channel("Email")
    days = _days_for(email.name, target)
    models.set_assistant(email.name, days)
    due = models.due_search(email.name).count()
    holds: list[float] = []
    PLACE.warm(path)
    with transaction_timer(holds):
        ours = timed(lambda: models.sweep_channel(email.name), 1)[0]
    chat_days = _days_for("Chat", due)
    chat_ids = models.due_search("Chat", chat_days).ids()
    models.close_database()
    chunk = models.assistants.SWEEP_CHUNK
    PLACE.warm(path)
    base = PLACE.baseline().delete(path, chat_ids, chunk) * due / max(1, len(chat_ids))
    ordered = sorted(hold * 1000 for hold in holds)
    p99, longest = ordered[int(len(ordered) * 0.99)], ordered[-1]
    return [
        Row.seconds_within_2x(
            "6 sweep", f"{due:,} conversations (older than {days} days)", ours, base
        ),
        Row.once("6 sweep", "99th percentile write transaction", p99, None, "ms", "-", None),
        Row.once(
            "6 sweep",
            f"longest write transaction of {len(holds)}",
            longest,
            None,
            "ms",
            "< 100 ms",
            longest < 100,
        ),
    ]


def _days_for(channel: str, target: int) -> int:
    """The smallest number of days whose cutoff leaves at most `target` conversations due."""
    low, high = 1, 36_500
    while low < high:
        middle = (low + high) // 2
        if models.due_search(channel, middle).count() > target:
            low = middle + 1
        else:
            high = middle
    return low


def rss_child(path: str) -> None:
    """Child mode: open the inbox at the database, press End, print peak RSS in MB."""
    from tui.app import make_app

    async def run() -> None:
        models.open_database(path)
        app = make_app("bench")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("end", "pageup", "2", "1")
            await pilot.pause()

    asyncio.run(run())
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(peak / 1024)


def measure_rss(path: Path) -> float:
    done = subprocess.run(
        [sys.executable, __file__, "--rss", str(path)], capture_output=True, text=True, check=True
    )
    return float(done.stdout.strip().splitlines()[-1])


def bench_memory(path: Path, small: Path, n: int) -> Row:
    big, base = measure_rss(path), measure_rss(small)
    return Row.once(
        "7 memory",
        f"peak RSS, inbox open at {n:,} (base: 1,000)",
        big,
        base,
        "MB",
        "< 200 MB",
        big < 200,
    )


BASELINES = {
    "sqlite": "Python's plain sqlite3 on the same database file",
    "postgresql": "plain psycopg on the same server",
}


def write(rows: list[Row], n: int, seconds: float, out: Path, version: str) -> str:
    head = ["step", "measure", "median", "worst", "baseline", "ratio", "unit", "target", "met"]
    lines = [
        f"# hushdesk benchmark: {n:,} conversations",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d} with {os.cpu_count()} cores, {version}, in "
        f"{seconds:,.0f} s. Baselines are {BASELINES[PLACE.engine]} in the same run.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return write_keeping_notes(out, "\n".join(lines) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="50,000 conversations")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--url", help="PostgreSQL server to make the databases on (default: a throwaway cluster)"
    )
    parser.add_argument("--out", type=Path, help="default: bench/RESULTS[-quick|-postgresql].md")
    parser.add_argument("--rss", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rss:
        return rss_child(args.rss)
    n = 50_000 if args.quick else args.conversations
    set_clock(FixedClock(NOW))
    started = time.perf_counter()
    global PLACE
    PLACE = places.Server(args.url) if args.engine == "postgresql" else places.Files()
    try:
        version = PLACE.version()
        small = PLACE.new("small")
        build(small, 1000)
        path, generation = bench_generation(n)
        rows = [generation]
        for step in (
            lambda: [bench_paint(path, small, n)],
            lambda: bench_keys(path, small, n, args.repeat),
            lambda: [bench_memory(path, small, n)],
            lambda: bench_search(path, args.repeat),
            lambda: [bench_delete(path, min(10_000, n // 10))],
            lambda: bench_sweep(path, min(100_000, n // 10)),
        ):
            rows += step()
            print(
                f"... {rows[-1].step} done ({time.perf_counter() - started:,.0f} s)",
                file=sys.stderr,
                flush=True,
            )
    finally:
        PLACE.close()
    print(write(rows, n, time.perf_counter() - started, args.out or _results(args), version))


def _results(args: argparse.Namespace) -> Path:
    name = "RESULTS" + ("-quick" if args.quick else "")
    name += "-postgresql" if args.engine == "postgresql" else ""
    return Path(__file__).parent / f"{name}.md"


if __name__ == "__main__":
    main()
