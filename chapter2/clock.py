"""Time for the waiting demos: a virtual clock and a real one, used the same way.

Every demo on the waiting page does three things with time, and a
:class:`Clock` offers one method for each:

* ``clock.block(seconds)`` blocks the calling thread, like
  ``std::thread::sleep`` or a blocking read: the thread can do nothing else
  until it returns.
* ``await clock.sleep(seconds)`` waits without blocking, like
  ``tokio::time::sleep(duration).await``: the :class:`Sleep` future keeps the
  task's waker and returns ``Pending``; the clock wakes the task when the
  time comes.
* ``clock.work(seconds)`` keeps a CPU busy for that long. There is one CPU:
  two pieces of work never overlap.

:class:`VirtualClock` makes time a number that moves only when nothing can
run, so every result is exact and the same on every machine; the page's
examples use it. :class:`RealClock` reads the machine's clock; the
``python -m chapter2 waiting`` command uses it to measure. Both are executor
drivers (see :class:`~chapter2.executor.Driver`): when no task is ready, the
executor calls :meth:`Clock.turn`, which waits for the earliest timer and
wakes its task, as Tokio's time driver does.

Examples:
    >>> from chapter2.clock import VirtualClock
    >>> clock = VirtualClock()
    >>> clock.block(0.5)
    >>> clock.work(0.25)
    >>> clock.now(), clock.cpu_time()
    (0.75, 0.25)
"""

from __future__ import annotations

import heapq
import itertools
import math
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from chapter2.future import FutureBase
from chapter2.task import Context, Pending, Poll, Ready, Waker

NS_PER_SECOND = 1_000_000_000


def to_ns(seconds: float) -> int:
    """Whole nanoseconds in ``seconds``; times are kept as integers so that
    ten waits of 0.1 s add up to exactly 1.0 s.
    """
    if isinstance(seconds, bool) or not isinstance(seconds, int | float):
        raise TypeError(
            f"a duration must be a number of seconds, got {seconds!r}"
        )
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(
            f"a duration must be finite and >= 0 seconds, got {seconds}"
        )
    return round(seconds * NS_PER_SECOND)


# --8<-- [start:sleep]
class Sleep(FutureBase[None]):
    """``tokio::time::Sleep``: a leaf future that is ready at ``deadline``.

    The first poll before the deadline registers the future with its clock;
    every poll that returns ``Pending`` keeps the newest waker. When the
    deadline passes, the clock's :meth:`~Clock.turn` calls :meth:`fire`,
    which wakes the task, and the next poll returns ``Ready``.
    """

    def __init__(self, clock: Clock, deadline_ns: int) -> None:
        self.clock = clock
        self.deadline_ns = deadline_ns
        self.waker: Waker | None = None
        self.registered = False

    def poll(self, cx: Context) -> Poll[None]:
        if self.clock.now_ns() >= self.deadline_ns:
            return Ready(None)
        self.waker = cx.waker()  # without this, nothing could wake the task
        if not self.registered:
            self.registered = True
            self.clock.add_timer(self)
        return Pending()

    def fire(self) -> None:
        """Called by the clock once the deadline has passed."""
        waker, self.waker = self.waker, None
        if waker is not None:
            waker.wake(by="timer")

    # --8<-- [end:sleep]

    def state_label(self) -> str:
        return f"Sleep(until {self.deadline_ns / NS_PER_SECOND:g} s)"


