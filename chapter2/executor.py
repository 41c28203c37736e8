"""A single-threaded executor: the loop that calls ``poll``.

It models what ``tokio::runtime::Runtime::block_on`` and a current-thread
runtime do, minus everything that is not about polling: tasks wait in a run
queue, the executor polls whichever is at the front, and a task leaves the
queue until its :class:`~chapter2.task.Waker` is woken. Nothing else ever
polls a task again. That is the whole contract, and the two things that go
wrong with it are made visible:

* every poll is recorded in :attr:`Executor.trace` (which task, what woke
  it, its state before and after, and the result), so the order things ran in
  is never a mystery; and
* when tasks remain but none is queued and no :class:`Driver` (a timer, say)
  can wake one, :meth:`Executor.run` raises :class:`Stalled`, naming each
  stuck task and its state, instead of waiting forever as a real program
  would. (For a task whose waker nobody holds, tokio-console's
  ``lost-waker`` lint gives a live Tokio program a similar warning; a
  waker that is held but never called, no lint flags; Tokio's unstable
  task dumps, ``Handle::dump``, at least show where each task is stopped.)
"""

from __future__ import annotations

import threading
import weakref
from collections import deque
from collections.abc import Callable, Coroutine, Iterable, Sequence
from dataclasses import dataclass
from types import CoroutineType
from typing import Any, Generic, Protocol, TypeVar

from chapter2.future import CoroutineFuture, Future, held_by, label_of, moves_of
from chapter2.machine import Move
from chapter2.task import Context, Pending, Ready, Waker

T = TypeVar("T")


class Driver(Protocol):
    """Something outside the tasks that can wake them: a timer wheel, an I/O
    reactor. Tokio's runtime turns its drivers when no task is ready.
    """

    def turn(self) -> bool:
        """Fire whatever is due, waiting (or advancing a virtual clock) if
        needed; return ``False`` when there is nothing left that could ever
        wake a task.
        """
        ...


class Stalled(RuntimeError):
    """Tasks remain, none can run, and nothing is left that could wake them.

    In Rust this program would simply hang. When no one holds a stuck
    task's waker, tokio-console's ``lost-waker`` lint warns about it in a
    live Tokio program; when the waker is held but nothing will call it, a
    real runtime cannot tell "never" from "not yet". ``stuck`` lists each
    task with the state it is stuck in.
    """

    def __init__(self, stuck: Sequence[tuple[str, str, bool]]) -> None:
        self.stuck = [(name, state) for name, state, _ in stuck]
        lines = [
            f"executor stalled: {len(stuck)} task(s) can never be polled again"
        ]
        for name, state, waker_held in stuck:
            if waker_held:
                why = "its waker is held, but nothing left running can wake it"
            else:
                why = "no one holds its waker, so nothing can ever wake it"
            lines.append(f"  task {name!r} is stuck in state {state}: {why}")
        super().__init__("\n".join(lines))


class PollBudgetExceeded(RuntimeError):
    """The executor polled more times than its budget allows.

    A task that wakes itself on every poll never stalls, but never finishes
    either; the budget turns that busy loop into an error too.
    """


class NestedBlockOn(RuntimeError):
    """``block_on`` (or ``run``) called inside a task that an executor is
    polling on this thread.

    It would block the thread that drives the task, so nothing could poll
    that task again. Tokio panics here: a thread that is driving tasks is
    marked as inside a runtime, and entering one again panics with "Cannot
    start a runtime from within a runtime" (``enter_runtime`` in
    ``tokio/src/runtime/context/runtime.rs``). The fix is to ``.await`` the
    future instead.
    """


class _Polling(threading.local):
    """The task this thread is polling, if any: per thread, as Tokio's mark
    is, since several threads may each drive an executor of their own."""

    task: Task[Any] | None = None


_polling = _Polling()


