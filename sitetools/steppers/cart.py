"""The cart_total stepper: every poll of the running example, both versions.

Runs :class:`~chapter2.cart.CartTotal` and ``async def cart_total`` in each of
the model's scenarios (and once with receivers that forget their waker, the
stall) through :func:`~chapter2.cart.cart_executor`, the code the pages'
examples call. The run is first read into structured facts (a
:class:`Poll` per poll, an :class:`Arrival` per price, each with its
:class:`Fate`), then told in words by :func:`tell`.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass

from chapter2 import cart
from chapter2.executor import PollRecord, Stalled, Turn
from chapter2.future import CoroutineFuture, held_by
from chapter2.oneshot import channel, forgetful_channel
from sitetools.steppers.step import Step, Stepper, StepperError, Track

STATE_MACHINE = "CartTotal.state"
ASYNC_FN = "async def: its frame's locals"

# The item whose receiver each waiting state of CartTotal awaits: the first
# field of WaitingForSocks and of WaitingForShoes (chapter2/cart.py).
AWAITED = {
    cart.WaitingForSocks.__name__: "socks",
    cart.WaitingForShoes.__name__: "shoes",
}
FINAL = {state.__name__ for state in cart.CART_TOTAL.final}


class Fate(enum.Enum):
    """What became of a price the driver delivered."""

    WOKE = "woke the task"
    EARLY = "waits in its channel: its receiver is not awaited yet"
    LOST = "sent to the awaited receiver, which stored no waker"


@dataclass(frozen=True)
class Arrival:
    item: str
    price: int
    fate: Fate
    woke: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Poll:
    """One poll of both versions, which must agree."""

    number: int
    first: bool
    arrivals: tuple[Arrival, ...]
    node: str
    edges: tuple[tuple[str, str], ...]
    ready: bool
    result: str
    state_machine_holds: str
    async_fn_holds: str


@dataclass(frozen=True)
class Run:
    """One version's run: its trace, the driver's turns, and a stall if any."""

    trace: list[PollRecord]
    turns: list[Turn]
    stalled: Stalled | None
    prices: Mapping[str, int]


def scenario_label(plan: cart.Scenario) -> str:
    """What happens in a scenario, read from its data."""
    if plan.sent_early and not plan.arrivals:
        return f"{plan.name}: both prices are there before the first poll"
    later = " then ".join(plan.arrivals)
    return f"{plan.name}: the prices arrive later, {later}"


def unpolled(version: str) -> str:
    """What a version holds before its first poll: its arguments."""
    _, socks = channel("socks")
    _, shoes = channel("shoes")
    future = cart.VERSIONS[version](socks, shoes)
    if isinstance(future, Coroutine):
        held = CoroutineFuture(future).held()
        future.close()  # never polled: close it, as dropping a future would
        return held
    return held_by(future)


def run_version(
    scenario: str,
    version: str,
    forgetful: bool,
    prices: Mapping[str, int] = cart.PRICES,
) -> Run:
    executor = cart.cart_executor(
        scenario,
        version,
        prices=prices,
        make_channel=forgetful_channel if forgetful else channel,
    )
    try:
        executor.run()
    except Stalled as stalled:
        return Run(executor.trace, executor.turns, stalled, prices)
    return Run(executor.trace, executor.turns, None, prices)


def node_after(poll: PollRecord, before: str) -> str:
    """The diagram's state after a poll: where its last move led."""
    return poll.moves[-1].target if poll.moves else before


def arrivals(
    plan: cart.Scenario, run: Run, since: int, before: int | None
) -> tuple[Arrival, ...]:
    """The prices delivered after poll ``since`` (and before poll
    ``before``): the driver delivers one per turn, in the scenario's order.
    A price that wakes no one either went to the receiver the task awaits
    (its state's :data:`AWAITED` item), which stored no waker, or is early.
    """
    found = []
    node = cart.Start.__name__
    nodes = [node]
    for poll in run.trace:
        node = node_after(poll, node)
        nodes.append(node)
    for number, turn in enumerate(run.turns):
        if turn.polls < since or (before is not None and turn.polls >= before):
            continue
        item = plan.arrivals[number]
        if turn.woke:
            fate = Fate.WOKE
        elif AWAITED.get(nodes[turn.polls]) == item:
            fate = Fate.LOST
        else:
            fate = Fate.EARLY
        found.append(Arrival(item, run.prices[item], fate, turn.woke))
    return tuple(found)


