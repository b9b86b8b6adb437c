"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl in a temporary folder.

The server binaries come from the machine (Debian's postgresql package puts them in
/usr/lib/postgresql/<version>/bin). initdb refuses to run as root, so as root the
cluster belongs to the `postgres` user and runs through runuser. Each test gets
its own database, copied from a migrated template in a few milliseconds.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

REQUIRE = "HUSHDESK_REQUIRE_POSTGRES"  # CI sets it: a missing server is then an error
HOW = "install PostgreSQL's server (apt-get install postgresql) to run these tests"


def bindir() -> Path | None:
    """The newest PostgreSQL server binaries on this machine, if any."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=_version)
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version(path: Path) -> float:
    try:
        return float(path.parent.parent.name)
    except ValueError:
        return 0.0


def _as_owner(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Cluster:
    folder: Path
    port: int
    bin: Path
    names: itertools.count = itertools.count(1)  # type: ignore[type-arg]

    @property
    def base(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}"

    def url(self, database: str) -> str:
        return f"{self.base}/{database}"

    def sql(self, statement: str, database: str = "postgres") -> None:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as connection:
            connection.execute(statement)

    def new_database(self, template: str = "template0") -> str:
        name = f"t{next(self.names)}"
        self.sql(f"CREATE DATABASE {name} TEMPLATE {template}")
        return self.url(name)

    def restart(self) -> None:
        """Restart the server (every connection is cut), and wait until it takes new ones."""
        data, log = str(self.folder / "data"), str(self.folder / "server.log")
        _run([str(self.bin / "pg_ctl"), "-D", data, "-l", log, "-m", "fast", "-w", "restart"])

    def stop(self) -> None:
        subprocess.run(
            _as_owner(
                [
                    str(self.bin / "pg_ctl"),
                    "-D",
                    str(self.folder / "data"),
                    "-m",
                    "immediate",
                    "stop",
                ]
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


# A server sized for a million conversations (the benchmark's): the defaults are for a laptop.
TUNED = "-c shared_buffers=1GB -c maintenance_work_mem=512MB -c max_wal_size=8GB -c work_mem=32MB"


def start(folder: Path, tuned: bool = False) -> Cluster:
    """initdb and start a cluster listening on 127.0.0.1 only; raises when it cannot."""
    found = bindir()
    if found is None:
        raise FileNotFoundError(f"no PostgreSQL server binaries: {HOW}")
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    _run(
        [
            str(found / "initdb"),
            "-D",
            str(data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        ]
    )
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    if tuned:
        options += " " + TUNED
    else:
        # No background ANALYZE: its snapshot can keep deleted rows from VACUUM, and a
        # deletion then says, rightly, that it is pending. A test that asserts nothing is
        # owed failed once in CI, most likely so. Older snapshots are tested on purpose.
        options += " -c autovacuum=off"
    _run(
        [
            str(found / "pg_ctl"),
            "-D",
            str(data),
            "-o",
            options,
            "-l",
            str(folder / "server.log"),
            "-w",
            "start",
        ]
    )
    return Cluster(folder, port, found)


def _run(args: list[str]) -> None:
    done = subprocess.run(_as_owner(args), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip()[-300:]}")