class Clock(ABC):
    """What the demos need from time; see the module docstring.

    A clock also counts what happened while it ran: how many waits were in
    progress at once (:attr:`peak_waiting`) and how many threads did the
    work (:meth:`threads_used`).
    """

    def __init__(self) -> None:
        # One lock guards the counters and timers: threads share a clock.
        self._lock = threading.Condition()
        self._timers: list[tuple[int, int, Sleep]] = []
        self._order = itertools.count()
        self._idents: set[int] = set()
        self._managed: set[int] = set()  # threads that run_threads started
        self._started_threads = 0
        self.waiting = 0
        self.peak_waiting = 0

    @abstractmethod
    def now_ns(self) -> int:
        """Nanoseconds since the clock was made."""

    @abstractmethod
    def cpu_time(self) -> float:
        """CPU seconds used so far (what ``time.process_time`` measures)."""

    @abstractmethod
    def block(self, seconds: float) -> None:
        """Block the calling thread for ``seconds`` (``std::thread::sleep``)."""

    @abstractmethod
    def work(self, seconds: float) -> None:
        """Keep the CPU busy for ``seconds`` on the calling thread."""

    @abstractmethod
    def run_threads(self, bodies: Sequence[Callable[[], object]]) -> None:
        """Run each body on a new OS thread of its own; return when all end."""

    @abstractmethod
    def _wait_until(self, deadline_ns: int) -> None:
        """Let time pass until ``deadline_ns`` (for :meth:`turn`)."""

    def now(self) -> float:
        """Seconds since the clock was made."""
        return self.now_ns() / NS_PER_SECOND

    def sleep(self, seconds: float) -> Sleep:
        """``tokio::time::sleep``: a future that is ready ``seconds`` from now."""
        self._note_thread()
        return Sleep(self, self.now_ns() + to_ns(seconds))

    def add_timer(self, sleep: Sleep) -> None:
        """Remember ``sleep`` so that :meth:`turn` fires it at its deadline."""
        with self._lock:
            heapq.heappush(
                self._timers, (sleep.deadline_ns, next(self._order), sleep)
            )
            self._wait_begins()

    def turn(self) -> bool:
        """The executor's :class:`~chapter2.executor.Driver` hook.

        Wait until the earliest timer is due, then fire every timer that is
        due. Returns ``False`` when no timer is left, so an executor whose
        tasks wait on nothing else reports a stall instead of waiting forever.
        """
        with self._lock:
            if not self._timers:
                return False
            earliest = self._timers[0][0]
        self._wait_until(earliest)
        due: list[Sleep] = []
        with self._lock:
            now = self.now_ns()
            while self._timers and self._timers[0][0] <= now:
                due.append(heapq.heappop(self._timers)[2])
                self.waiting -= 1
        for sleep in due:
            sleep.fire()
        return True

    def threads_used(self) -> int:
        """How many threads have used this clock: each thread that
        :meth:`run_threads` started, plus each other thread that called it.
        """
        with self._lock:
            return self._started_threads + len(self._idents)

    def _note_thread(self) -> None:
        ident = threading.get_ident()
        if ident not in self._idents and not self._is_managed_thread():
            with self._lock:
                self._idents.add(ident)

    def _thread_main(
        self, body: Callable[[], object], errors: list[BaseException]
    ) -> None:
        """Run one body of :meth:`run_threads`, as a thread the clock manages."""
        with self._lock:
            self._managed.add(threading.get_ident())
        try:
            body()
        except BaseException as error:  # run_threads raises the first one
            errors.append(error)
        finally:
            with self._lock:
                self._managed.discard(threading.get_ident())
                self._thread_ended()

    def _thread_ended(self) -> None:  # noqa: B027 (a hook; most clocks need nothing)
        """Called with the lock held when a body of run_threads returns."""

    def _is_managed_thread(self) -> bool:
        return threading.get_ident() in self._managed

    def _wait_begins(self) -> None:
        # Called with the lock held.
        self.waiting += 1
        self.peak_waiting = max(self.peak_waiting, self.waiting)


@dataclass(eq=False)
class _Parked:
    """A managed thread of a :class:`VirtualClock`, waiting to be let go."""

    until_ns: int = 0  # a sleeper's deadline; a CPU job's end once it runs
    cpu_ns: int = 0  # for a CPU job: how long it needs the CPU
    abandoned: bool = False
    released: threading.Event = field(default_factory=threading.Event)


