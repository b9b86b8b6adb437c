"""A child process for the crash tests: deletes or sweeps, printing a line per chunk.

python tests/crash_child.py DB delete|sweep
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402
from models import assistants  # noqa: E402


def main() -> None:
    db_path, mode = sys.argv[1], sys.argv[2]
    models.open_database(db_path)
    print("open", flush=True)
    if mode == "delete":
        ids = models.ConversationSearch("", status="archived").ids()
        if ids:
            models.delete_conversations(ids, "crash", progress=lambda d, t: print(d, flush=True))
    else:
        original = assistants.remove

        def remove(ids, progress=None):
            original(ids, progress)
            print(len(ids), flush=True)

        assistants.remove = remove
        models.sweep_channel("Chat", chunk=20)
    print("done", flush=True)


if __name__ == "__main__":
    main()
