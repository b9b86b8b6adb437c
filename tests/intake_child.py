"""A child process for the intake kill test: fetches in small batches and stops, frozen, inside
the second batch's transaction (its messages written, not yet committed), for the test to kill.

python tests/intake_child.py DB
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import models  # noqa: E402
from models import mail_import  # noqa: E402
from models.inflow import fetch  # noqa: E402


def main() -> None:
    models.open_database(sys.argv[1])
    fetch.BATCH = 4
    original, batches = mail_import.import_reading, []

    def import_reading(reading, ours):  # type: ignore[no-untyped-def]
        result = original(reading, ours)
        batches.append(result.messages)
        print(f"batch {len(batches)} written", flush=True)
        if len(batches) == 2:
            sys.stdin.readline()  # frozen inside the transaction until killed
        return result

    mail_import.import_reading = import_reading
    models.fetch()
    print("done", flush=True)


if __name__ == "__main__":
    main()
