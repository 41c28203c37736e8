from typing import Any

from chapter2.clock import VirtualClock
from chapter2.executor import Executor, Stalled
from chapter2.task import Context, Waker

MS = 1_000_000  # nanoseconds


Namespace = dict[str, Any]  # what the reader's code defined


def run_tasks(ns: Namespace, deadlines_ms: list[int]) -> tuple[Executor, VirtualClock]:
    """A task per deadline, each awaiting the reader's Timer."""
    timer = ns["Timer"]
    clock = VirtualClock()
    executor = Executor(drivers=[clock], max_polls=100)

    async def wait(deadline: int) -> None:
        await timer(clock, deadline)

    for number, deadline in enumerate(deadlines_ms):
        executor.spawn(wait(deadline * MS), name=f"task {number}")
    try:
        executor.run()
    except Stalled as stalled:
        raise AssertionError(str(stalled)) from None
    return executor, clock


def check_one_timer(ns: Namespace) -> None:
    """a task awaiting a 100 ms Timer is woken by the timer and ends"""
    executor, clock = run_tasks(ns, [100])
    polls = [(row.woken_by, row.result) for row in executor.trace]
    expected = [("spawn", "Pending"), ("timer", "Ready(None)")]
    assert polls == expected, f"the polls were {polls}"
    assert clock.now() == 0.1, f"the clock reads {clock.now()} s"


def check_three_timers(ns: Namespace) -> None:
    """three timers wake their tasks in the order of their deadlines"""
    executor, clock = run_tasks(ns, [300, 100, 200])
    rows = executor.trace
    done = [row.task for row in rows if row.result.startswith("Ready")]
    assert done == ["task 1", "task 2", "task 0"], f"finished as {done}"
    assert clock.now() == 0.3, f"the clock reads {clock.now()} s, not 0.3 s"


def check_already_due(ns: Namespace) -> None:
    """a timer already due is ready at once, and sets no timer"""
    executor, clock = run_tasks(ns, [0])
    assert len(executor.trace) == 1, f"{len(executor.trace)} polls, not 1"
    assert not clock.turn(), "it registered a timer it did not need"


def check_newest_waker(ns: Namespace) -> None:
    """polled twice, it wakes the newest waker, once"""
    clock = VirtualClock()
    timer = ns["Timer"](clock, 50 * MS)
    woken: list[str] = []
    first = Waker("first task", lambda by: woken.append("first"))
    second = Waker("second task", lambda by: woken.append("second"))
    timer.poll(Context(first))
    timer.poll(Context(second))
    while clock.turn():
        pass
    assert woken == ["second"], f"the timer woke {woken or 'no one'}"


CHECKS = [
    check_one_timer,
    check_three_timers,
    check_already_due,
    check_newest_waker,
]
