"""A child process for the crash test of erasure: erases Zoe Quist, a line per step.

python tests/erase_child.py DB
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402


def main() -> None:
    models.open_database(sys.argv[1])
    print("open", flush=True)
    models.erase(
        ["zoe.quist@example.org"],
        "CRASH-1",
        "crash",
        progress=lambda step: print(step, flush=True),
    )
    print("done", flush=True)


if __name__ == "__main__":
    main()
