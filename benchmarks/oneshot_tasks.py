"""Many tasks, each awaiting a oneshot receiver: the chapter's executor vs asyncio.

Run it from the repository root::

    python benchmarks/oneshot_tasks.py            # 100,000 tasks
    python benchmarks/oneshot_tasks.py --tasks 1000

Both sides do the same work in the same process: spawn N tasks that each
await one value, let every task run to its first await (N polls that return
Pending), fire all N senders in a loop (N wakes), and run every task to
completion (N more polls). The chapter's side uses :mod:`chapter2.oneshot`
and :class:`~chapter2.executor.Executor` with tracing off; asyncio's side
uses an ``asyncio.Future`` per task, its own oneshot. Times are the best of
a few runs, the two sides taking turns; peak memory is measured in separate
runs under ``tracemalloc`` (which slows everything down, so is never timed).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

# Runnable as a script from anywhere: make the repository importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from chapter2.executor import Executor
from chapter2.oneshot import Receiver, Sender, channel


async def wait_for(receiver: Receiver[int]) -> int:
    return await receiver


class FireAll:
    """A driver whose one turn sends a value on every channel, in a loop."""

    def __init__(self, senders: list[Sender[int]]) -> None:
        self.senders = senders

    def turn(self) -> bool:
        if not self.senders:
            return False
        for number, sender in enumerate(self.senders):
            sender.send(number)
        self.senders = []
        return True


def run_chapter2(tasks: int) -> int:
    senders: list[Sender[int]] = []
    executor = Executor(drivers=[FireAll(senders)], record=False)
    handles = []
    for _ in range(tasks):
        sender: Sender[int]
        receiver: Receiver[int]
        sender, receiver = channel("price")
        senders.append(sender)
        handles.append(executor.spawn(wait_for(receiver), name="waiter"))
    executor.run()
    assert executor.polls == 2 * tasks, executor.polls
    return sum(handle.result() for handle in handles)


async def wait_for_asyncio(future: asyncio.Future[int]) -> int:
    return await future


async def asyncio_main(tasks: int) -> int:
    loop = asyncio.get_running_loop()
    futures: list[asyncio.Future[int]] = [loop.create_future() for _ in range(tasks)]
    running = [loop.create_task(wait_for_asyncio(future)) for future in futures]
    await asyncio.sleep(0)  # every task runs up to its await
    for number, future in enumerate(futures):
        future.set_result(number)
    return sum([await task for task in running])


def run_asyncio(tasks: int) -> int:
    return asyncio.run(asyncio_main(tasks))


def best_times(
    runs: list[Callable[[int], int]], tasks: int, repeat: int
) -> list[float]:
    """The best wall time of each run, taking turns so that both see the
    same background load on a busy machine."""
    expected = tasks * (tasks - 1) // 2
    best = [float("inf")] * len(runs)
    for _ in range(repeat):
        for index, run in enumerate(runs):
            gc.collect()
            start = time.perf_counter()
            total = run(tasks)
            best[index] = min(best[index], time.perf_counter() - start)
            assert total == expected, f"{run.__name__}: {total} != {expected}"
    return best


def peak_memory(run: Callable[[int], int], tasks: int) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        run(tasks)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    if args.tasks < 1 or args.repeat < 1:
        parser.error("--tasks and --repeat must be at least 1")

    ours, theirs = best_times([run_chapter2, run_asyncio], args.tasks, args.repeat)
    ours_peak = peak_memory(run_chapter2, args.tasks)
    theirs_peak = peak_memory(run_asyncio, args.tasks)
    ratio = ours / theirs
    print(f"{args.tasks:,} tasks awaiting a oneshot value each (best of {args.repeat})")
    print(f"  chapter2 executor: {ours:7.3f} s   peak {ours_peak / 2**20:6.1f} MiB")
    print(f"  asyncio:           {theirs:7.3f} s   peak {theirs_peak / 2**20:6.1f} MiB")
    print(f"  ratio (chapter2 / asyncio): {ratio:.2f}x")
    return {
        "chapter2_seconds": ours,
        "asyncio_seconds": theirs,
        "ratio": ratio,
        "chapter2_peak_bytes": ours_peak,
        "asyncio_peak_bytes": theirs_peak,
    }


if __name__ == "__main__":
    main()
