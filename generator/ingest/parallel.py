"""The passes' work on one page (or one block) at a time, in forked processes: `each`.

A pass that looks at one page, or one block, at a time given what the whole book taught the
main process before (its metrics, its notes' numbering, its words) is a function of the item
and those facts. `each(function, items)` forks worker processes once the facts are learned: each
has the pages and the facts as they are (the kernel copies them, nothing is sent), takes the
items a chunk at a time from a counter it shares with the others (so a core another program
slows down takes fewer), and sends back what the function returned: plain values (the model's
dataclasses of strings and numbers), never the pages. The main process takes chunks too (one
process per core, not one more) and puts the results in the items' order: the same results, in
the same order, as one process gives (`jobs=1`, a short book, a process with threads).

A worker that dies (SIGKILL, the kernel short of memory) or whose function raises stops the run
with `Failed`, which the pipeline turns into `path: error: message`: the passes run before
anything is written, and the main process never does a worker's part again.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from generator.output import die_with_parent, fault

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 16    # items a process takes at a time
SHARE = 200   # items per process at least: fewer are not worth a fork of a book-sized process


class Failed(Exception):
    """A worker died or its function raised: the message says which and while doing what."""


def each(function: Callable[[T], R], items: Sequence[T], what: str, jobs: int | None = None) -> list[R]:
    """`[function(item) for item in items]`, shared among forked processes. `function` must
    change nothing the main process reads later (a worker's changes stay in the worker): all it
    does is in what it returns. `what`: the work, as an error message names it ("proofreading")."""
    chunks = [range(k, min(k + CHUNK, len(items))) for k in range(0, len(items), CHUNK)]
    jobs = min(jobs or cores(), len(items) // SHARE)
    if jobs < 2 or not can_fork():
        return [function(item) for item in items]
    counter = multiprocessing.get_context("fork").Value("i", 0)
    workers = [_Worker(function, items, chunks, counter) for _ in range(jobs - 1)]
    done: dict[int, list[R]] = {}
    try:
        while (k := take(counter)) < len(chunks):
            done[k] = [function(items[i]) for i in chunks[k]]
            for worker in workers:
                while worker.ready():
                    worker.collect(done)
        for worker in workers:
            while not worker.finished:
                worker.collect(done)
    finally:
        for worker in workers:
            worker.close()
    for worker in workers:
        if worker.failure:
            raise Failed(f"a worker process failed while {what}: {worker.failure}")
    if any(k not in done for k in range(len(chunks))):   # a worker that ended without a word: killed
        codes = [w.process.exitcode for w in workers if w.process.exitcode]
        how = f"killed by signal {-codes[0]}" if codes and codes[0] < 0 else "ended early"
        raise Failed(f"a worker process was {how} while {what}: nothing was written; run it again (a machine "
                     "short of memory kills its largest processes: free memory, or give --pages)")
    return [result for k in range(len(chunks)) for result in done[k]]


def take(counter: Any) -> int:
    """The next chunk's number, from the counter the processes share."""
    with counter.get_lock():
        k = counter.value
        counter.value = k + 1
    return int(k)


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """A forked child of a process with other threads may inherit a lock held forever (the
    preview has threads): then one process does all."""
    return "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1


def widen(connection: Connection) -> None:
    """A pipe that holds more (Linux: 1 MiB, not 64 KiB), so a worker seldom waits for the
    parent to take what it sent."""
    try:
        import fcntl  # noqa: PLC0415 - POSIX only

        fcntl.fcntl(connection.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
    except (ImportError, OSError):
        pass


def blocking_interrupts(start: Callable[[], None]) -> None:
    """`start()` a child with SIGINT blocked: Ctrl+C reaches the whole process group, and only
    the parent reports it (the child ignores it, see `ignore_interrupts`)."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        start()
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


def ignore_interrupts() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


class _Worker:
    def __init__(self, function: Callable[[Any], Any], items: Sequence[Any], chunks: list[range], counter: Any):
        context = multiprocessing.get_context("fork")
        self.connection, child = context.Pipe(duplex=False)
        widen(self.connection)
        self.finished = False
        self.failure = ""
        self.process = context.Process(target=_work, args=(child, function, items, chunks, counter, os.getpid()),
                                       daemon=True)
        blocking_interrupts(self.process.start)
        child.close()

    def ready(self) -> bool:
        return not self.finished and self.connection.poll()

    def collect(self, done: dict[int, list[Any]]) -> None:
        """A chunk's results into `done`; at the end, a failure or the worker's death: none."""
        try:
            k, results = self.connection.recv()
        except (EOFError, OSError):
            self.finished = True
            return
        if k is None:
            self.finished = True
            self.failure = results
        else:
            done[k] = results

    def close(self) -> None:
        if self.process.is_alive() and not self.finished:
            self.process.kill()
        self.process.join()
        self.connection.close()


def _work(connection: Connection, function: Callable[[Any], Any], items: Sequence[Any], chunks: list[range],
          counter: Any, parent: int) -> None:
    """The worker process: chunks taken from the counter until none is left."""
    ignore_interrupts()
    die_with_parent(parent)
    try:
        gc.disable()   # what it makes holds no cycles; it ends soon (see memory.no_collections)
        try:
            while (k := take(counter)) < len(chunks):
                fault("ingest-worker")   # the fault-injection tests' SIGKILL: a chunk taken, never sent
                connection.send((k, [function(items[i]) for i in chunks[k]]))
            connection.send((None, ""))
        except Exception as exc:  # noqa: BLE001 - any fault of a pass: told to the parent, which stops the run
            where = traceback.extract_tb(exc.__traceback__)[-1]
            connection.send((None, f"{type(exc).__name__}: {exc} (at {os.path.basename(where.filename)}:{where.lineno}; "
                                   "a fault of ingest: please report it)"))
    finally:
        connection.close()
        os._exit(0)   # nothing of the parent's (its exit handlers, its files) is run or closed here
