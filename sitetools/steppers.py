"""Steppers: the model's runs, one step at a time, for the pages' widgets.

A stepper replays a run of the model next to the page's state diagram: press
Next and the diagram marks the state the machine is in now and the arrows it
just took, and the widget says what led there and what the state holds.
Every step is computed here, when the site is built, by running the model
through the same API the pages' examples call (:func:`~chapter2.cart.run_cart`
and the executor's trace, :meth:`~chapter2.atm.ATM.handle`), so a change to
the model changes the steppers in the same build. Nothing is written by hand.

A page asks for one with a line ``<!-- stepper: NAME -->`` right after the
figure it highlights; :mod:`sitetools.generated` puts :func:`as_html` there,
which carries the steps in ``data-*`` attributes for
``docs/assets/stepper.js``. The page's static trace tables stay as they are,
for readers without JavaScript, search and print.
"""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Callable, Coroutine
from dataclasses import dataclass

from chapter2.atm import (
    ATM_TABLE,
    DEMO_EVENTS,
    InsertCard,
    demo_atm,
    show,
)
from chapter2.cart import (
    PRICES,
    SCENARIOS,
    VERSIONS,
    Scenario,
    cart_executor,
)
from chapter2.clock import VirtualClock
from chapter2.executor import Executor, PollRecord, Stalled, Turn
from chapter2.future import CoroutineFuture, held_by
from chapter2.machine import DOT_STYLE, InvalidTransition
from chapter2.oneshot import channel, forgetful_channel
from chapter2.waiting import handle


class StepperError(RuntimeError):
    """A stepper could not be built (unknown name, or the model disagreed)."""


@dataclass(frozen=True)
class Step:
    """What the widget shows at one step.

    ``title`` places the step ("Poll 2 of 3"); ``event`` says what led to
    it and ``outcome`` what it did, in words (the live region reads all
    three). ``node`` is the diagram node to mark as current, ``edges`` the
    arrows just taken (source, target), ``here`` other nodes occupied now
    (other tasks), and ``fields`` the name and value of what to show.
    """

    title: str
    event: str
    outcome: str
    node: str
    edges: tuple[tuple[str, str], ...] = ()
    here: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()

    def say(self) -> str:
        return " ".join(
            part for part in (self.title + ".", self.event, self.outcome) if part
        )

    def data(self) -> dict[str, object]:
        return {
            "say": self.say(),
            "node": self.node,
            "edges": [list(edge) for edge in self.edges],
            "here": list(self.here),
            "fields": [list(pair) for pair in self.fields],
        }


@dataclass(frozen=True)
class Track:
    """One run to step through (a scenario), with the label its switch shows."""

    label: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class Stepper:
    """A widget's title, the figure it marks, and its runs."""

    name: str
    figure: str
    title: str
    tracks: tuple[Track, ...] = ()

    def data(self) -> list[dict[str, object]]:
        return [
            {"label": track.label, "steps": [step.data() for step in track.steps]}
            for track in self.tracks
        ]


# --- cart_total: four scenarios, both versions side by side -----------------

SM_FIELD = "CartTotal.state"
FN_FIELD = "async def: its frame's locals"


def scenario_label(plan: Scenario) -> str:
    """What happens in a scenario, read from its data."""
    if plan.sent_early and not plan.arrivals:
        return f"{plan.name}: both prices are there before the first poll"
    later = " then ".join(plan.arrivals)
    return f"{plan.name}: the prices arrive later, {later}"


def unpolled(version: str) -> str:
    """What a version holds before its first poll: its arguments."""
    _, socks = channel("socks")
    _, shoes = channel("shoes")
    future = VERSIONS[version](socks, shoes)
    if isinstance(future, Coroutine):
        held = CoroutineFuture(future).held()
        future.close()  # never polled: close it, as dropping a future would
        return held
    return held_by(future)


@dataclass(frozen=True)
class CartRun:
    """One version's run: its trace, the driver's turns, and a stall if any."""

    trace: list[PollRecord]
    turns: list[Turn]
    stalled: Stalled | None


