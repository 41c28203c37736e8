"""The waiting page's demos on the virtual clock (exact) and the real one.

Real-clock tests assert only what cannot depend on the machine's speed:
lower bounds (a sleep of 0.1 s takes at least 0.1 s), counts, and that a
sleeping thread uses almost no CPU. Upper bounds on time are benchmarks.
"""

from __future__ import annotations

import gc

import pytest

from chapter2.clock import Clock, RealClock, VirtualClock
from chapter2.executor import Executor
from chapter2.waiting import (
    Run,
    block_and_measure,
    compare,
    crunch,
    crunch_async,
    crunch_serial,
    format_runs,
    format_table,
    handle,
    serve_async,
    serve_asyncio,
    serve_blocking,
    serve_threads,
)

SIZES = [(1, 0.1), (3, 0.25), (10, 0.1), (40, 0.05)]


@pytest.mark.parametrize(("clients", "latency"), SIZES)
def test_c2_one_blocking_thread_takes_clients_times_latency(
    clients: int, latency: float
) -> None:
    run = serve_blocking(clients, latency)
    assert run.elapsed == round(clients * latency, 9)
    assert (run.threads, run.peak_waiting, run.cpu) == (1, 1, 0.0)


@pytest.mark.parametrize(("clients", "latency"), SIZES)
def test_c3_thread_per_client_takes_latency_with_clients_threads(
    clients: int, latency: float
) -> None:
    run = serve_threads(clients, latency)
    assert run.elapsed == latency
    assert (run.threads, run.peak_waiting, run.cpu) == (clients, clients, 0.0)


@pytest.mark.parametrize(("clients", "latency"), SIZES)
def test_c4_async_takes_latency_on_one_thread(clients: int, latency: float) -> None:
    run = serve_async(clients, latency)
    assert run.elapsed == latency
    assert (run.threads, run.peak_waiting, run.cpu) == (1, clients, 0.0)


@pytest.mark.parametrize(("jobs", "work"), SIZES)
def test_c5_cpu_bound_jobs_take_as_long_as_tasks(jobs: int, work: float) -> None:
    serial, concurrent = crunch_serial(jobs, work), crunch_async(jobs, work)
    assert serial.elapsed == concurrent.elapsed == round(jobs * work, 9)
    assert serial.cpu == concurrent.cpu == serial.elapsed
    assert serial.threads == concurrent.threads == 1


def test_the_waits_overlap_but_the_computing_does_not() -> None:
    blocking, threads, tasks = compare(100, 0.1, work=0.002)
    assert blocking.elapsed == 10.2  # 100 x (0.002 + 0.1)
    assert threads.elapsed == tasks.elapsed == 0.3  # 100 x 0.002 + 0.1
    assert blocking.cpu == threads.cpu == tasks.cpu == pytest.approx(0.2)


def test_blocking_inside_a_task_serialises_the_tasks() -> None:
    async def handle_blocking(clock: Clock, latency: float, work: float) -> None:
        clock.block(latency)  # std::thread::sleep inside an async fn

    run = serve_async(10, 0.1, handler=handle_blocking)
    assert (run.elapsed, run.threads, run.peak_waiting) == (1.0, 1, 1)


def test_cpu_bound_tasks_take_turns() -> None:
    clock = VirtualClock()
    executor = Executor(drivers=[clock])
    for name in ("a", "b"):
        executor.spawn(crunch(clock, 0.2, slices=2), name=name)
    executor.run()
    # Each poll runs one slice and yields; the third poll finishes the job.
    assert [r.task for r in executor.trace] == ["a", "b", "a", "b", "a", "b"]
    assert {r.woken_by for r in executor.trace[2:]} == {"yield_now"}
    assert clock.now() == 0.4


def test_async_trace_shows_every_task_woken_by_its_timer() -> None:
    clock = VirtualClock()
    executor = Executor(drivers=[clock])
    for number in range(3):
        executor.spawn(handle(clock, 0.1), name=f"client {number}")
    executor.run()
    assert [(r.task, r.woken_by, r.result) for r in executor.trace] == [
        ("client 0", "spawn", "Pending"),
        ("client 1", "spawn", "Pending"),
        ("client 2", "spawn", "Pending"),
        ("client 0", "timer", "Ready(None)"),
        ("client 1", "timer", "Ready(None)"),
        ("client 2", "timer", "Ready(None)"),
    ]


