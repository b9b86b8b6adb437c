"""What holds a demo session's process and input, on real processes: its memory and CPU
limits (the kernel's), its end (really killed), and its input budget (on a test clock)."""

import asyncio
import signal
import sys
import time

from tui.hosting import children
from tui.hosting.budget import MESSAGE_COST, Budget
from tui.hosting.children import Limits

GROW = "import sys; sys.stdin.readline(); grown = bytearray(768 << 20); print('grew')"
SPIN = "import sys; sys.stdin.readline()\nwhile True: pass"
DEAF = "import signal, sys; signal.signal(signal.SIGHUP, signal.SIG_IGN); print(1, flush=True)\n"
DEAF += "while True: pass"


async def python(code: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        code,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )


async def test_a_confined_process_cannot_grow_past_its_memory_and_a_free_one_can():
    held, free = await python(GROW), await python(GROW)
    children.confine(held.pid, Limits(512 << 20, 60))
    out, err = await asyncio.wait_for(held.communicate(b"go\n"), 30)
    assert b"grew" not in out and b"MemoryError" in err and held.returncode == 1
    out, _ = await asyncio.wait_for(free.communicate(b"go\n"), 30)
    assert b"grew" in out and free.returncode == 0


async def test_a_process_that_spins_past_its_cpu_time_is_killed():
    spinning = await python(SPIN)
    children.confine(spinning.pid, Limits(1 << 30, 1))
    assert spinning.stdin is not None
    spinning.stdin.write(b"go\n")
    code = await asyncio.wait_for(spinning.wait(), 30)
    assert code in (-signal.SIGKILL, -signal.SIGXCPU)


async def test_a_process_that_ignores_the_hang_up_is_killed_after_the_grace():
    deaf = await python(DEAF)
    assert deaf.stdout is not None
    await deaf.stdout.readline()  # it ignores SIGHUP from now on
    began = time.monotonic()
    await children.stop(deaf)
    took = time.monotonic() - began
    assert deaf.returncode == -signal.SIGKILL
    assert children.GRACE_SECONDS <= took < children.GRACE_SECONDS + 0.5


def test_limits_follow_the_session_time():
    assert Limits.for_session(30).cpu_seconds == 450  # a quarter of 30 minutes
    assert Limits.for_session(1).cpu_seconds == 60  # never less than a minute
    assert Limits.for_session(30).memory_bytes == 1 << 30


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_budget_charges_every_message_and_refills_at_its_rate():
    clock = Clock()
    budget = Budget(1000, 100, clock)
    assert budget.spend(1000 - MESSAGE_COST)  # the burst, exactly
    assert not budget.spend(0)  # an empty message costs too
    clock.now += 10  # ten seconds refill 1,000 bytes, never more than the burst
    assert budget.spend(500 - MESSAGE_COST) and budget.spend(500 - MESSAGE_COST - 32)
    clock.now += 1000
    assert budget.spend(1000 - MESSAGE_COST)  # refilled up to the burst, no further
    assert not budget.spend(1)


def test_a_clock_that_goes_back_refills_nothing():
    clock = Clock()
    budget = Budget(100, 100, clock)
    assert budget.spend(100 - MESSAGE_COST)
    clock.now -= 50
    assert not budget.spend(0)
