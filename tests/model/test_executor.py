"""The executor's contract: poll only when woken, trace every poll, never hang."""

from __future__ import annotations

import asyncio
import re

import pytest

from chapter2.executor import (
    Executor,
    NestedBlockOn,
    PollBudgetExceeded,
    Stalled,
)
from chapter2.future import (
    CoroutineFuture,
    ForeignAwait,
    FutureBase,
    PolledAfterCompletion,
)
from chapter2.task import Context, Pending, Poll, Ready, Waker


class Flag(FutureBase[str]):
    """A leaf future that is ready once ``set`` has been called."""

    def __init__(self, name: str, *, keep_waker: bool = True) -> None:
        self.name = name
        self.value: str | None = None
        self.waker: Waker | None = None
        self.keep_waker = keep_waker

    def state_label(self) -> str:
        return f"flag {self.name}"

    def set(self, value: str) -> None:
        self.value = value
        if self.waker is not None:
            self.waker.wake(by=f"{self.name} setter")

    def poll(self, cx: Context) -> Poll[str]:
        if self.value is not None:
            return Ready(self.value)
        if self.keep_waker:
            self.waker = cx.waker()
        return Pending()


class Setter:
    """A driver that sets flags one per turn, like a timer firing."""

    def __init__(self, *flags: Flag) -> None:
        self.flags = list(flags)

    def turn(self) -> bool:
        if not self.flags:
            return False
        flag = self.flags.pop(0)
        flag.set(flag.name.upper())
        return True


async def both(a: Flag, b: Flag) -> str:
    first = await a
    second = await b
    return first + second


def test_coroutine_is_polled_at_spawn_and_after_it_is_woken() -> None:
    a, b = Flag("a"), Flag("b")
    executor = Executor(drivers=[Setter(a, b)])
    assert executor.block_on(both(a, b)) == "AB"
    assert [(r.woken_by, r.before, r.after, r.result) for r in executor.trace] == [
        ("spawn", "Start", "awaiting flag a", "Pending"),
        ("a setter", "awaiting flag a", "awaiting flag b", "Pending"),
        ("b setter", "awaiting flag b", "Done", "Ready('AB')"),
    ]


def finished(name: str) -> Executor:
    """An executor that ran ``both`` of two flags already set, in one poll."""
    a, b = Flag("a"), Flag("b")
    a.set("x")
    b.set("y")
    executor = Executor()
    executor.block_on(both(a, b), name=name)
    return executor


def test_trace_table_is_aligned() -> None:
    executor = finished("both")
    assert executor.trace_table().splitlines() == [
        "poll  task  woken by  state before  state after  result",
        "1     both  spawn     Start         Done         Ready('xy')",
    ]


def test_trace_table_can_leave_columns_out() -> None:
    executor = finished("t")
    assert executor.trace_table(omit="state before").splitlines() == [
        "poll  task  woken by  state after  result",
        "1     t     spawn     Done         Ready('xy')",
    ]
    assert executor.trace_table(omit=["woken by", "state before"]).splitlines()[0] == (
        "poll  task  state after  result"
    )


def test_leaving_out_a_column_that_does_not_exist_is_refused() -> None:
    executor = Executor()
    with pytest.raises(ValueError, match=(
        r"^no column 'state' in a trace; the columns are poll, task, woken by,"
        r" state before, state after, result$"
    )):  # fmt: skip
        executor.trace_table(omit=["state"])


def test_forgotten_waker_stalls_with_the_task_and_state() -> None:
    a = Flag("a", keep_waker=False)
    executor = Executor()
    executor.spawn(both(a, Flag("b")), name="forgetful")
    with pytest.raises(Stalled) as raised:
        executor.run()
    assert raised.value.stuck == [("forgetful", "awaiting flag a")]
    assert "no one holds its waker" in str(raised.value)


def test_held_waker_that_nobody_fires_is_reported_differently() -> None:
    executor = Executor()
    flag = Flag("a")
    executor.spawn(both(flag, Flag("b")), name="patient")
    with pytest.raises(Stalled, match="its waker is held, but nothing left"):
        executor.run()


