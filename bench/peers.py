"""hushdesk against the mail tools a terminal user already has, on the same help-desk Maildir.

    python bench/peers.py                  # 100,000 messages (and a 1,000,000-conversation inbox)
    python bench/peers.py --quick          # 10,000 messages (CI: it only reports)

Generates a Maildir of support threads (`mailgen`), then times whole commands,
each side in the same run:

- take in the mail: `notmuch new` against `hushdesk import`;
- open and show the newest mail: neomutt with a warm header cache against the
  hushdesk app, from the shell to the first rows on a terminal (a pty);
- one search from the shell: `notmuch search` against `hushdesk search --json`,
  and against the floor: the same SQL statements run by a plain Python script;
- at a million conversations, selecting 200,000-odd matches (`*`) and asking to
  delete them (`d`) in the real app: how long the screen goes unanswered.

notmuch and neomutt are Debian packages (apt-get install notmuch neomutt); a
missing one is skipped and said, never failed on. Writes bench/RESULTS-peers.md
(RESULTS-peers-quick.md with --quick).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mailgen import SUPPORT, Corpus, make_maildir  # noqa: E402
from report import write_keeping_notes  # noqa: E402
from sqlrecord import statements  # noqa: E402
from stall import measure as measure_stall  # noqa: E402
from terminal import time_to_marker  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
HUSHDESK = str(Path(sys.executable).parent / "hushdesk")
FLOOR = """import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1])
with open(sys.argv[2]) as recorded:
    for sql, params in json.load(recorded):
        rows = con.execute(sql, params).fetchall()
for row in rows:
    print(json.dumps(row))
