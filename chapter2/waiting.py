"""The problem with waiting: serve clients that wait, three ways, and compute.

Each demo serves ``clients`` requests that each wait ``latency`` seconds (a
database query, a network reply) and reports what happened as a :class:`Run`:

* :func:`serve_blocking`: one thread serves every client in turn;
* :func:`serve_threads`: one thread per client;
* :func:`serve_async`: one task per client, all on one thread, driven by the
  chapter's :class:`~chapter2.executor.Executor`;
* :func:`serve_asyncio`: the same with Python's own ``asyncio`` (real time
  only);
* :func:`crunch_serial` and :func:`crunch_async`: jobs that need the CPU
  instead of waiting, one after another or as interleaved tasks.

Every demo takes a ``clock``. By default it is a
:class:`~chapter2.clock.VirtualClock`, so the results are exact. Given a
:class:`~chapter2.clock.RealClock`, the same code sleeps, starts threads and
burns CPU for real; ``python -m chapter2 waiting`` does that.

Examples:
    >>> from chapter2.waiting import serve_async, serve_blocking
    >>> print(serve_blocking(clients=10, latency=0.1))
    blocking: 10 clients in 1 s on 1 thread (at most 1 waiting at once, CPU 0 s)
    >>> print(serve_async(clients=10, latency=0.1))
    async: 10 clients in 0.1 s on 1 thread (at most 10 waiting at once, CPU 0 s)
"""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from chapter2.clock import Clock, RealClock, VirtualClock, to_ns
from chapter2.executor import Executor
from chapter2.future import FutureBase
from chapter2.task import Context, Pending, Poll, Ready

Handler = Callable[[Clock, float, float], Coroutine[Any, Any, None]]


@dataclass(frozen=True)
class Run:
    """What one demo measured.

    ``elapsed`` and ``cpu`` are seconds of wall-clock and CPU time;
    ``threads`` is how many threads served the clients; ``peak_waiting`` is
    the largest number of waits in progress at the same moment.
    """

    strategy: str
    clients: int
    elapsed: float
    cpu: float
    threads: int
    peak_waiting: int

    def __str__(self) -> str:
        threads = "1 thread" if self.threads == 1 else f"{self.threads} threads"
        return (
            f"{self.strategy}: {self.clients} clients in {self.elapsed:g} s "
            f"on {threads} (at most {self.peak_waiting} waiting at once, "
            f"CPU {self.cpu:g} s)"
        )


def timed(
    strategy: str, clients: int, clock: Clock, body: Callable[[], object]
) -> Run:
    """Run ``body`` and report what ``clock`` saw while it ran."""
    start, cpu_start = clock.now(), clock.cpu_time()
    body()
    return Run(
        strategy,
        clients,
        elapsed=round(clock.now() - start, 9),
        cpu=round(clock.cpu_time() - cpu_start, 9),
        threads=clock.threads_used(),
        peak_waiting=clock.peak_waiting,
    )


def check(clients: int, *durations: float) -> None:
    """Refuse bad input with a clear error, before anything runs."""
    if isinstance(clients, bool) or not isinstance(clients, int) or clients < 1:
        raise ValueError(
            f"clients must be a whole number >= 1, got {clients!r}"
        )
    for seconds in durations:
        to_ns(seconds)


# --8<-- [start:c1]
def block_and_measure(seconds: float) -> tuple[float, float]:
    """Block this thread for ``seconds`` with ``time.sleep`` (as
    ``std::thread::sleep`` does) on the real clock; return the wall time
    that passed and the CPU time this thread used meanwhile (see "A blocked
    thread does nothing useful" in The problem with waiting).
    """
    to_ns(seconds)  # refuse a negative or non-numeric duration
    collecting = gc.isenabled()
    gc.disable()  # a collection here would be CPU time the sleep did not use
    try:
        wall, cpu = time.perf_counter(), time.thread_time()
        time.sleep(seconds)
        return time.perf_counter() - wall, time.thread_time() - cpu
    finally:
        if collecting:
            gc.enable()


# --8<-- [end:c1]


# --8<-- [start:blocking]
def handle_blocking(clock: Clock, latency: float, work: float = 0.0) -> None:
    """One client's request on a thread: compute a little, then wait,
    blocking the thread (``std::thread::sleep``, a blocking read).
    """
    clock.work(work)
    clock.block(latency)


def serve_blocking(
    clients: int,
    latency: float,
    *,
    work: float = 0.0,
    clock: Clock | None = None,
) -> Run:
    """One thread serves the clients one after another (see "One thread,
    clients in turn" in The problem with waiting)."""
    check(clients, latency, work)
    clock = clock or VirtualClock()

    def one_thread() -> None:
        for _ in range(clients):
            handle_blocking(clock, latency, work)

    return timed(
        "blocking", clients, clock, lambda: clock.run_threads([one_thread])
    )


# --8<-- [end:blocking]


# --8<-- [start:threads]
def serve_threads(
    clients: int,
    latency: float,
    *,
    work: float = 0.0,
    clock: Clock | None = None,
) -> Run:
    """One thread per client, each blocking through its own wait (see "A
    thread per client" in The problem with waiting)."""
    check(clients, latency, work)
    clock = clock or VirtualClock()
    one_client = partial(handle_blocking, clock, latency, work)
    threads = [one_client] * clients
    return timed("threads", clients, clock, lambda: clock.run_threads(threads))


# --8<-- [end:threads]


