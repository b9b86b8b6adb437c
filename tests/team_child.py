"""One agent of the busy-team test: deletions one by one, each saying whether it is gone.

    python tests/team_child.py DB AGENT SEED|sweep

Prints `deleted ID` when a deletion's text is gone from every live row at once, `pending ID
WHY` when it said "not yet gone", `refused ID` when another agent got there first.
"""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402


def agent(seed: int, name: str) -> None:
    rng = random.Random(seed)
    for cid in rng.sample(range(1, 401), 100):
        try:
            models.archive([rng.randint(1, 400)])  # another agent's update: a dead row
            result = models.delete_conversations([cid], name)
        except models.HushdeskError:
            print("refused", cid, flush=True)
            continue
        said = "deleted" if result.cleanup.done else f"pending {result.cleanup.reason}"
        print(said, cid, flush=True)


def sweeper() -> None:
    for _ in range(20):
        for result in models.sweep():
            said = "deleted" if result.cleanup.done else f"pending {result.cleanup.reason}"
            print(said, "sweep", result.deleted, flush=True)


def main() -> None:
    db, name, how = sys.argv[1], sys.argv[2], sys.argv[3]
    models.open_database(db)
    if how == "sweep":
        sweeper()
    else:
        agent(int(how), name)


if __name__ == "__main__":
    main()
