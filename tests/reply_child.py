"""A child process for the kill tests: sends what the outbox holds, at a given time.

python tests/reply_child.py DB ISO-TIME
"""

import json
import sys
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402
from models.store.clock import FixedClock, set_clock  # noqa: E402


def main() -> None:
    db_path, at = sys.argv[1], sys.argv[2]
    set_clock(FixedClock(datetime.fromisoformat(at)))
    models.open_database(db_path)
    print("open", flush=True)
    report = models.send_due()
    print(json.dumps({"sent": report.sent, "failed": report.failed}), flush=True)


if __name__ == "__main__":
    main()