def run_version(scenario: str, version: str, forgetful: bool) -> CartRun:
    executor = cart_executor(
        scenario,
        version,
        make_channel=forgetful_channel if forgetful else channel,
    )
    try:
        executor.run()
    except Stalled as stalled:
        return CartRun(executor.trace, executor.turns, stalled)
    return CartRun(executor.trace, executor.turns, None)


def arrivals_between(
    plan: Scenario, run: CartRun, since: int, before: int | None
) -> list[str]:
    """Sentences for the prices that arrived after poll ``since`` (and
    before poll ``before``): the driver delivers one price per turn, in the
    scenario's order. A price that wakes no one is either early (the task
    is not awaiting its receiver yet: the price waits in the channel) or
    sent to the receiver the task is awaiting, which stored no waker: the
    stall's lost wake.
    """
    sentences = []
    for number, turn in enumerate(run.turns):
        if turn.polls < since or (before is not None and turn.polls >= before):
            continue
        item = plan.arrivals[number]
        arrived = f"The {item} price ({PRICES[item]}) arrived"
        if turn.woke:
            woke = ", ".join(f"the {by} woke {task}" for task, by in turn.woke)
            sentences.append(f"{arrived}: {woke}.")
        elif run.trace[turn.polls - 1].after == f"awaiting {item}":
            sentences.append(
                f"{arrived}, but when the task awaited it, no waker was stored,"
                " so no one was woken."
            )
        else:
            sentences.append(
                f"{arrived} and waits in its channel: the task has not"
                " polled that receiver yet, so there is no one to wake."
            )
    return sentences


def returned(result: str, state: str) -> str:
    """What a poll's result means, in words."""
    if result == "Pending":
        return f"poll returned Pending: the future stopped in {state}."
    return f"poll returned {result}: the future is {state}."


def cart_track(scenario: str, forgetful: bool = False) -> Track:
    """Every poll of cart_total in one scenario, for both versions at once."""
    plan = SCENARIOS[scenario]
    sm = run_version(scenario, "state-machine", forgetful)
    fn = run_version(scenario, "async-fn", forgetful)
    if [r.row() for r in sm.trace] != [r.row() for r in fn.trace] or (
        str(sm.stalled) != str(fn.stalled)
    ):
        raise StepperError(
            f"cart_total, {scenario}: the two versions' traces differ, "
            "so one diagram cannot follow both"
        )
    total = len(sm.trace)
    early = " and ".join(plan.sent_early)
    steps = [
        Step(
            "Before poll 1",
            "cart_total is spawned: the future exists, none of its body has run."
            + (f" The {early} prices were sent already." if early else ""),
            "It is in state Start, holding its arguments.",
            "Start",
            fields=(
                (SM_FIELD, unpolled("state-machine")),
                (FN_FIELD, unpolled("async-fn")),
            ),
        )
    ]
    node = "Start"
    for sm_poll, fn_poll in zip(sm.trace, fn.trace, strict=True):
        between = arrivals_between(plan, sm, sm_poll.poll - 1, sm_poll.poll)
        if sm_poll.woken_by == "spawn":
            between.append("First poll: the task was just spawned.")
        node = sm_poll.moves[-1].target if sm_poll.moves else node
        steps.append(
            Step(
                f"Poll {sm_poll.poll} of {total}",
                " ".join(between),
                returned(sm_poll.result, node),
                node,
                edges=tuple((m.source, m.target) for m in sm_poll.moves),
                fields=(
                    (SM_FIELD, sm_poll.held),
                    (FN_FIELD, fn_poll.held or "none: the coroutine has finished"),
                    ("poll returned", sm_poll.result),
                ),
            )
        )
    if sm.stalled is not None:
        between = arrivals_between(plan, sm, total, None)
        steps.append(
            Step(
                "Stalled",
                " ".join(between) if between else "No price is left to arrive.",
                str(sm.stalled).replace("\n  ", "; ") + ".",
                node,
                fields=(
                    (SM_FIELD, sm.trace[-1].held),
                    ("error", f"Stalled: {sm.stalled}"),
                ),
            )
        )
    label = (
        f"{scenario} with a receiver that forgets its waker (a stall)"
        if forgetful
        else scenario_label(plan)
    )
    return Track(label, tuple(steps))