def test_double_wake_means_one_poll() -> None:
    a = Flag("a")
    executor = Executor()
    handle = executor.spawn(both(a, Flag("b", keep_waker=False)), name="t")
    with pytest.raises(Stalled):
        executor.run()
    assert a.waker is not None
    a.waker.wake(by="one")
    a.waker.wake(by="two")
    with pytest.raises(Stalled):
        executor.run()
    assert executor.trace[-1].woken_by == "one, two"
    assert len(executor.trace) == 2
    assert not handle.is_finished()


def test_busy_task_hits_the_poll_budget() -> None:
    class Spin(FutureBase[None]):
        def poll(self, cx: Context) -> Poll[None]:
            cx.waker().wake(by="itself")
            return Pending()

    executor = Executor(max_polls=50)
    with pytest.raises(PollBudgetExceeded, match="max_polls=50"):
        executor.block_on(Spin(), name="spin")
    assert executor.polls == 50


def test_errors_name_the_task_and_state() -> None:
    async def broken() -> None:
        raise ValueError("boom")

    executor = Executor()
    with pytest.raises(ValueError, match="boom") as raised:
        executor.block_on(broken(), name="broken")
    assert "while polling task 'broken' in state Start" in raised.value.__notes__


def test_spawn_refuses_what_it_cannot_poll() -> None:
    with pytest.raises(TypeError, match="got int"):
        Executor().spawn(42)  # type: ignore[arg-type]


def test_bad_budget_is_refused() -> None:
    with pytest.raises(ValueError, match="max_polls must be at least 1, got 0"):
        Executor(max_polls=0)


@pytest.mark.parametrize(
    ("budget", "said"),
    [(float("nan"), "nan (float)"), ("x", "'x' (str)"), (True, "True (bool)"),
     (100.0, "100.0 (float)"), (None, "None (NoneType)")],
)  # fmt: skip
def test_a_budget_that_is_not_a_count_is_refused(budget: object, said: str) -> None:
    # nan compares false with every count: it switched the budget off.
    with pytest.raises(
        TypeError, match=re.escape(f"whole number of polls, got {said}")
    ):
        Executor(max_polls=budget)  # type: ignore[arg-type]


def test_block_on_inside_a_task_says_so_and_spawns_nothing() -> None:
    executor = Executor()
    inner = Executor()

    async def one() -> int:
        return 1

    async def nested(runtime: Executor) -> int:
        coroutine = one()
        try:
            return runtime.block_on(coroutine, name="inner")
        finally:
            coroutine.close()

    for runtime in (executor, inner):
        with pytest.raises(NestedBlockOn) as raised:
            executor.block_on(nested(runtime), name="outer")
        message = str(raised.value)
        assert message.startswith("block_on() inside task 'outer")
        assert "Cannot start a runtime from within a runtime" in message
        assert "inner" not in {task.name for task in runtime._tasks}
    # Outside a task, block_on works as before, on this thread and others.
    assert inner.block_on(one()) == 1


def test_run_inside_a_task_says_so() -> None:
    executor = Executor()

    async def nested() -> None:
        executor.spawn(Flag("inner"), name="inner")
        executor.run()

    with pytest.raises(NestedBlockOn, match=r"^run\(\) inside task 'outer'"):
        executor.block_on(nested(), name="outer")


def test_coroutine_polled_after_completion_raises() -> None:
    async def one() -> int:
        return 1

    future = CoroutineFuture(one())
    cx = Context(Waker("t", lambda by: None))
    assert future.poll(cx) == Ready(1)
    with pytest.raises(PolledAfterCompletion, match="polled after completion"):
        future.poll(cx)


def test_awaiting_asyncio_objects_is_refused() -> None:
    async def uses_asyncio() -> None:
        await asyncio.sleep(0)

    with pytest.raises(ForeignAwait, match="not a chapter2 future"):
        Executor().block_on(uses_asyncio(), name="asyncio-user")