def told(arrival: Arrival) -> str:
    arrived = f"The {arrival.item} price ({arrival.price}) arrived"
    match arrival.fate:
        case Fate.WOKE:
            woke = ", ".join(f"the {by} woke {task}" for task, by in arrival.woke)
            return f"{arrived}: {woke}."
        case Fate.LOST:
            return (
                f"{arrived}, but when the task awaited it, no waker was stored,"
                " so no one was woken."
            )
        case Fate.EARLY:
            return (
                f"{arrived} and waits in its channel: the task has not"
                " polled that receiver yet, so there is no one to wake."
            )


def tell(poll: Poll, total: int) -> Step:
    """A poll in words, with what the diagram marks and the fields show."""
    events = [told(arrival) for arrival in poll.arrivals]
    if poll.first:
        events.append("First poll: the task was just spawned.")
    if poll.ready:
        outcome = f"poll returned {poll.result}: the future is {poll.node}."
    else:
        outcome = f"poll returned Pending: the future stopped in {poll.node}."
    return Step(
        f"Poll {poll.number} of {total}",
        " ".join(events),
        outcome,
        poll.node,
        edges=poll.edges,
        fields=(
            (STATE_MACHINE, poll.state_machine_holds),
            (ASYNC_FN, poll.async_fn_holds or "none: the coroutine has finished"),
            ("poll returned", poll.result),
        ),
    )


def track(
    scenario: str,
    forgetful: bool = False,
    prices: Mapping[str, int] = cart.PRICES,
) -> Track:
    """Every poll of cart_total in one scenario, for both versions at once."""
    if scenario not in cart.SCENARIOS:
        valid = ", ".join(map(repr, cart.SCENARIOS))
        raise ValueError(f"unknown scenario {scenario!r}; valid: {valid}")
    plan = cart.SCENARIOS[scenario]
    sm = run_version(scenario, "state-machine", forgetful, prices)
    fn = run_version(scenario, "async-fn", forgetful, prices)
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
            cart.Start.__name__,
            fields=(
                (STATE_MACHINE, unpolled("state-machine")),
                (ASYNC_FN, unpolled("async-fn")),
                ("poll returned", "not polled yet"),
            ),
        )
    ]
    node = cart.Start.__name__
    for sm_poll, fn_poll in zip(sm.trace, fn.trace, strict=True):
        node = node_after(sm_poll, node)
        poll = Poll(
            number=sm_poll.poll,
            first=sm_poll is sm.trace[0],  # one task: its first poll
            arrivals=arrivals(plan, sm, sm_poll.poll - 1, sm_poll.poll),
            node=node,
            edges=tuple((m.source, m.target) for m in sm_poll.moves),
            ready=node in FINAL,
            result=sm_poll.result,
            state_machine_holds=sm_poll.held,
            async_fn_holds=fn_poll.held,
        )
        steps.append(tell(poll, total))
    if sm.stalled is not None:
        late = [told(a) for a in arrivals(plan, sm, total, None)]
        steps.append(
            Step(
                "Stalled",
                " ".join(late) if late else "No price is left to arrive.",
                str(sm.stalled).replace("\n  ", "; ") + ".",
                node,
                fields=(
                    (STATE_MACHINE, sm.trace[-1].held),
                    (ASYNC_FN, fn.trace[-1].held),
                    ("poll returned", "no poll: nothing woke the task"),
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


def stepper() -> Stepper:
    tracks = [track(name) for name in cart.SCENARIOS]
    tracks.append(track("one-by-one", forgetful=True))
    return Stepper(
        "cart-total",
        "cart-total-states",
        "Step through cart_total, poll by poll",
        tuple(tracks),
    )


def replay(
    scenario: str = "one-by-one",
    *,
    forgetful: bool = False,
    prices: Mapping[str, int] = cart.PRICES,
) -> str:
    """One run as the widget's ``stepper:replay`` event takes it (JSON).

    Step your own run: Python in the page, with the reader's edits of the
    package in place, calls this, the code the build calls, and hands the
    result to the cart-total widget (``docs/assets/stepper/stepper.js``).
    The run is labelled "your run" so the reader tells it from the page's.
    Bad ``scenario`` or ``prices`` raise the model's own ValueError.
    """
    made = track(scenario, forgetful, prices)
    priced = ", ".join(f"{item} {price}" for item, price in prices.items())
    label = f"your run: {made.label}; prices {priced}"
    return json.dumps({"tracks": [Track(label, made.steps).data()]})
