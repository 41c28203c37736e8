"""The clocks: virtual time is exact and never hangs; real time really waits."""

from __future__ import annotations

import threading
import time

import pytest

from chapter2.clock import (
    NS_PER_SECOND,
    RealClock,
    Sleep,
    ThreadsStuck,
    VirtualClock,
    to_ns,
)
from chapter2.executor import Executor, Stalled
from chapter2.task import Context, Pending, Ready, Waker


class Wakes:
    """A waker that records who woke it."""

    def __init__(self) -> None:
        self.by: list[str] = []
        self.waker = Waker("t", self.by.append)


@pytest.mark.parametrize(
    ("seconds", "error", "message"),
    [
        (-0.1, ValueError, "finite and >= 0 seconds, got -0.1"),
        (float("nan"), ValueError, "got nan"),
        (float("inf"), ValueError, "got inf"),
        (True, TypeError, "a number of seconds, got True"),
        ("1", TypeError, "got '1'"),
    ],
)
def test_bad_durations_are_refused(
    seconds: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        to_ns(seconds)  # type: ignore[arg-type]
    clock = VirtualClock()
    with pytest.raises(error):
        clock.block(seconds)  # type: ignore[arg-type]
    assert clock.now() == 0.0, "a refused wait must not move the clock"


def test_tenths_add_up_exactly() -> None:
    clock = VirtualClock()
    for _ in range(10):
        clock.block(0.1)
    assert clock.now() == 1.0
    assert to_ns(0.1) * 10 == NS_PER_SECOND


def test_sleep_keeps_the_waker_and_is_fired_by_turn() -> None:
    clock = VirtualClock()
    sleep = clock.sleep(0.5)
    first, second = Wakes(), Wakes()
    assert sleep.poll(Context(first.waker)) == Pending()
    assert sleep.poll(Context(second.waker)) == Pending()
    assert clock.waiting == 1, "polling twice registers one timer"
    assert clock.turn() is True
    assert clock.now() == 0.5
    assert (first.by, second.by) == ([], ["timer"]), "the newest waker is woken"
    assert sleep.poll(Context(second.waker)) == Ready(None)
    assert clock.turn() is False, "no timers left: nothing could wake anyone"
    assert (clock.waiting, clock.peak_waiting) == (0, 1)


def test_sleep_of_zero_is_ready_at_once() -> None:
    clock = VirtualClock()
    assert clock.sleep(0).poll(Context(Wakes().waker)) == Ready(None)
    assert clock.peak_waiting == 0


def test_turn_fires_every_timer_due_and_only_those() -> None:
    clock = VirtualClock()
    sleeps = [clock.sleep(s) for s in (0.2, 0.1, 0.2, 0.3)]
    wakes = [Wakes() for _ in sleeps]
    for sleep, w in zip(sleeps, wakes, strict=True):
        sleep.poll(Context(w.waker))
    clock.turn()
    assert [bool(w.by) for w in wakes] == [False, True, False, False]
    clock.turn()
    assert clock.now() == 0.2
    assert [bool(w.by) for w in wakes] == [True, True, True, False]


def test_executor_trace_shows_the_timer_waking_the_task() -> None:
    clock = VirtualClock()

    async def client() -> str:
        await clock.sleep(0.1)
        return "served"

    executor = Executor(drivers=[clock])
    assert executor.block_on(client(), name="client") == "served"
    assert [(r.woken_by, r.before, r.after, r.result) for r in executor.trace] == [
        ("spawn", "Start", "awaiting Sleep(until 0.1 s)", "Pending"),
        ("timer", "awaiting Sleep(until 0.1 s)", "Done", "Ready('served')"),
    ]


def test_a_sleep_nobody_registers_is_a_stall_not_a_hang() -> None:
    class Forgetful(Sleep):
        def poll(self, cx: Context) -> Pending | Ready[None]:  # type: ignore[override]
            return Pending()  # never hands its waker to the clock

    clock = VirtualClock()

    async def client() -> None:
        await Forgetful(clock, to_ns(1))

    executor = Executor(drivers=[clock])
    executor.spawn(client(), name="client")
    with pytest.raises(
        Stalled, match=r"awaiting Sleep\(until 1 s\): no one holds its waker"
    ):
        executor.run()


def test_work_moves_time_and_counts_cpu_on_one_thread() -> None:
    clock = VirtualClock()
    clock.work(0.25)
    clock.block(0.5)
    assert (clock.now(), clock.cpu_time()) == (0.75, 0.25)
    assert clock.threads_used() == 1


def test_threads_wait_side_by_side_but_share_one_cpu() -> None:
    clock = VirtualClock()
    finished: list[float] = []

    def client() -> None:
        clock.work(0.1)
        clock.block(1.0)
        finished.append(clock.now())

    clock.run_threads([client] * 3)
    # The CPU serves one at a time (0.1, 0.2, 0.3); the waits overlap.
    assert sorted(finished) == [1.1, 1.2, 1.3]
    assert (clock.now(), clock.cpu_time()) == (1.3, pytest.approx(0.3))
    assert clock.threads_used() == 3
    assert clock.peak_waiting == 3


def test_threaded_results_are_the_same_every_time() -> None:
    def once() -> tuple[float, float, int, int]:
        clock = VirtualClock()

        def client(number: int) -> None:
            clock.block(0.01 * (number % 3))
            clock.work(0.001)
            clock.block(0.05)

        clock.run_threads([lambda n=n: client(n) for n in range(12)])
        return clock.now(), clock.cpu_time(), clock.peak_waiting, clock.threads_used()

    results = {once() for _ in range(20)}
    assert len(results) == 1, results


def test_an_error_in_a_thread_reaches_the_caller() -> None:
    clock = VirtualClock()

    def broken() -> None:
        clock.block(0.1)
        raise ValueError("client 2 failed")

    with pytest.raises(ValueError, match="client 2 failed"):
        clock.run_threads([lambda: clock.block(0.2), broken])
    assert clock.now() == 0.2, "the other thread still ran to the end"


def test_a_thread_waiting_on_something_else_is_reported_not_hung() -> None:
    clock = VirtualClock()
    clock.stuck_after = 0.2
    never = threading.Event()
    blocked_on_clock_returned: list[str] = []

    def waits_for_the_clock() -> None:
        try:
            clock.block(1.0)
        except ThreadsStuck:
            blocked_on_clock_returned.append("released with an error")

    start = time.monotonic()
    with pytest.raises(ThreadsStuck, match="1 thread\\(s\\) neither blocked"):
        clock.run_threads([lambda: never.wait(2.0), waits_for_the_clock])
    assert time.monotonic() - start < 1.5
    never.set()
    # The parked thread was let go with an error rather than left hanging.
    deadline = time.monotonic() + 2.0
    while not blocked_on_clock_returned and time.monotonic() < deadline:
        time.sleep(0.01)
    assert blocked_on_clock_returned == ["released with an error"]


def test_blocking_from_outside_while_threads_run_is_refused() -> None:
    clock = VirtualClock()
    errors: list[str] = []

    def starts_an_unmanaged_thread() -> None:
        def outsider() -> None:
            try:
                clock.block(0.1)
            except RuntimeError as error:
                errors.append(str(error))

        thread = threading.Thread(target=outsider)
        thread.start()
        thread.join()

    clock.run_threads([starts_an_unmanaged_thread])
    assert errors == [
        "block() from outside while 1 thread(s) of run_threads() are still running"
    ]


def test_real_clock_sleep_waits_for_real() -> None:
    clock = RealClock()

    async def client() -> None:
        await clock.sleep(0.05)

    start = time.monotonic()
    Executor(drivers=[clock]).block_on(client())
    assert time.monotonic() - start >= 0.05
    assert clock.now() >= 0.05


def test_real_clock_counts_threads_and_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every thread's wait overlaps the others', even when starting a thread
    takes longer than the wait (as on a loaded machine): bodies start together.

    Only the first start is slow, which is enough to part the waits if bodies
    did not start together; the wait is long enough that a thread scheduled
    late on a busy machine (make test runs browsers alongside) still overlaps.
    """
    wait = 0.1
    start_thread = threading.Thread.start
    starts = 0

    def slow_first_start(thread: threading.Thread) -> None:
        nonlocal starts
        start_thread(thread)
        starts += 1
        if starts == 1:
            time.sleep(wait * 1.5)

    monkeypatch.setattr(threading.Thread, "start", slow_first_start)
    clock = RealClock()
    clock.run_threads([lambda: clock.block(wait)] * 4)
    assert clock.threads_used() == 4
    assert clock.peak_waiting == 4


def test_real_clock_threads_that_cannot_start(monkeypatch: pytest.MonkeyPatch) -> None:
    """A thread that fails to start ends the others' wait at the start line:
    run_threads raises instead of hanging, and no body runs.
    """
    start_thread = threading.Thread.start
    started = 0

    def third_fails(thread: threading.Thread) -> None:
        nonlocal started
        started += 1
        if started == 3:
            raise RuntimeError("can't start new thread")
        start_thread(thread)

    monkeypatch.setattr(threading.Thread, "start", third_fails)
    ran: list[int] = []
    with pytest.raises(RuntimeError, match="can't start new thread"):
        RealClock().run_threads([lambda: ran.append(1)] * 4)
    assert ran == []


def test_real_work_burns_the_cpu_time_asked_for() -> None:
    clock = RealClock()
    cpu = time.thread_time()
    clock.work(0.05)
    assert time.thread_time() - cpu >= 0.05