def cart_stepper() -> Stepper:
    tracks = [cart_track(name) for name in SCENARIOS]
    tracks.append(cart_track("one-by-one", forgetful=True))
    return Stepper(
        "cart-total",
        "cart-total-states",
        "Step through cart_total, poll by poll",
        tuple(tracks),
    )


# --- waiting: three clients on one thread, virtual clock --------------------

WAITING_CLIENTS = 3
WAITING_LATENCY = 0.1


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
    names = tuple(f"client {number}" for number in range(WAITING_CLIENTS))
    for name in names:
        executor.spawn(handle(clock, latency=WAITING_LATENCY), name=name)
    executor.run()
    return ClientsRun(names, executor.trace, executor.turns, driver.readings)


def lane(task: str, state: str) -> str:
    """A node of the clients diagram: one task in one state."""
    return f"{task}: {state}"


def dot_text(text: str) -> str:
    """``text`` as a quoted DOT string; a line break stays one."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def clients_dot() -> str:
    """One row per client, top to bottom: the states its task went through.

    Drawn from the executor's trace, in the style of the diagrams drawn from
    transition tables. Each row starts with the client's name; labels break
    over two lines, so the figure fits the page's column.
    """
    run = clients_run()
    states = {lane(name, "Start"): f"{name}\nStart" for name in run.names}
    edges: dict[tuple[str, str], list[str]] = {}
    for poll in run.trace:
        states[lane(poll.task, poll.after)] = poll.after.replace(
            "awaiting ", "awaiting\n"
        )
        key = (lane(poll.task, poll.before), lane(poll.task, poll.after))
        label = f"{poll.woken_by}:\n{poll.result}"
        if label not in edges.setdefault(key, []):
            edges[key].append(label)
    starts = [f"__start{number}" for number in range(len(run.names))]
    lines = ['digraph "clients" {', "  rankdir=LR;", *DOT_STYLE]
    for start, name in zip(starts, run.names, strict=True):
        lines.append(f'  {start} [shape=point, width=0.12, label=""];')
        lines.append(f"  {start} -> {dot_text(lane(name, 'Start'))};")
    # The rows in the clients' order: their start points in one rank, chained.
    lines.append(f"  {{rank=same; {' -> '.join(starts)} [style=invis];}}")
    for node, label in states.items():
        final = ", peripheries=2" if label == "Done" else ""
        lines.append(f"  {dot_text(node)} [label={dot_text(label)}{final}];")
    for (source, target), labels in edges.items():
        text = dot_text("\n".join(labels))
        lines.append(f"  {dot_text(source)} -> {dot_text(target)} [label={text}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def seconds(value: float) -> str:
    return f"{value:g} s"


def clients_stepper() -> Stepper:
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
            here=tuple(lane(name, "Start") for name in run.names[1:]),
            fields=fields(),
        )
    ]
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
        state[poll.task] = poll.after
        if poll.woken_by == "spawn":
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
                here=tuple(
                    lane(name, state[name]) for name in run.names if name != poll.task
                ),
                fields=(*fields(), ("poll returned", poll.result)),
            )
        )
    return Stepper(
        "clients",
        "waiting-clients",
        "Step through three clients on one thread, poll by poll",
        (Track("three clients, each waiting 0.1 s", tuple(steps)),),
    )


# --- the ATM: the page's session, event by event ----------------------------


def atm_stepper() -> Stepper:
    atm = demo_atm()
    account = next(e.card.account for e in DEMO_EVENTS if isinstance(e, InsertCard))
    total = len(DEMO_EVENTS)

    def fields(screen: str) -> tuple[tuple[str, str], ...]:
        returned = ", ".join(repr(card) for card in atm.returned) or "none"
        return (
            ("state", repr(atm.state)),
            ("screen", screen),
            ("cards returned", returned),
            ("cash paid out", str(atm.dispensed)),
            (f"{account}'s balance", str(atm.bank.balance(account))),
        )

    steps = [
        Step(
            "Before the first event",
            "The machine waits for a card.",
            "It is in state Idle.",
            "Idle",
            fields=fields("(waiting for a card)"),
        )
    ]
    screen = "(waiting for a card)"
    for number, event in enumerate(DEMO_EVENTS, 1):
        before = atm.state
        source = type(before).__name__
        try:
            screen = atm.handle(event)
        except InvalidTransition:
            steps.append(
                Step(
                    f"Event {number} of {total}",
                    f"{show(event)} arrives.",
                    f"Refused: {type(event).__name__} makes no sense in state"
                    f" {source}, so nothing changed.",
                    source,
                    fields=fields(screen),
                )
            )
            continue
        move = ATM_TABLE.move(before, event, atm.state)
        if move.source == move.target:
            moved = f"The machine stays in {move.target} ({move.label})."
        else:
            moved = f"{move.label}: the machine moves to {move.target}."
        steps.append(
            Step(
                f"Event {number} of {total}",
                f"{show(event)} arrives.",
                f"{moved} The screen says: {screen}",
                move.target,
                edges=((move.source, move.target),),
                fields=fields(screen),
            )
        )
    return Stepper(
        "atm-session",
        "atm-states",
        "Step through the ATM session, event by event",
        (Track("the session on this page", tuple(steps)),),
    )


# --- registry and HTML ------------------------------------------------------

STEPPERS: dict[str, Callable[[], Stepper]] = {
    "cart-total": cart_stepper,
    "clients": clients_stepper,
    "atm-session": atm_stepper,
}


def build(name: str) -> Stepper:
    """Build the stepper called ``name`` from the model."""
    try:
        make = STEPPERS[name]
    except KeyError:
        known = ", ".join(sorted(STEPPERS))
        raise StepperError(
            f"unknown stepper {name!r}; known steppers: {known}"
        ) from None
    return make()


def data_attribute(value: object) -> str:
    """JSON for a ``data-*`` attribute in single quotes, escaped for HTML.

    Single quotes, because JSON is full of double ones: each would cost six
    bytes as ``&quot;``.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return "'" + escaped.replace("'", "&#39;") + "'"


