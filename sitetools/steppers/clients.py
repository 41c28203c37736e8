"""The clients stepper: the waiting page's three clients on one thread.

Three tasks, each a client served by :func:`chapter2.waiting.handle`, on the
chapter's executor with a virtual clock. The same run is drawn as the
figure ``waiting-clients`` (a row per task, :func:`sitetools.drawing.lanes_dot`),
which this stepper marks poll by poll.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from chapter2.clock import VirtualClock
from chapter2.executor import Executor, PollRecord, Turn
from chapter2.waiting import handle
from sitetools.drawing import lane
from sitetools.steppers.step import Step, Stepper, Track

CLIENTS = 3
LATENCY = 0.1


class ClockReadings:
    """The clock as the executor's driver, noting the time after each turn."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.readings: list[float] = []

    def turn(self) -> bool:
        turned = self.clock.turn()
        if turned:
            self.readings.append(self.clock.now())
        return turned


@dataclass(frozen=True)
class ClientsRun:
    names: tuple[str, ...]
    trace: list[PollRecord]
    turns: list[Turn]
    readings: list[float]


@functools.cache
def clients_run() -> ClientsRun:
    """The waiting page's example: three clients on one executor."""
    clock = VirtualClock()
    driver = ClockReadings(clock)
    executor = Executor(drivers=[driver])
    names = tuple(f"client {number}" for number in range(CLIENTS))
    for name in names:
        executor.spawn(handle(clock, latency=LATENCY), name=name)
    executor.run()
    return ClientsRun(names, executor.trace, executor.turns, driver.readings)


def seconds(value: float) -> str:
    return f"{value:g} s"


def stepper() -> Stepper:
    run = clients_run()
    state = {name: "Start" for name in run.names}
    queue = list(run.names)  # spawning queues every task
    clock = 0.0
    total = len(run.trace)

    def fields() -> tuple[tuple[str, str], ...]:
        return (
            ("clock", seconds(clock)),
            *((name, state[name]) for name in run.names),
            ("run queue", ", ".join(queue) or "empty"),
        )

    steps = [
        Step(
            "Before poll 1",
            f"{len(run.names)} tasks are spawned, one per client, "
            "all queued to be polled.",
            "None has run yet.",
            lane(run.names[0], "Start"),
            other_tasks=tuple(lane(name, "Start") for name in run.names[1:]),
            fields=(*fields(), ("poll returned", "not polled yet")),
        )
    ]
    polled: set[str] = set()
    turns = iter(zip(run.turns, run.readings, strict=True))
    pending_turn = next(turns, None)
    for poll in run.trace:
        events = []
        while pending_turn is not None and pending_turn[0].polls < poll.poll:
            turn, clock = pending_turn
            woken = [task for task, _ in turn.woke]
            queue += woken
            events.append(
                "No task was ready, so the executor turned the clock's timer:"
                f" the clock jumped to {seconds(clock)} and the timer woke"
                f" {', '.join(woken) or 'no one'}."
            )
            pending_turn = next(turns, None)
        queue.remove(poll.task)
        first = poll.task not in polled
        polled.add(poll.task)
        state[poll.task] = poll.after
        if first:
            events.append(f"{poll.task} is first in the run queue: its first poll.")
        else:
            events.append(
                f"{poll.task} is first in the run queue, woken by the {poll.woken_by}."
            )
        current = lane(poll.task, poll.after)
        steps.append(
            Step(
                f"Poll {poll.poll} of {total}",
                " ".join(events),
                f"poll returned {poll.result}: {poll.task} is now {poll.after}.",
                current,
                edges=((lane(poll.task, poll.before), current),),
                other_tasks=tuple(
                    lane(name, state[name]) for name in run.names if name != poll.task
                ),
                fields=(*fields(), ("poll returned", poll.result)),
            )
        )
    return Stepper(
        "clients",
        "waiting-clients",
        "Step through three clients on one thread, poll by poll",
        (Track(f"three clients, each waiting {seconds(LATENCY)}", tuple(steps)),),
    )
