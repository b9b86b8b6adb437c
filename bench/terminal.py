"""Timing a terminal program from the shell to a text on its screen, on a real pty."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time

ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")
SIZE = (40, 120)  # rows, columns


def time_to_marker(args: list[str], marker: str, quit_keys: bytes, limit: float = 60) -> float:
    """Seconds from starting `args` on a 120x40 terminal until `marker` is on it."""
    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", *SIZE, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    start = time.perf_counter()
    process = subprocess.Popen(
        args, stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
    )
    os.close(child)
    seen, wanted = b"", marker.encode()
    try:
        while wanted not in ESCAPES.sub(b"", seen):
            if time.perf_counter() - start > limit:
                raise TimeoutError(f"{args[0]} never showed {marker!r}")
            ready, _, _ = select.select([main], [], [], 0.5)
            if ready:
                seen += os.read(main, 1 << 16)
        elapsed = time.perf_counter() - start
        os.write(main, quit_keys)
        _end(process, main)
        return elapsed
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        os.close(main)


def _end(process: subprocess.Popen[bytes], main: int) -> None:
    """Let the program quit (reading what it writes meanwhile), else kill it."""
    deadline = time.perf_counter() + 5
    while process.poll() is None and time.perf_counter() < deadline:
        ready, _, _ = select.select([main], [], [], 0.1)
        if ready:
            try:
                os.read(main, 1 << 16)
            except OSError:
                break
