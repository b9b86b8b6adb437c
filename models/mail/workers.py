"""Reading batches of mail in worker processes that end with the import, whatever ends it.

Each worker is a fresh interpreter (`python -m models.mail.workers`), so no
database connection crosses a fork, and none of multiprocessing's machinery
is used: no resource tracker process is started, and nothing is left behind.
A worker reads pickled batches of raw mail on stdin and writes their
outcomes on stdout. It ends with its parent three ways, whatever kills the
parent (kill -9 included):

- on Linux it asks the kernel for SIGKILL when its parent dies (PR_SET_PDEATHSIG);
- a watchdog thread waits on a pipe only the parent holds open, and exits
  the process when the pipe closes (the parent is gone: its descriptors closed);
- stdin ends, or stdout breaks, when the parent is gone.

Ctrl-C reaches the whole process group: workers ignore it and the parent,
on its way out, kills them.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any, TypeVar

from ..store.errors import HushdeskError

PR_SET_PDEATHSIG = 1
FRAME = struct.Struct(">Q")
T = TypeVar("T")
R = TypeVar("R")
S = TypeVar("S")


class WorkerFailed(HushdeskError):
    """A worker process ended without answering (killed, or out of memory)."""


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(FRAME.pack(len(data)) + data)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    head = stream.read(FRAME.size)
    if len(head) < FRAME.size:
        raise EOFError
    size = FRAME.unpack(head)[0]
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class _Worker:
    """One worker process, its pipes, and the lifeline it watches."""

    def __init__(self, setup: tuple[object, ...]) -> None:
        watched, self._lifeline = os.pipe()
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "models.mail.workers", str(os.getpid()), str(watched)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                pass_fds=(watched,),
            )
        finally:
            os.close(watched)
        assert self.process.stdin is not None and self.process.stdout is not None
        self._in, self._out = self.process.stdin, self.process.stdout
        _send(self._in, setup)

    def run(self, job: object) -> Any:
        try:
            _send(self._in, job)
            return _receive(self._out)
        except (EOFError, BrokenPipeError, OSError):
            code = self.process.poll()
            raise WorkerFailed(
                f"a worker process reading the mail ended without answering (exit {code}); "
                "nothing was imported"
            ) from None

    def close(self) -> None:
        """End the process (it keeps nothing worth a goodbye) and its pipes."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        for stream in (self._in, self._out):
            try:
                stream.close()
            except OSError:
                pass
        os.close(self._lifeline)


def run_all(
    work: Callable[[T], R],
    jobs: Sequence[T],
    workers: int,
    start: Callable[[S], None],
    setup: S,
) -> Iterator[R]:
    """`work(job)` for each job in worker processes, the results in the jobs' order.

    `work` and `start` must be importable by name; each worker calls
    `start(setup)` before its first job.
    """
    started: list[_Worker] = []
    idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()

    def one(job: T) -> R:
        worker = idle.get()
        try:
            result: R = worker.run(job)
            return result
        finally:
            idle.put(worker)

    threads = ThreadPoolExecutor(workers, thread_name_prefix="mail-worker")
    try:
        for _ in range(workers):
            started.append(_Worker((work, start, setup)))
            idle.put(started[-1])
        yield from threads.map(one, jobs)
    finally:
        threads.shutdown(wait=False, cancel_futures=True)
        for worker in started:
            worker.close()


def _die_with_parent(parent: int, lifeline: int) -> None:
    """Arrange for this process to end as soon as the parent does."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # the parent died before the request was made
        os._exit(1)

    def watch() -> None:
        try:
            os.read(lifeline, 1)  # returns (empty) when the parent's end closes
        finally:
            os._exit(1)

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def serve(parent: int, lifeline: int) -> None:
    """A worker's life: set up, then answer jobs until stdin ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent(parent, lifeline)
    source, sink = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but answers may reach the pipe
    try:
        work, start, setup = _receive(source)
        start(setup)
        while True:
            _send(sink, work(_receive(source)))
    except (EOFError, BrokenPipeError):
        pass


if __name__ == "__main__":
    serve(int(sys.argv[1]), int(sys.argv[2]))