"""
SELECT_QUERY = "channel:email"  # in Archived: about 230,000 of the million
NOW = datetime(2026, 11, 1, 12, tzinfo=UTC)


@dataclass
class Row:
    measure: str
    ours: float | None
    peer: float | None
    peer_name: str
    unit: str
    target: str
    met: bool | None
    note: str = ""

    def cells(self) -> list[str]:
        ours = f"{self.ours:,.3g}" if self.ours is not None else "-"
        peer = f"{self.peer:,.3g}" if self.peer is not None else self.note or "-"
        ratio = "-"
        if self.ours and self.peer:
            better = self.ours / self.peer if self.unit == "msg/s" else self.peer / self.ours
            ratio = f"{better:.2f}x"
        met = {True: "yes", False: "NO", None: "-"}[self.met]
        return [
            self.measure,
            ours,
            f"{self.peer_name}: {peer}" if self.peer_name != "-" else "-",
            ratio,
            self.unit,
            self.target,
            met,
        ]


def whole(args: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds for a whole command, from start to exit; it must succeed."""
    start = time.perf_counter()
    subprocess.run(args, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


# take in the mail -----------------------------------------------------------------------------
def notmuch_env(work: Path, mail: Path) -> dict[str, str]:
    config = work / "notmuch-config"
    config.write_text(f"[database]\npath={mail}\n[new]\ntags=\n[search]\nexclude_tags=\n")
    return {**os.environ, "NOTMUCH_CONFIG": str(config)}


def bench_import(work: Path, corpus: Corpus) -> tuple[list[Row], Path]:
    db = work / "hushdesk.db"
    ours = whole([HUSHDESK, "--db", str(db), "import", str(corpus.folder), "--ours", SUPPORT])
    peer = None
    if shutil.which("notmuch"):
        peer = whole(["notmuch", "new", "--quiet"], notmuch_env(work, corpus.folder))
    rate, peer_rate = corpus.messages / ours, (corpus.messages / peer if peer else None)
    row = Row(
        f"take in {corpus.messages:,} messages (whole command)",
        rate,
        peer_rate,
        "notmuch new",
        "msg/s",
        ">= 2x notmuch",
        None if peer_rate is None else rate >= 2 * peer_rate,
        "" if peer else "notmuch not installed",
    )
    return [row], db


# open and show the newest mail ----------------------------------------------------------------
def hushdesk_open(db: Path, marker: str) -> float:
    return time_to_marker([HUSHDESK, "--db", str(db)], marker, b"\x11")


def neomutt_open(work: Path, mail: Path) -> float:
    rc = work / "muttrc"
    cache = work / "neomutt-cache"
    cache.mkdir(exist_ok=True)
    rc.write_text(
        f"set header_cache={cache}/\nset mbox_type=Maildir\nset folder={mail.parent}\n"
        f"set spoolfile={mail}\nset sort=date\nset mail_check_stats=no\n"
    )
    args = ["neomutt", "-n", "-F", str(rc), "-f", str(mail)]
    time_to_marker(args, "Msgs:", b"q")  # the first open fills the header cache
    return statistics.median(time_to_marker(args, "Msgs:", b"q") for _ in range(3))


def bench_open(
    work: Path, corpus: Corpus, db: Path, big: Path | None, big_marker: str
) -> list[Row]:
    marker = corpus.newest_name[:10]
    ours = statistics.median(hushdesk_open(db, marker) for _ in range(3))
    peer = neomutt_open(work, corpus.folder) if shutil.which("neomutt") else None
    rows = [
        Row(
            f"open, newest rows on screen: {corpus.threads:,} conversations",
            ours,
            peer,
            "neomutt, warm header cache",
            "s",
            "<= 0.25 s and >= 6x neomutt",
            ours <= 0.25 and (peer is None or peer >= 6 * ours),
            "" if peer else "neomutt not installed",
        )
    ]
    if big is not None:
        at_big = statistics.median(hushdesk_open(big, big_marker) for _ in range(3))
        rows.append(
            Row(
                "open, newest rows on screen: 1,000,000 conversations",
                at_big,
                peer,
                "neomutt (the Maildir above)",
                "s",
                "<= 0.25 s",
                at_big <= 0.25,
            )
        )
    return rows


# one search from the shell --------------------------------------------------------------------
SEARCH_RUNS = 21  # each a tenth of a second: many, taken in turn, so noise moves no median


def bench_search(work: Path, corpus: Corpus, db: Path) -> list[Row]:
    query = f"email:{corpus.search_email} {corpus.search_word}"
    commands = {
        "ours": [HUSHDESK, "--db", str(db), "search", "--json", query],
        "floor": _floor_command(work, db, query),
        "python": [sys.executable, "-c", "pass"],
    }
    env = {name: None for name in commands}
    if shutil.which("notmuch"):
        peer = ["notmuch", "search", f"from:{corpus.search_email}", corpus.search_word]
        commands["notmuch"], env["notmuch"] = peer, notmuch_env(work, corpus.folder)
    took = medians_in_turn(commands, env, SEARCH_RUNS)
    ours, peer = took["ours"], took.get("notmuch")
    measure = f"search `{query}` (whole command)"
    return [
        Row(measure, ours, took["python"], "Python's own start, python -c pass", "s", "-", None),
        Row(
            measure,
            ours,
            took["floor"],
            "its SQL from python + sqlite3",
            "s",
            "< 0.1 s",
            ours < 0.1,
        ),
        Row(
            measure,
            ours,
            peer,
            "notmuch search",
            "s",
            "within 3x notmuch",
            None if peer is None else ours <= 3 * peer,
            "" if peer else "notmuch not installed",
        ),
    ]


def medians_in_turn(
    commands: dict[str, list[str]], env: dict[str, dict[str, str] | None], runs: int
) -> dict[str, float]:
    """Each command's median time, the commands run in turn (one of each, then again)."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for name, args in commands.items():
        whole(args, env[name])  # warm: the first run reads the files into the cache
    for _ in range(runs):
        for name, args in commands.items():
            times[name].append(whole(args, env[name]))
    return {name: statistics.median(found) for name, found in times.items()}


def _floor_command(work: Path, db: Path, query: str) -> list[str]:
    """Python running the statements hushdesk's search runs, with nothing but sqlite3."""
    import models

    models.open_database(db)
    try:
        recorded = statements(lambda: models.ConversationSearch(query).page(0, 100))
    finally:
        models.close_database()
    (work / "statements.json").write_text(json.dumps(recorded))
    (work / "floor.py").write_text(FLOOR)
    return [sys.executable, str(work / "floor.py"), str(db), str(work / "statements.json")]


# select every match and ask to delete them -----------------------------------------------------
def bench_stall(big: Path) -> list[Row]:
    found = measure_stall(big, SELECT_QUERY)
    at = f"{found.matches:,} archived matches"
    return [
        Row(f"`*` selects {at}", found.select_s, None, "-", "s", "-", None),
        Row(
            "...the longest the app did not answer meanwhile",
            found.select_gap_s,
            None,
            "-",
            "s",
            "never frozen (< 0.25 s)",
            found.select_gap_s < 0.25,
        ),
        Row(f"`d` shows the summary of {at}", found.summary_s, None, "-", "s", "-", None),
        Row(
            "...the longest the app did not answer meanwhile",
            found.summary_gap_s,
            None,
            "-",
            "s",
            "never frozen (< 0.25 s)",
            found.summary_gap_s < 0.25,
        ),
    ]


def big_inbox(work: Path) -> tuple[Path, str]:
    """A 1,000,000-conversation demo help desk, and the name on its newest row."""
    db = work / "million.db"
    subprocess.run(
        [HUSHDESK, "--db", str(db), "demo", "--conversations", "1000000"],
        check=True,
        capture_output=True,
    )
    done = subprocess.run(
        [HUSHDESK, "--db", str(db), "search", "--json", "--limit", "1", "is:open"],
        check=True,
        capture_output=True,
        text=True,
    )
    return db, json.loads(done.stdout.splitlines()[0])["contact"][:10]


def compile_bytecode() -> None:
    """Write hushdesk's bytecode, as installing it does (pip compiles every module).

    Python writes it on first import too, unless told not to (PYTHONDONTWRITEBYTECODE,
    a read-only folder); a whole-command timing must not be of compiling the source.
    """
    root = Path(__file__).resolve().parent.parent
    folders = [str(root / name) for name in ("models", "tui")]
    subprocess.run([sys.executable, "-m", "compileall", "-q", *folders], check=True)


def write(rows: list[Row], corpus: Corpus, seconds: float, out: Path) -> str:
    head = ["measure", "hushdesk", "peer", "ratio (ours better > 1)", "unit", "target", "met"]
    versions = ", ".join(_version(tool) for tool in ("notmuch", "neomutt"))
    lines = [
        f"# hushdesk against notmuch and neomutt: {corpus.messages:,} messages",
        "",
        f"Run on {datetime.now(UTC):%Y-%m-%d} with {os.cpu_count()} cores ({versions}), in "
        f"{seconds:,.0f} s, on one generated help-desk Maildir ({corpus.threads:,} threads). "
        "Every time is a whole command from the shell; both sides ran in this run.",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    lines += ["| " + " | ".join(row.cells()) + " |" for row in rows]
    return write_keeping_notes(out, "\n".join(lines) + "\n")


def _version(tool: str) -> str:
    if not shutil.which(tool):
        return f"{tool}: not installed"
    done = subprocess.run([tool, "--version"], capture_output=True, text=True)
    first = (done.stdout or done.stderr).strip().splitlines()
    return first[0] if first else tool


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--quick", action="store_true", help="10,000 messages, no million")
    args = parser.parse_args()
    n = 10_000 if args.quick else args.messages
    started = time.perf_counter()
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="hushdesk-peers-") as folder:
        work = Path(folder)
        corpus = make_maildir(work / "mail", n, now=NOW)
        print(f"... {n:,} messages written", file=sys.stderr, flush=True)
        rows, db = bench_import(work, corpus)
        print("... imports done", file=sys.stderr, flush=True)
        big, marker = (None, "") if args.quick else big_inbox(work)
        rows += bench_open(work, corpus, db, big, marker)
        rows += bench_search(work, corpus, db)
        if big is not None:
            rows += bench_stall(big)
    name = "RESULTS-peers-quick.md" if args.quick else "RESULTS-peers.md"
    print(write(rows, corpus, time.perf_counter() - started, Path(__file__).parent / name))


if __name__ == "__main__":
    main()