@dataclass(frozen=True)
class PollRecord:
    """One row of the trace: what a single call to ``poll`` did.

    ``result`` is ``Ready(...)``, ``Pending``, or ``raised SomeError`` when
    the poll raised (the error then propagates out of :meth:`Executor.run`).
    ``held`` is what the future held after the poll, and ``moves`` the moves
    it made during it, when the future can tell (see
    :func:`~chapter2.future.held_by` and :func:`~chapter2.future.moves_of`);
    the printed table leaves them out.
    """

    poll: int
    task: str
    woken_by: str
    before: str
    after: str
    result: str
    held: str = ""
    moves: tuple[Move, ...] = ()

    def row(self) -> tuple[str, ...]:
        """The cells of this poll in the printed trace table."""
        return (
            str(self.poll),
            self.task,
            self.woken_by,
            self.before,
            self.after,
            self.result,
        )


@dataclass(frozen=True)
class Turn:
    """The executor found no task ready and turned its drivers.

    It happened after ``polls`` polls; ``woke`` lists the tasks that turn
    woke, each with who woke it (empty when what the drivers did woke no
    one, such as a value sent to a channel nobody is waiting on yet).
    """

    polls: int
    woke: tuple[tuple[str, str], ...]


class Task(Generic[T]):
    """A spawned future and its bookkeeping (the task header inside Tokio).

    The task has one waker at a time, as a Tokio task's wakers all point at
    the one task header, and cloning or dropping one moves that header's
    reference count (``tokio/src/runtime/task/waker.rs``): the executor keeps
    only a weak reference to its waker, so while a leaf future holds it
    every poll hands out that same waker, and once nobody holds it the
    executor can tell (see :meth:`waker_held`).
    """

    __slots__ = (
        "__weakref__",
        "_schedule",
        "_waker",
        "future",
        "name",
        "polls",
        "queued",
        "result",
        "woken_by",
    )

    def __init__(
        self,
        name: str,
        future: Future[T],
        schedule: Callable[[Task[Any], str], None],
    ) -> None:
        self.name = name
        self.future = future
        self.result: Ready[T] | None = None
        self.polls = 0
        self.queued = False
        # Who woke the task since its last poll; kept only when tracing.
        self.woken_by: list[str] | None = None
        self._schedule = schedule
        self._waker: weakref.ref[Waker] | None = None

    @property
    def done(self) -> bool:
        return self.result is not None

    def state(self) -> str:
        return label_of(self.future)

    def wake(self, by: str) -> None:
        """What this task's :class:`~chapter2.task.Waker` calls."""
        self._schedule(self, by)

    # The task itself is its waker's callback: no bound method per waker.
    __call__ = wake

    def waker(self) -> Waker:
        """The task's waker: the one a leaf still holds, or a fresh one."""
        waker = self._waker() if self._waker is not None else None
        if waker is None:
            waker = Waker(self.name, self)
            self._waker = weakref.ref(waker)
        return waker

    def waker_held(self) -> bool:
        """Does anything outside the executor still hold this task's waker?"""
        return self._waker is not None and self._waker() is not None


class JoinHandle(Generic[T]):
    """``tokio::task::JoinHandle``: read a spawned task's output once it is done."""

    def __init__(self, task: Task[T]) -> None:
        self._task = task

    @property
    def name(self) -> str:
        return self._task.name

    def is_finished(self) -> bool:
        return self._task.done

    def result(self) -> T:
        """The task's output; an error if it has not finished."""
        if self._task.result is None:
            raise RuntimeError(
                f"task {self._task.name!r} has not finished "
                f"(state {self._task.state()})"
            )
        return self._task.result.value


