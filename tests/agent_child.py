"""A child process for the several-agents test: one agent's stream of requests.

    python tests/agent_child.py DB AGENT SEED

Prints one line per request: `ok OP ID` or `refused OP ID`.
"""

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402

OPS = {"archive": models.archive, "unarchive": models.unarchive}


def main() -> None:
    db_path, agent, seed = sys.argv[1], sys.argv[2], int(sys.argv[3])
    models.open_database(db_path)
    rng = random.Random(seed)
    for _ in range(60):
        cid = rng.randint(1, 40)
        op = rng.choice(["archive", "unarchive", "delete", "delete"])
        try:
            if op == "delete":
                models.delete_conversations([cid], agent)
            else:
                OPS[op]([cid])
        except models.HushdeskError:
            print("refused", op, cid, flush=True)
        else:
            print("ok", op, cid, flush=True)
    models.sweep()
    print("finished", flush=True)


if __name__ == "__main__":
    main()