class ThreadsStuck(RuntimeError):
    """Threads run by a :class:`VirtualClock` stopped moving.

    Virtual time advances only when every thread it runs is blocked on the
    clock. A thread that waits on anything else (a lock, a real sleep)
    freezes time; after :attr:`VirtualClock.stuck_after` real seconds the
    clock gives up with this error instead of hanging.
    """


class VirtualClock(Clock):
    """A clock that moves only when nothing can run: exact and repeatable.

    * On a single thread (the executor's), :meth:`block` and :meth:`work`
      move time forward at once: while the only thread is blocked or busy,
      nothing else can happen. :meth:`turn` jumps to the next timer.
    * For threads started by :meth:`run_threads`, the clock plays the
      operating system: each ``block`` parks its thread until the clock
      reaches the deadline, each ``work`` queues for the one CPU, and time
      jumps to the next event only once every thread is parked.
    """

    stuck_after: float = 10.0
    """Real seconds to wait for a running thread before raising
    :class:`ThreadsStuck`."""

    def __init__(self) -> None:
        super().__init__()
        self._now = 0
        self._cpu_ns = 0
        self._running = 0
        self._sleepers: list[tuple[int, int, _Parked]] = []
        self._cpu_queue: deque[_Parked] = deque()
        self._on_cpu: _Parked | None = None

    def now_ns(self) -> int:
        return self._now

    def cpu_time(self) -> float:
        return self._cpu_ns / NS_PER_SECOND

    def _wait_until(self, deadline_ns: int) -> None:
        with self._lock:
            self._now = max(self._now, deadline_ns)

    def block(self, seconds: float) -> None:
        duration = to_ns(seconds)
        if self._is_managed_thread():
            self._park(_Parked(until_ns=self._now + duration), sleeper=True)
            return
        self._note_thread()
        with self._lock:
            self._refuse_while_threads_run("block")
            self._wait_begins()
            self._now += duration
            self.waiting -= 1

    def work(self, seconds: float) -> None:
        duration = to_ns(seconds)
        if self._is_managed_thread():
            self._park(_Parked(cpu_ns=duration), sleeper=False)
            return
        self._note_thread()
        with self._lock:
            self._refuse_while_threads_run("work")
            self._now += duration
            self._cpu_ns += duration

    def run_threads(self, bodies: Sequence[Callable[[], object]]) -> None:
        errors: list[BaseException] = []

        with self._lock:
            self._refuse_while_threads_run("run_threads")
            self._running = len(bodies)
        started = 0
        try:
            for body in bodies:
                threading.Thread(
                    target=self._thread_main, args=(body, errors), daemon=True
                ).start()
                started += 1
        finally:
            with self._lock:
                self._running -= len(bodies) - started
                self._started_threads += started
            self._advance_until_all_finish()
        if errors:
            raise errors[0]

    def _thread_ended(self) -> None:
        self._running -= 1
        self._lock.notify_all()

    def _refuse_while_threads_run(self, what: str) -> None:
        if self._running:
            raise RuntimeError(
                f"{what}() from outside while {self._running} thread(s) of "
                "run_threads() are still running"
            )

    def _park(self, parked: _Parked, *, sleeper: bool) -> None:
        """Called on a managed thread: wait until the clock lets it go."""
        with self._lock:
            if sleeper:
                order = next(self._order)
                heapq.heappush(self._sleepers, (parked.until_ns, order, parked))
                self._wait_begins()
            else:
                self._cpu_queue.append(parked)
            self._running -= 1
            self._lock.notify_all()
        parked.released.wait()  # an event each, so a release wakes one thread
        if parked.abandoned:
            raise ThreadsStuck(
                "the clock gave up on its threads (see the main error)"
            )

    def _advance_until_all_finish(self) -> None:
        """The 'operating system': move time to the next event, let go of
        every thread parked until then, and repeat until no thread is left.
        """
        with self._lock:
            while True:
                if not self._lock.wait_for(
                    lambda: self._running == 0, timeout=self.stuck_after
                ):
                    running = self._running
                    self._abandon_all()
                    raise ThreadsStuck(
                        f"{running} thread(s) neither blocked on the virtual "
                        f"clock nor finished within {self.stuck_after} s of real "
                        "time; a thread that waits on anything but the clock "
                        "stops virtual time"
                    )
                if not self._next_event():
                    return

    def _next_event(self) -> bool:
        # Called with the lock held, when every managed thread is parked.
        if self._on_cpu is None and self._cpu_queue:
            self._on_cpu = self._cpu_queue.popleft()
            self._on_cpu.until_ns = self._now + self._on_cpu.cpu_ns
        events = [self._sleepers[0][0]] if self._sleepers else []
        if self._on_cpu is not None:
            events.append(self._on_cpu.until_ns)
        if not events:
            return False  # nobody is parked, so every thread has finished
        self._now = max(self._now, min(events))
        while self._sleepers and self._sleepers[0][0] <= self._now:
            self.waiting -= 1
            self._running += 1
            heapq.heappop(self._sleepers)[2].released.set()
        if self._on_cpu is not None and self._on_cpu.until_ns <= self._now:
            self._cpu_ns += self._on_cpu.cpu_ns
            self._running += 1
            self._on_cpu.released.set()
            self._on_cpu = None
        return True

    def _abandon_all(self) -> None:
        parked = [entry for _, _, entry in self._sleepers] + list(
            self._cpu_queue
        )
        if self._on_cpu is not None:
            parked.append(self._on_cpu)
        for entry in parked:
            entry.abandoned = True
            entry.released.set()
        self._sleepers.clear()
        self._cpu_queue.clear()
        self._on_cpu = None
        self._running = 0


