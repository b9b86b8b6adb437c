"""How long splitting an mbox takes when one line is very long: it must grow linearly.

A separator test that backtracked took 38 s on one crafted 160 KB line. Each
case here is an mbox of one message followed by a line built to make a
backtracking pattern try every position: a `From ` line of `1:11 ` repeated
(a time of day everywhere, no line end), a header line of one character, and
a body line of `From ` repeated. Prints the seconds for each size.

    .venv/bin/python -m bench.mbox_split [megabytes ...]   (default: 1 10 100)
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

from models.mail import mbox

HEAD = b"From ada@example.com Mon May  4 10:00:00 2026\nFrom: Ada <ada@example.com>\n\n"


def cases(size: int) -> dict[str, bytes]:
    return {
        "From line of times": HEAD + b"body\n\nFrom a " + b"1:11 " * (size // 5),
        "one header line": HEAD.replace(b"\n\n", b"\nX-Long: " + b"x" * size + b"\n\n"),
        "body of From words": HEAD + b"From " * (size // 5),
    }


def timed(split: Callable[[bytes], int], data: bytes) -> tuple[float, int]:
    start = time.perf_counter()
    count = split(data)
    return time.perf_counter() - start, count


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [1, 10, 100]
    print("megabytes  case                   seconds  messages")
    for megabytes in sizes:
        for name, data in cases(megabytes << 20).items():
            seconds, count = timed(lambda d: sum(1 for _ in mbox.split(d)), data)
            print(f"{megabytes:>9}  {name:<21}  {seconds:>7.3f}  {count:>8}")


if __name__ == "__main__":
    main(sys.argv[1:])