@pytest.mark.parametrize("clients", [0, -1, 1.5, True, "3"])
def test_bad_client_counts_are_refused(clients: object) -> None:
    for demo in (serve_blocking, serve_threads, serve_async, crunch_serial):
        with pytest.raises(ValueError, match="whole number >= 1, got"):
            demo(clients, 0.1)  # type: ignore[operator]


def test_bad_latency_is_refused_before_anything_runs() -> None:
    with pytest.raises(ValueError, match="finite and >= 0 seconds, got -1"):
        serve_blocking(3, -1)
    with pytest.raises(ValueError, match="got nan"):
        serve_async(3, float("nan"))


def test_run_prints_cleanly() -> None:
    run = Run("threads", 10, elapsed=0.1, cpu=0.0, threads=10, peak_waiting=10)
    assert str(run) == (
        "threads: 10 clients in 0.1 s on 10 threads (at most 10 waiting at once, "
        "CPU 0 s)"
    )
    assert "1 thread " in str(serve_blocking(2, 0.5))


def test_format_runs_aligns_columns() -> None:
    assert format_runs(compare(10, 0.1)).splitlines() == [
        "strategy  clients  elapsed  CPU  threads  peak waiting",
        "blocking       10      1 s  0 s        1             1",
        "threads        10    0.1 s  0 s       10            10",
        "async          10    0.1 s  0 s        1            10",
    ]


def test_format_table_refuses_ragged_rows() -> None:
    with pytest.raises(ValueError, match="every row needs 2 cells"):
        format_table(("a", "b"), [("1",)])


# Real clock: what holds on any machine.


def test_c1_the_measurement_refuses_a_bad_duration() -> None:
    with pytest.raises(ValueError, match="finite and >= 0"):
        block_and_measure(-1)
    wall, _cpu = block_and_measure(0.01)
    assert wall >= 0.01
    assert gc.isenabled()


def test_c1_c2_real_blocking_thread() -> None:
    run = serve_blocking(3, 0.05, clock=RealClock())
    assert run.elapsed >= 0.15
    assert run.cpu < 0.5 * run.elapsed
    assert (run.threads, run.peak_waiting) == (1, 1)


def test_c3_real_threads() -> None:
    run = serve_threads(8, 0.05, clock=RealClock())
    assert run.elapsed >= 0.05
    assert run.threads == 8


@pytest.mark.parametrize("serve", [serve_async, serve_asyncio])
def test_c4_real_async(serve: object) -> None:
    if serve is serve_async:
        run = serve_async(50, 0.05, clock=RealClock())
    else:
        run = serve_asyncio(50, 0.05)
    assert run.elapsed >= 0.05
    assert (run.threads, run.peak_waiting) == (1, 50)


def test_c5_real_cpu_bound_jobs_get_no_speed_up() -> None:
    # One thread cannot do more than a second of CPU work per second of wall
    # time: interleaving the jobs cannot finish them sooner.
    for run in (
        crunch_serial(2, 0.02, clock=RealClock()),
        crunch_async(2, 0.02, clock=RealClock()),
    ):
        assert run.cpu >= 0.04
        assert run.elapsed >= 0.04


# Benchmarks: upper bounds on time, generous, and marked as such.


@pytest.mark.benchmark
def test_benchmark_threads_overlap_their_waits() -> None:
    run = serve_threads(50, 0.1, clock=RealClock())
    assert run.elapsed < 2.5  # one thread would need 5 s


@pytest.mark.benchmark
@pytest.mark.parametrize("runtime", ["chapter2 executor", "asyncio"])
def test_benchmark_10000_async_clients_in_seconds_not_hours(runtime: str) -> None:
    # About 0.3 s on an idle machine, where one blocking thread would take
    # 1,000 s. The bound is generous because make test runs this beside the
    # browser tests, one process per core; and it is the best of three
    # attempts, as timeit does, so that other work cannot fail it: on a
    # loaded machine, starting 10,000 tasks can take longer than the first
    # ones' 0.1 s wait, and those finish before the last ones start.
    runs: list[Run] = []

    def all_at_once(run: Run) -> bool:
        return run.elapsed < 5.0 and run.peak_waiting == 10_000

    while len(runs) < 3 and not any(map(all_at_once, runs)):
        if runtime == "asyncio":
            runs.append(serve_asyncio(10_000, 0.1))
        else:
            runs.append(serve_async(10_000, 0.1, clock=RealClock()))
    best = min(runs, key=lambda run: (not all_at_once(run), run.elapsed))
    assert (best.threads, best.peak_waiting) == (1, 10_000)
    assert 0.1 <= best.elapsed < 5.0, runs