def test_same_coroutine_runs_under_asyncio() -> None:
    a, b = Flag("a"), Flag("b")

    async def main() -> str:
        loop = asyncio.get_running_loop()
        loop.call_soon(a.set, "p")
        loop.call_later(0.001, b.set, "q")
        return await both(a, b)

    assert asyncio.run(main()) == "pq"


def test_duplicate_names_are_made_unique() -> None:
    executor = Executor()
    first = executor.spawn(both(Flag("a"), Flag("b")), name="t")
    second = executor.spawn(both(Flag("a"), Flag("b")), name="t")
    assert (first.name, second.name) == ("t", "t#2")
    with pytest.raises(Stalled):
        executor.run()
    with pytest.raises(RuntimeError, match="has not finished"):
        first.result()


def test_dropped_waker_under_asyncio_raises_instead_of_hanging() -> None:
    from chapter2.future import WakerDropped

    forgetful = Flag("a", keep_waker=False)
    with pytest.raises(WakerDropped, match="flag a returned Pending without"):
        asyncio.run(both(forgetful, Flag("b")))


def test_a_task_that_wakes_itself_as_it_finishes_is_not_polled_again() -> None:
    class WakeThenFinish(FutureBase[str]):
        def poll(self, cx: Context) -> Poll[str]:
            cx.waker().wake(by="itself")
            return Ready("done")

    executor = Executor()
    assert executor.block_on(WakeThenFinish(), name="t") == "done"
    assert [r.result for r in executor.trace] == ["Ready('done')"]


def test_run_does_not_rescan_every_task_on_each_poll(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The waiting page runs 10,000 tasks; a scan per poll made that quadratic.
    from chapter2.executor import Task

    checks = 0
    done = Task.done

    def counted(task: Task[object]) -> bool:
        nonlocal checks
        checks += 1
        return bool(done.fget(task))  # type: ignore[attr-defined]

    monkeypatch.setattr(Task, "done", property(counted))

    async def quick() -> None:
        return None

    executor = Executor(record=False)
    for _ in range(2_000):
        executor.spawn(quick())
    executor.run()
    assert checks < 10 * 2_000


def test_many_tasks_with_one_name_get_numbers_in_order() -> None:
    executor = Executor()
    explicit = executor.spawn(Flag("x"), name="t#3")
    names = [executor.spawn(Flag("x"), name="t").name for _ in range(4)]
    assert explicit.name == "t#3"
    assert names == ["t", "t#2", "t#4", "t#5"]


def test_the_trace_keeps_what_each_poll_left_the_future_holding() -> None:
    """For the site's steppers: the state's data after every poll, and the
    moves a state machine made during it."""
    from chapter2.cart import run_cart

    trace = run_cart("one-by-one", "state-machine").trace
    assert [r.held for r in trace] == [
        "WaitingForSocks(socks=Receiver('socks'), shoes=Receiver('shoes'))",
        "WaitingForShoes(socks_price=12, shoes=Receiver('shoes'))",
        "Done()",
    ]
    assert [(m.source, m.label, m.target) for m in trace[1].moves] == [
        ("WaitingForSocks", "socks: Ready(price)", "WaitingForShoes"),
        ("WaitingForShoes", "shoes: Pending", "WaitingForShoes"),
    ]
    coroutine = run_cart("one-by-one", "async-fn").trace
    assert coroutine[1].held == (
        "socks=Receiver('socks'), shoes=Receiver('shoes'), socks_price=12"
    )
    assert coroutine[-1].held == "" and coroutine[-1].moves == ()


def test_the_executor_records_each_turn_of_its_drivers_and_whom_it_woke() -> None:
    from chapter2.cart import run_cart

    turns = run_cart("other-order", "state-machine").turns
    # The shoes price came first and woke no one; the socks price woke the task.
    assert [(t.polls, t.woke) for t in turns] == [
        (1, ()),
        (1, (("cart_total", "socks sender"),)),
    ]


def test_an_executor_that_does_not_record_keeps_no_turns() -> None:
    a, b = Flag("a"), Flag("b")
    executor = Executor(drivers=[Setter(a, b)], record=False)
    executor.spawn(both(a, b))
    executor.run()
    assert executor.trace == [] and executor.turns == []