# --8<-- [start:async]
async def handle(clock: Clock, latency: float, work: float = 0.0) -> None:
    """One client's request as a task: compute a little, then wait without
    blocking (``sleep(latency).await``), handing the thread back.
    """
    clock.work(work)
    await clock.sleep(latency)


def serve_async(
    clients: int,
    latency: float,
    *,
    work: float = 0.0,
    clock: Clock | None = None,
    handler: Handler = handle,
) -> Run:
    """One task per client, every task on this one thread (see "Async: many
    waits, one thread" in The problem with waiting)."""
    check(clients, latency, work)
    clock = clock or VirtualClock()
    executor = Executor(drivers=[clock], record=False)
    for number in range(clients):
        executor.spawn(handler(clock, latency, work), name=f"client {number}")
    return timed("async", clients, clock, executor.run)


# --8<-- [end:async]


def serve_asyncio(clients: int, latency: float) -> Run:
    """:func:`serve_async` on Python's own runtime: ``asyncio.sleep`` under
    ``asyncio.run``.

    Real time only: ``asyncio``'s event loop reads the machine's clock.
    """
    check(clients, latency)
    clock = RealClock()  # only reads the time; asyncio's loop does the waiting
    threads: set[int] = set()
    waiting = peak_waiting = 0

    async def one_client() -> None:
        nonlocal waiting, peak_waiting
        threads.add(threading.get_ident())
        waiting += 1
        peak_waiting = max(peak_waiting, waiting)
        await asyncio.sleep(latency)
        waiting -= 1

    async def all_clients() -> None:
        await asyncio.gather(*(one_client() for _ in range(clients)))

    run = timed("asyncio", clients, clock, lambda: asyncio.run(all_clients()))
    return Run(
        run.strategy, clients, run.elapsed, run.cpu, len(threads), peak_waiting
    )


# --8<-- [start:yield_now]
class YieldNow(FutureBase[None]):
    """Models ``tokio::task::yield_now``: ``Pending`` once, then ``Ready``.

    The model wakes its own task at once, before returning ``Pending``, so
    the task goes to the back of the run queue, behind every task already
    in it. Tokio defers that wake instead, until its scheduler next checks
    its drivers (timers, I/O), which it does when it runs out of tasks to
    run and now and then between them. Tokio promises no order; it may
    poll the yielding task again at once.
    """

    def __init__(self) -> None:
        self.yielded = False

    def poll(self, cx: Context) -> Poll[None]:
        if self.yielded:
            return Ready(None)
        self.yielded = True
        cx.waker().wake(by="yield_now")
        return Pending()


# --8<-- [end:yield_now]


# --8<-- [start:crunch]
def crunch_serial(jobs: int, work: float, *, clock: Clock | None = None) -> Run:
    """CPU-bound jobs run one after another, without async (see "CPU-bound work
    gets no faster" in The problem with waiting)."""
    check(jobs, work)
    clock = clock or VirtualClock()

    def one_after_another() -> None:
        for _ in range(jobs):
            clock.work(work)

    return timed("cpu-serial", jobs, clock, one_after_another)


async def crunch(clock: Clock, work: float, slices: int) -> None:
    """A CPU-bound job as a task: compute in slices, yielding in between."""
    for _ in range(slices):
        clock.work(work / slices)
        await YieldNow()  # let the other tasks take their turn


def crunch_async(
    jobs: int, work: float, *, slices: int = 4, clock: Clock | None = None
) -> Run:
    """The jobs of :func:`crunch_serial` as tasks, taking turns on one
    thread (see "CPU-bound work gets no
    faster" in The problem with waiting)."""
    check(jobs, work)
    if isinstance(slices, bool) or not isinstance(slices, int) or slices < 1:
        raise ValueError(f"slices must be a whole number >= 1, got {slices!r}")
    clock = clock or VirtualClock()
    executor = Executor(drivers=[clock], record=False)
    for number in range(jobs):
        executor.spawn(crunch(clock, work, slices), name=f"job {number}")
    return timed("cpu-async", jobs, clock, executor.run)


# --8<-- [end:crunch]


def compare(clients: int, latency: float, *, work: float = 0.0) -> list[Run]:
    """The three ways to serve waiting clients, on fresh virtual clocks."""
    return [
        serve_blocking(clients, latency, work=work),
        serve_threads(clients, latency, work=work),
        serve_async(clients, latency, work=work),
    ]


RUN_HEADINGS = (
    "strategy",
    "clients",
    "elapsed",
    "CPU",
    "threads",
    "peak waiting",
)


def format_runs(runs: Iterable[Run]) -> str:
    """Runs as an aligned table, numbers right-aligned."""
    rows = [
        (
            run.strategy,
            str(run.clients),
            f"{run.elapsed:g} s",
            f"{run.cpu:g} s",
            str(run.threads),
            str(run.peak_waiting),
        )
        for run in runs
    ]
    return format_table(RUN_HEADINGS, rows)


def format_table(headings: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An aligned text table: the first column left-aligned, the rest right."""
    table = [tuple(headings), *(tuple(row) for row in rows)]
    if any(len(row) != len(headings) for row in table):
        raise ValueError(f"every row needs {len(headings)} cells: {headings}")
    widths = [max(len(row[i]) for row in table) for i in range(len(headings))]
    lines = []
    for row in table:
        cells = [row[0].ljust(widths[0])]
        cells += [
            cell.rjust(width)
            for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)
