"""Where the benchmark's databases live: files in a folder, or databases on a PostgreSQL server."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

Target = Path | str


class Files:
    """SQLite: one file per database in a temporary folder, removed at the end."""

    engine = "sqlite"

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="hushdesk-bench-")

    def new(self, name: str) -> Target:
        return Path(self._folder.name) / f"{name}.db"

    def remove(self, target: Target) -> None:
        Path(target).unlink(missing_ok=True)

    def warm(self, target: Target) -> None:
        """Read the file once, so the operating system's cache holds all of it."""
        with Path(target).open("rb") as file:
            while file.read(1 << 24):
                pass

    def baseline(self) -> ModuleType:
        import baseline

        return baseline

    def version(self) -> str:
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"

    def close(self) -> None:
        self._folder.cleanup()


class Server:
    """PostgreSQL: databases made on a server (a URL's, or a throwaway local cluster)."""

    engine = "postgresql"

    def __init__(self, url: str | None) -> None:
        self._cluster: Any = None
        if url is None:
            sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
            from tests import postgres

            folder = Path(tempfile.mkdtemp(prefix="hushdesk-bench-pg-"))
            self._cluster = postgres.start(folder, tuned=True)
            url = self._cluster.url("postgres")
        self._base = url.rsplit("/", 1)[0] if url.count("/") > 2 else url
        self._admin = url
        self._made: list[str] = []

    def new(self, name: str) -> Target:
        database = f"hushdesk_bench_{name}"
        self._sql(f"DROP DATABASE IF EXISTS {database}")
        self._sql(f"CREATE DATABASE {database}")
        self._made.append(database)
        return f"{self._base}/{database}"

    def remove(self, target: Target) -> None:
        database = str(target).rsplit("/", 1)[1]
        self._sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")

    def warm(self, target: Target) -> None:
        """Read the tables a deletion touches, so the server's caches hold them."""
        import psycopg

        with psycopg.connect(str(target), autocommit=True) as con:
            for table in ("conversation", "message", "search_document", "contact"):
                con.execute(f"SELECT count(*) FROM {table}").fetchone()

    def baseline(self) -> ModuleType:
        import baseline_pg

        return baseline_pg

    def version(self) -> str:
        import psycopg

        with psycopg.connect(self._admin, autocommit=True) as con:
            (text,) = con.execute("SHOW server_version").fetchone() or ("?",)
        return f"PostgreSQL {text} (psycopg {psycopg.__version__})"

    def _sql(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(self._admin, autocommit=True) as con:
            con.execute(statement)

    def close(self) -> None:
        for database in self._made:
            try:
                self._sql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            except Exception:  # noqa: BLE001 - the server may be gone already
                pass
        if self._cluster is not None:
            self._cluster.stop()
