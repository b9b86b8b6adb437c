"""Small builders shared by the tests."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from datetime import datetime

import models
from models import NewMessage


def conversation(
    channel: str = "Email",
    kind: str = "email",
    name: str = "Ada Lovelace",
    email: str = "ada@example.com",
    phone: str = "+1 (555) 014-2000",
    subject: str = "refund please",
    body: str = "my order never came",
    status: str = "open",
    held: bool = False,
    at: datetime | None = None,
    contact_id: int | None = None,
) -> int:
    if contact_id is None:
        contact_id = models.create_contact(name, email, phone)
    return models.create_conversation(
        channel,
        contact_id,
        subject,
        [NewMessage("customer", body, at)],
        status=status,
        created_at=at,
        held=held,
        kind=kind,
    )


def gated_search() -> type[models.ConversationSearch]:
    """A real search class whose count and id list wait until the test opens its gate.

    At scale a count or a list of every match takes that long; the gate lets a test
    look at the screen while that work is still under way.
    """
    gate = threading.Event()

    class Gated(models.ConversationSearch):
        def count(self) -> int:
            assert gate.wait(10)
            return super().count()

        def ids(self) -> list[int]:
            assert gate.wait(10)
            return super().ids()

    Gated.gate = gate  # type: ignore[attr-defined]
    return Gated


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    """Let the app finish what keys started: its workers, then one more frame.

    A worker replaced by a newer one of its group (a count asked for again after
    another agent's change) ends cancelled: that is the app working as meant.
    """
    from textual.worker import WorkerCancelled

    while True:
        try:
            await pilot.app.workers.wait_for_complete()
            break
        except WorkerCancelled:
            continue
    await pilot.pause()


def terminal_output(
    args: list[str],
    until: str,
    limit: float = 30,
    environment: dict[str, str] | None = None,
    size: tuple[int, int] = (120, 40),
) -> str:
    """What a program writes on a terminal of `size` (a pty) until `until` is among it; then
    the program is killed. Fails when it never comes."""
    import fcntl
    import os
    import select
    import struct
    import subprocess
    import termios
    import time

    main, child = os.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", **(environment or {})}
    process = subprocess.Popen(args, stdin=child, stdout=child, stderr=child, env=env)
    os.close(child)
    seen, deadline = b"", time.monotonic() + limit  # a bound on a failure, not a timing
    try:
        while until.encode() not in seen:
            assert time.monotonic() < deadline, f"never on the terminal: {until!r}"
            if select.select([main], [], [], 1)[0]:
                seen += os.read(main, 1 << 16)
    finally:
        process.kill()
        process.wait()
        os.close(main)
    return seen.decode("utf-8", "replace")


def in_new_python(statement: str) -> tuple[str, list[str]]:
    """Run `statement` in a new interpreter: what it printed, and every module it loaded."""
    code = (
        f"import sys\n{statement}\n"
        "loaded = sorted(sys.modules)\nimport json\nprint(json.dumps(loaded))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    *printed, modules = done.stdout.splitlines()
    return "\n".join(printed), json.loads(modules)


def roots(modules: list[str], *names: str) -> list[str]:
    """The modules of these packages (and the packages themselves)."""
    return [m for m in modules if m.split(".")[0] in names]