class Executor:
    """A current-thread runtime (Tokio's ``Runtime`` reduced to polling).

    Polls tasks when, and only when, they have been woken.

    ``drivers`` are turned when no task is ready (see :class:`Driver`).
    ``max_polls`` bounds the total number of polls, so that even a task that
    keeps waking itself cannot run forever.
    """

    def __init__(
        self,
        *,
        drivers: Iterable[Driver] = (),
        max_polls: int = 1_000_000,
        record: bool = True,
    ) -> None:
        # A float budget would need care (nan compares false with every
        # count, so it would switch the budget off): polls are counted.
        if not isinstance(max_polls, int) or isinstance(max_polls, bool):
            raise TypeError(
                "max_polls must be a whole number of polls, got "
                f"{max_polls!r} ({type(max_polls).__name__})"
            )
        if max_polls < 1:
            raise ValueError(f"max_polls must be at least 1, got {max_polls}")
        self.drivers = list(drivers)
        self.max_polls = max_polls
        self.record = record
        # One bound method shared by every task, not one per task.
        self._wake_task = self._schedule
        self.trace: list[PollRecord] = []
        self.turns: list[Turn] = []
        # While drivers turn (and recording): the wakes they cause.
        self._woken_in_turn: list[tuple[str, str]] | None = None
        self.polls = 0
        self._tasks: list[Task[Any]] = []
        self._run_queue: deque[Task[Any]] = deque()
        # Counted, not recomputed, so that each poll costs the same however
        # many tasks there are (10,000 waiting tasks on the waiting page).
        self._unfinished = 0
        self._names: set[str] = set()
        self._last_number: dict[str, int] = {}

    def spawn(
        self,
        future: Future[T] | Coroutine[Any, Any, T],
        name: str | None = None,
    ) -> JoinHandle[T]:
        """Add a task; it is polled for the first time when :meth:`run` reaches it.

        ``future`` is a hand-written future or a coroutine object from an
        ``async def`` (wrapped in :class:`~chapter2.future.CoroutineFuture`).
        """
        polled: Future[T]
        # The exact-type test is a fast path for the usual coroutine object.
        if type(future) is CoroutineType or isinstance(future, Coroutine):
            polled = CoroutineFuture(future)
        elif isinstance(future, Future):
            polled = future
        else:
            raise TypeError(
                f"spawn() needs a future (with poll(cx)) or a coroutine, "
                f"got {type(future).__name__}"
            )
        task: Task[T] = Task(
            self._unique(name or _default_name(future)), polled, self._wake_task
        )
        self._tasks.append(task)
        self._unfinished += 1
        self._schedule(task, "spawn")
        return JoinHandle(task)

    # --8<-- [start:run]
    def run(self) -> None:
        """Poll tasks until every one has finished.

        Raises :class:`Stalled` if unfinished tasks remain that nothing can
        wake, and :class:`PollBudgetExceeded` past ``max_polls`` polls.
        """
        idle_turns = 0
        while self._unfinished:
            if not self._run_queue:
                if not self._turn_drivers():
                    raise self._stalled()
                idle_turns += 1
                if idle_turns > 10_000:  # drivers turn, but wake no one
                    raise self._stalled()
                continue
            idle_turns = 0
            task = self._run_queue.popleft()
            if not task.done:  # it may have woken itself in its final poll
                self._poll(task)
        self._tasks = [task for task in self._tasks if not task.done]

    # --8<-- [end:run]

    def block_on(
        self,
        future: Future[T] | Coroutine[Any, Any, T],
        name: str | None = None,
    ) -> T:
        """Spawn ``future``, run everything to completion, return its output.

        Raises :class:`NestedBlockOn`, spawning nothing, when called inside a
        task that an executor is polling.
        """
        _check_not_polling("block_on")
        handle = self.spawn(future, name)
        self.run()
        return handle.result()

    def trace_table(self, *, omit: Iterable[str] = ()) -> str:
        """The trace as an aligned text table, one row per poll, without the
        column or columns named in ``omit`` (names from :data:`HEADERS`)."""
        return format_trace(self.trace, omit=omit)

    def _unique(self, name: str) -> str:
        # Start from the last number given to this name, so that spawning
        # many tasks with one name does not retry every earlier number.
        number = self._last_number.get(name, 1)
        candidate = name if number == 1 else f"{name}#{number}"
        while candidate in self._names:
            number += 1
            candidate = f"{name}#{number}"
        self._names.add(candidate)
        self._last_number[name] = number
        return candidate

    def _schedule(self, task: Task[Any], by: str) -> None:
        if task.done:
            return  # waking a finished task is a no-op, as in Tokio
        if self.record:
            if task.woken_by is None:
                task.woken_by = []
            task.woken_by.append(by)
            if self._woken_in_turn is not None:
                self._woken_in_turn.append((task.name, by))
        if not task.queued:
            task.queued = True
            self._run_queue.append(task)

    def _poll(self, task: Task[Any]) -> None:
        _check_not_polling("run")
        if self.polls >= self.max_polls:
            raise PollBudgetExceeded(
                f"executor reached max_polls={self.max_polls}; task {task.name!r} "
                f"(state {task.state()}) was about to be polled again"
            )
        task.queued = False
        if self.record:
            woken_by = ", ".join(dict.fromkeys(task.woken_by or ()))
            task.woken_by = None
            before = task.state()
            moved = len(moves_of(task.future))
        self.polls += 1
        task.polls += 1
        _polling.task = task
        try:
            result = task.future.poll(Context(task.waker()))
        except Exception as error:
            if self.record:
                raised = f"raised {type(error).__name__}"
                self._trace_poll(task, woken_by, before, raised, moved)
            state = before if self.record else task.state()
            error.add_note(f"while polling task {task.name!r} in state {state}")
            raise
        finally:
            _polling.task = None
        match result:
            case Ready():
                task.result = result
                task.queued = False
                self._unfinished -= 1
            case Pending():
                pass
            case _:
                raise TypeError(
                    f"task {task.name!r}: poll returned {result!r}, "
                    "not Ready(...) or Pending()"
                )
        if self.record:
            self._trace_poll(task, woken_by, before, repr(result), moved)

    def _trace_poll(
        self,
        task: Task[Any],
        woken_by: str,
        before: str,
        result: str,
        moved: int,
    ) -> None:
        """Adds the row for the poll that just ended to the trace.

        ``moved`` counts the future's moves before the poll began.
        """
        future = task.future
        row = PollRecord(
            self.polls,
            task.name,
            woken_by,
            before,
            task.state(),
            result,
            held_by(future),
            tuple(moves_of(future)[moved:]),
        )
        self.trace.append(row)

    def _turn_drivers(self) -> bool:
        if not self.record:
            return any([driver.turn() for driver in self.drivers])
        self._woken_in_turn = []
        try:
            turned = any([driver.turn() for driver in self.drivers])
        finally:
            woke, self._woken_in_turn = tuple(self._woken_in_turn), None
        if turned:
            self.turns.append(Turn(self.polls, woke))
        return turned

    def _stalled(self) -> Stalled:
        stuck = [
            (task.name, task.state(), task.waker_held())
            for task in self._tasks
            if not task.done
        ]
        return Stalled(stuck)