class RealClock(Clock):
    """The machine's clock: real sleeps, real threads, real CPU work.

    :meth:`cpu_time` is the CPU time of the whole process, every thread
    included, as ``time.process_time`` reports it.
    """

    def __init__(self) -> None:
        super().__init__()
        self._origin = time.monotonic_ns()

    def now_ns(self) -> int:
        return time.monotonic_ns() - self._origin

    def cpu_time(self) -> float:
        return time.process_time()

    def _wait_until(self, deadline_ns: int) -> None:
        # Loop: a sleep may end a hair early by the monotonic clock's reading.
        while (remaining := deadline_ns - self.now_ns()) > 0:
            time.sleep(remaining / NS_PER_SECOND)

    def block(self, seconds: float) -> None:
        duration = to_ns(seconds)
        self._note_thread()
        with self._lock:
            self._wait_begins()
        try:
            time.sleep(duration / NS_PER_SECOND)
        finally:
            with self._lock:
                self.waiting -= 1

    def work(self, seconds: float) -> None:
        duration = to_ns(seconds)
        self._note_thread()
        if not duration:
            return
        end = time.thread_time() + duration / NS_PER_SECOND
        while time.thread_time() < end:
            # Real arithmetic between clock readings, so the CPU is busy
            # computing, not only asking the time.
            sum(i * i for i in range(1_000))

    def run_threads(self, bodies: Sequence[Callable[[], object]]) -> None:
        errors: list[BaseException] = []
        # Every body starts once all threads exist, as every client arrives
        # at time 0 on the virtual clock: on a busy machine, starting a thread
        # can take longer than a short wait, and the waits would not overlap.
        all_started = threading.Barrier(len(bodies) or 1)

        def together(body: Callable[[], object]) -> Callable[[], object]:
            def start() -> object:
                try:
                    all_started.wait()
                except threading.BrokenBarrierError:
                    return None  # a thread could not start; run_threads raises
                return body()

            return start

        threads: list[threading.Thread] = []
        try:
            for body in bodies:
                thread = threading.Thread(
                    target=self._thread_main, args=(together(body), errors)
                )
                thread.start()
                threads.append(thread)
        except BaseException:
            all_started.abort()
            raise
        finally:
            with self._lock:
                self._started_threads += len(threads)
            for thread in threads:
                thread.join()
        if errors:
            raise errors[0]