def as_html(stepper: Stepper) -> str:
    """The widget: hidden until the script has set it up, as it does nothing
    without one. It names no script: ``assets/stepper-loader.js``, on every
    page, loads ``assets/stepper.js`` where a widget is.
    """
    tracks = stepper.data()
    choose = ""
    if len(stepper.tracks) > 1:
        options = "".join(
            f'<option value="{number}">{html.escape(track.label)}</option>'
            for number, track in enumerate(stepper.tracks)
        )
        choose = (
            '<label class="chapter-stepper__track">Scenario '
            f"<select data-stepper-track>{options}</select></label>\n"
        )
    parts = [
        f'<div class="chapter-stepper" role="group"'
        f' aria-label="{html.escape(stepper.title)}"'
        f' data-stepper="{stepper.name}" data-figure="figure-{stepper.figure}"'
        f" data-tracks={data_attribute(tracks)} hidden>",
        '<div class="chapter-stepper__controls">',
        choose
        + '<button type="button" class="md-button" data-go="first">Reset</button>\n'
        '<button type="button" class="md-button" data-go="prev">Previous</button>\n'
        '<button type="button" class="md-button md-button--primary" data-go="next">'
        "Next</button>",
        "</div>",
        # The first step's words are there from the start, so setting up the
        # widget changes nothing the live region would announce.
        '<p class="chapter-stepper__status" role="status">'
        f"{html.escape(stepper.tracks[0].steps[0].say())}</p>",
        '<dl class="chapter-stepper__fields"></dl>',
        "</div>",
    ]
    return "\n".join(parts)