def _check_not_polling(what: str) -> None:
    task = _polling.task
    if task is not None:
        raise NestedBlockOn(
            f"{what}() inside task {task.name!r}, which an executor on this"
            " thread is polling: it would block the thread that drives the"
            " task, so nothing could poll the task again (Tokio panics:"
            ' "Cannot start a runtime from within a runtime"); .await the'
            " future instead"
        )


def _default_name(future: object) -> str:
    name = getattr(future, "__qualname__", None)
    return name if isinstance(name, str) else type(future).__name__


HEADERS = ("poll", "task", "woken by", "state before", "state after", "result")


def format_trace(
    trace: Iterable[PollRecord], *, omit: Iterable[str] = ()
) -> str:
    """Format poll records as an aligned table (the form the pages print),
    leaving out the column or columns named in ``omit``."""
    left_out = [omit] if isinstance(omit, str) else list(omit)
    if unknown := [name for name in left_out if name not in HEADERS]:
        raise ValueError(
            f"no column {', '.join(map(repr, unknown))} in a trace;"
            f" the columns are {', '.join(HEADERS)}"
        )
    shown = [i for i, name in enumerate(HEADERS) if name not in left_out]
    full = [HEADERS, *(record.row() for record in trace)]
    rows = [[row[i] for i in shown] for row in full]
    widths = [max(len(row[i]) for row in rows) for i in range(len(shown))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in rows
    ]
    return "\n".join(line.rstrip() for line in lines)
