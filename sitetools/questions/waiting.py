"""Questions for "The problem with waiting" (docs/waiting.md).

Answers come from runs on the virtual clock: the three clients' trace, the
elapsed time of :func:`chapter2.waiting.serve_async` with a blocking
handler, and the order two CPU-bound jobs take turns in.
"""

from __future__ import annotations

from chapter2.clock import Clock, VirtualClock
from chapter2.executor import Executor
from chapter2.waiting import crunch, handle, serve_async
from sitetools.questions.core import Answer, Question, Show, Wrong
from sitetools.questions.helpers import stepper_show

PAGE = "waiting.md"
CLIENTS = 3
LATENCY = 0.1


def clients_run() -> tuple[Executor, VirtualClock]:
    """The page's three clients, each sleeping ``LATENCY`` on one executor."""
    clock = VirtualClock()
    executor = Executor(drivers=[clock])
    for number in range(CLIENTS):
        executor.spawn(handle(clock, latency=LATENCY), name=f"client {number}")
    executor.run()
    return executor, clock


def poll_four() -> Question:
    executor, _ = clients_run()
    # The first poll after the clock moved: the first one a wake brought.
    row = next(r for r in executor.trace if r.woken_by != "spawn")
    last_asleep = [r.task for r in executor.trace if r.woken_by == "spawn"][-1]
    return Question(
        "waiting-poll-after-sleep",
        PAGE,
        "the first poll after the wait",
        f"{CLIENTS} clients each sleep {LATENCY} s on one executor. Every "
        "task is polled once and stops at its sleep. Which task does the "
        "executor poll next, and what woke it?",
        Answer(
            (row.poll, row.task, row.woken_by),
            f"Poll {row.poll}: {row.task}, woken by the {row.woken_by}",
            f"No task is ready, so the executor turns the clock, which jumps "
            f"to {LATENCY} s and fires every timer that is due, in the order "
            f"they were set: {row.task}'s first. Its waker queues it first.",
        ),
        (
            Wrong(
                "the task that went to sleep last runs first",
                (row.poll, last_asleep, row.woken_by),
                f"Poll {row.poll}: {last_asleep}, woken by the {row.woken_by}",
                f"The timer wakes the tasks in the order their timers were "
                f"set, and the run queue is first in, first out: the model "
                f"polls {row.task} at poll {row.poll}.",
            ),
            Wrong(
                "the executor itself goes back to each task in turn",
                (row.poll, row.task, "executor"),
                f"Poll {row.poll}: {row.task}, which the executor polls "
                "again by itself",
                "The executor polls a waiting task only after its waker is "
                f'called. The trace\'s "woken by" column says: {row.woken_by}.',
            ),
        ),
        stepper_show("clients", 0, f"Poll {row.poll} of", f"Step to poll {row.poll}"),
    )


def clock_after() -> Question:
    _, clock = clients_run()
    now = clock.now()
    return Question(
        "waiting-clock-after",
        PAGE,
        "how long three waits take",
        f"After that run, with {CLIENTS} clients each waiting {LATENCY} s on "
        "one thread, what does `clock.now()` say?",
        Answer(
            now,
            f"{now:g} s",
            "All the sleeps start before the clock moves, so they overlap: "
            f"the clock jumps once, to {now:g} s, and every timer fires.",
        ),
        (
            Wrong(
                "waits on one thread add up",
                round(CLIENTS * LATENCY, 9),
                f"{CLIENTS * LATENCY:g} s",
                "That is what a blocking thread takes, serving the clients in "
                f"turn. The tasks hand the thread back while they wait: the "
                f"model's clock reads {now:g} s.",
            ),
            Wrong(
                "a wait that does not block takes no time",
                0.0,
                "0 s",
                "Sleeping without blocking frees the thread, not the clock: "
                f"the timers fire at {now:g} s, and the model's clock says so.",
            ),
        ),
        stepper_show("clients", 0, "Poll 4 of", "Step past the clock's jump"),
    )


async def handle_blocking(clock: Clock, latency: float, work: float) -> None:
    clock.block(latency)  # std::thread::sleep inside an async fn


def blocking_inside() -> Question:
    clients = 10
    run = serve_async(clients=clients, latency=LATENCY, handler=handle_blocking)
    fine = serve_async(clients=clients, latency=LATENCY)
    return Question(
        "waiting-blocking-inside",
        PAGE,
        "a blocking call inside a task",
        f"{clients} clients on one executor, but each handler calls the "
        f"blocking `clock.block({LATENCY})` (as an `async fn` calling "
        "`std::thread::sleep` would). How long does serving them take, and on "
        "how many threads?",
        Answer(
            (run.elapsed, run.threads),
            f"{run.elapsed:g} s on {run.threads} thread",
            "A task hands the thread back only by returning `Pending`. "
            "`block` never does, so each client waits while holding the one "
            f"thread: {clients} x {LATENCY} s.",
        ),
        (
            Wrong(
                "code in an async fn cannot block the others",
                (fine.elapsed, fine.threads),
                f"{fine.elapsed:g} s on {fine.threads} thread, as with `sleep`",
                f"Only `await`ing a future that returns `Pending` lets another "
                f"task run. The model measures {run.elapsed:g} s.",
            ),
            Wrong(
                "the runtime moves a blocked task to a thread of its own",
                (fine.elapsed, clients),
                f"{fine.elapsed:g} s on {clients} threads",
                "An executor cannot see that `poll` is blocked; it just waits "
                f"for it to return. The model uses {run.threads} thread and "
                f"takes {run.elapsed:g} s.",
            ),
        ),
        Show("Read about blocking inside a task", "blocking-inside-a-task-undoes-it"),
    )


def crunch_order() -> Question:
    clock = VirtualClock()
    executor = Executor(drivers=[clock])
    for name in ("a", "b"):
        executor.spawn(crunch(clock, work=0.1, slices=2), name=f"job {name}")
    executor.run()
    order = tuple(r.task.removeprefix("job ") for r in executor.trace)
    each = order.count("a")
    one_then_other = ("a",) * each + ("b",) * each
    # Last in, first out: the job that yields is put back on top and taken
    # again at once, so the job spawned last runs all its polls first.
    last_first = ("b",) * order.count("b") + ("a",) * order.count("a")
    return Question(
        "waiting-crunch-order",
        PAGE,
        "two jobs taking turns",
        "Jobs `a` and `b` are spawned in that order; each computes in two "
        "slices with `yield_now` after each. In what order are they polled?",
        Answer(
            order,
            " ".join(order),
            "Each `yield_now` wakes its own task before returning `Pending`, "
            "which puts it at the back of the run queue, behind the other job.",
        ),
        (
            Wrong(
                "a task keeps the thread until it finishes",
                one_then_other,
                " ".join(one_then_other),
                "`yield_now` returns `Pending` once, which ends the poll and "
                f"hands the thread back: the model's order is {' '.join(order)}.",
            ),
            Wrong(
                "the task spawned last runs first",
                last_first,
                " ".join(last_first),
                "A stack would take `b` and, each time it yields, take it "
                "again at once. The model's run queue is first in, first out: "
                f"a job that yields goes behind the other, and the order is "
                f"{' '.join(order)}.",
            ),
        ),
        Show("Read the trace of the two jobs", "cpu-bound-work-gets-no-faster"),
    )


QUESTIONS = (poll_four, clock_after, blocking_inside, crunch_order)
