"""CartTotal against async def cart_total: same totals, same traces, same errors."""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import FrozenInstanceError, fields
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chapter2.cart import (
    CART_TOTAL,
    SCENARIOS,
    VERSIONS,
    CartState,
    CartTotal,
    Done,
    Resumed,
    Start,
    WaitingForShoes,
    WaitingForSocks,
    cart_executor,
    cart_total,
    run_cart,
    trace_for,
)
from chapter2.executor import Executor, Stalled
from chapter2.future import CoroutineFuture, Future, FutureBase, PolledAfterCompletion
from chapter2.machine import IllegalTarget, InvalidTransition
from chapter2.oneshot import Canceled, Sender, channel, forgetful_channel
from chapter2.task import Context, Pending, Poll, Ready, Waker

# The contract: what docs/listings/cart_total.rs prints for each scenario.
EXPECTED = {
    "one-by-one": """\
poll  task        woken by      state before    state after     result
1     cart_total  spawn         Start           awaiting socks  Pending
2     cart_total  socks sender  awaiting socks  awaiting shoes  Pending
3     cart_total  shoes sender  awaiting shoes  Done            Ready(70)""",
    "already-there": """\
poll  task        woken by  state before  state after  result
1     cart_total  spawn     Start         Done         Ready(70)""",
    "other-order": """\
poll  task        woken by      state before    state after     result
1     cart_total  spawn         Start           awaiting socks  Pending
2     cart_total  socks sender  awaiting socks  Done            Ready(70)""",
}


@pytest.mark.parametrize("version", sorted(VERSIONS))
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_trace_matches_the_rust_listing(scenario: str, version: str) -> None:
    assert trace_for(scenario, version) == EXPECTED[scenario]


def test_scenario_names_are_the_ones_the_rust_listing_runs() -> None:
    assert list(SCENARIOS) == ["one-by-one", "already-there", "other-order"]


@pytest.mark.parametrize(
    ("scenario", "version", "message"),
    [
        ("sideways", "async-fn", "unknown scenario 'sideways'; valid: 'one-by-one'"),
        ("one-by-one", "rust", "unknown version 'rust'; valid: 'state-machine'"),
    ],
)
def test_unknown_names_are_refused_with_the_valid_ones(
    scenario: str, version: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        trace_for(scenario, version)


@pytest.mark.parametrize("version", sorted(VERSIONS))
@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_the_prices_given_are_the_prices_sent(scenario: str, version: str) -> None:
    """The reader's edit on async-fn.md: the socks at 20 make the total 78."""
    prices = {"socks": 20, "shoes": 58}
    expected = EXPECTED[scenario].replace("Ready(70)", "Ready(78)")
    assert trace_for(scenario, version, prices=prices) == expected
    assert prices == {"socks": 20, "shoes": 58}, "the reader's mapping changed"


def test_prices_are_read_once_when_the_run_is_set_up() -> None:
    prices = {"socks": 20, "shoes": 58}
    executor = cart_executor("one-by-one", "async-fn", prices=prices)
    prices["socks"] = 1000
    executor.run()
    assert executor.trace[-1].result == "Ready(78)"


@pytest.mark.parametrize(
    ("prices", "error", "message"),
    [
        ({"socks": 20}, ValueError, "prices has no price for 'shoes'"),
        ({}, ValueError, "prices has no price for 'socks'"),
        (
            {"socks": 20, "shoes": 58, "hat": 9},
            ValueError,
            "prices names 'hat', which is not in the cart",
        ),
        (
            {"socks": -1, "shoes": 58},
            ValueError,
            "price of 'socks' cannot be negative: -1",
        ),
        (
            {"socks": 12, "shoes": 5.8},
            TypeError,
            r"'shoes' must be an int, not 5.8 \(float\)",
        ),
        (
            {"socks": "12", "shoes": 58},
            TypeError,
            r"'socks' must be an int, not '12' \(str\)",
        ),
        ({"socks": True, "shoes": 58}, TypeError, "'socks' must be an int, not True"),
        ([("socks", 12)], TypeError, "prices must map each item to its price"),
    ],
)
def test_bad_prices_are_refused_before_anything_runs(
    prices: Any, error: type[Exception], message: str
) -> None:
    made: list[str] = []

    def counted(name: str) -> tuple[Sender[int], Any]:
        made.append(name)
        return channel(name)

    with pytest.raises(error, match=message):
        run_cart("one-by-one", "async-fn", prices=prices, make_channel=counted)
    assert not made, "a channel was made for a run that was refused"


def noop_cx() -> Context:
    return Context(Waker.noop())


def test_each_state_holds_only_what_the_rest_needs() -> None:
    socks_tx, socks = channel("socks")
    _shoes_tx, shoes = channel("shoes")
    cart = CartTotal(socks, shoes)
    assert cart.state == Start(socks, shoes)
    assert cart.poll(noop_cx()) == Pending()
    assert cart.state == WaitingForSocks(socks, shoes)
    socks_tx.send(12)
    assert cart.poll(noop_cx()) == Pending()
    assert cart.state == WaitingForShoes(12, shoes)
    assert [f.name for f in fields(cart.state)] == ["socks_price", "shoes"]


def test_a_state_cannot_be_changed_in_place() -> None:
    """Each poll makes a new state; none can be altered after it is made."""
    _socks_tx, socks = channel("socks")
    _shoes_tx, shoes = channel("shoes")
    states: list[CartState] = [
        Start(socks, shoes),
        WaitingForSocks(socks, shoes),
        WaitingForShoes(12, shoes),
        Done(),
    ]
    assert {type(state) for state in states} == set(get_args(CartState))
    for state in states:
        for name in [*(f.name for f in fields(state)), "extra"]:
            with pytest.raises(FrozenInstanceError):
                setattr(state, name, None)


def test_polling_after_ready_is_refused_like_rustc_panics() -> None:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    socks_tx.send(1)
    shoes_tx.send(2)
    cart = CartTotal(socks, shoes)
    assert cart.poll(noop_cx()) == Ready(3)
    assert cart.state == Done()
    with pytest.raises(
        PolledAfterCompletion, match="`async fn` resumed after completion"
    ):
        cart.poll(noop_cx())
    assert cart.state == Done(), "the refused poll changed nothing"


def test_a_move_the_table_does_not_list_is_refused() -> None:
    _socks_tx, socks = channel("socks")
    _shoes_tx, shoes = channel("shoes")
    cart = CartTotal(socks, shoes)
    with pytest.raises(IllegalTarget, match="moved to Done"):
        cart._move(Resumed(), Done())
    with pytest.raises(InvalidTransition, match="Ready makes no sense in state Start"):
        cart._move(Ready(1), Done())
    assert cart.state == Start(socks, shoes)


def test_table_lists_every_state_and_done_is_final() -> None:
    assert CART_TOTAL.states() == (Start, WaitingForSocks, WaitingForShoes, Done)
    assert CART_TOTAL.final == (Done,)
    assert CART_TOTAL.accepted_events(Done) == ()


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_forgetful_leaf_stalls_naming_task_and_state(version: str) -> None:
    with pytest.raises(Stalled) as raised:
        run_cart("one-by-one", version, make_channel=forgetful_channel)
    assert raised.value.stuck == [("cart_total", "awaiting socks")]
    assert str(raised.value) == (
        "executor stalled: 1 task(s) can never be polled again\n"
        "  task 'cart_total' is stuck in state awaiting socks: "
        "no one holds its waker, so nothing can ever wake it"
    )


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_a_closed_sender_ends_the_task_with_canceled(version: str) -> None:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    socks_tx.send(12)
    shoes_tx.close()
    executor = Executor()
    executor.spawn(VERSIONS[version](socks, shoes), name="cart_total")
    with pytest.raises(Canceled, match="the shoes sender was dropped"):
        executor.run()
    assert executor.trace[-1].result == "raised Canceled"


@pytest.mark.parametrize("version", sorted(VERSIONS))
def test_asyncio_gives_the_same_total(version: str) -> None:
    async def main() -> int:
        loop = asyncio.get_running_loop()
        socks_tx, socks = channel("socks")
        shoes_tx, shoes = channel("shoes")
        loop.call_soon(socks_tx.send, 12)
        loop.call_later(0.001, shoes_tx.send, 58)
        result: int = await VERSIONS[version](socks, shoes)
        return result

    assert asyncio.run(main()) == 70


# --- the property: any order of arrivals, polls and spurious wakes ----------


class WakerSpy(FutureBase[int]):
    """Passes polls through, keeping the task's waker for spurious wakes."""

    def __init__(self, inner: Future[int]) -> None:
        self.inner = inner
        self.waker: Waker | None = None

    def state_label(self) -> str:
        label = getattr(self.inner, "state_label", None)
        return str(label()) if callable(label) else "?"

    def poll(self, cx: Context) -> Poll[int]:
        self.waker = cx.waker()
        return self.inner.poll(cx)


class Script:
    """A driver that runs one scripted step per turn."""

    def __init__(
        self, steps: list[str], senders: dict[str, Sender[int]], spy: WakerSpy
    ) -> None:
        self.steps = deque(steps)
        self.senders = senders
        self.spy = spy

    def turn(self) -> bool:
        if not self.steps:
            return False
        step = self.steps.popleft()
        if step == "spurious":
            assert self.spy.waker is not None
            self.spy.waker.wake(by="spurious")
        else:
            self.senders[step].send({"socks": 12, "shoes": 58}[step])
        return True


def run_script(
    version: str, early: list[str], steps: list[str]
) -> tuple[int, list[tuple[str, ...]]]:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    senders = {"socks": socks_tx, "shoes": shoes_tx}
    for item in early:
        senders[item].send({"socks": 12, "shoes": 58}[item])
    made: Any = VERSIONS[version](socks, shoes)
    inner = made if isinstance(made, CartTotal) else CoroutineFuture(made)
    spy = WakerSpy(inner)
    executor = Executor(drivers=[Script(steps, senders, spy)])
    total = executor.block_on(spy, name="cart_total")
    rows = [(r.woken_by, r.before, r.after, r.result) for r in executor.trace]
    return total, rows


@st.composite
def scripts(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    order = draw(st.permutations(["socks", "shoes"]))
    early_count = draw(st.integers(0, 2))
    steps = list(order[early_count:])
    for _ in range(draw(st.integers(0, 4))):
        steps.insert(draw(st.integers(0, len(steps))), "spurious")
    return list(order[:early_count]), steps


@settings(max_examples=150, deadline=None)
@given(scripts())
def test_both_versions_agree_and_spurious_wakes_change_nothing(
    script: tuple[list[str], list[str]],
) -> None:
    early, steps = script
    total, rows = run_script("state-machine", early, steps)
    assert (total, rows) == run_script("async-fn", early, steps)
    assert total == 70
    for woken_by, before, after, result in rows:
        if woken_by == "spurious":
            assert (result, after) == ("Pending", before)
    without = [step for step in steps if step != "spurious"]
    clean_total, clean_rows = run_script("state-machine", early, without)
    assert clean_total == total
    assert [row for row in rows if row[0] != "spurious"] == clean_rows


def test_the_property_sees_spurious_wakes() -> None:
    # Guard against a vacuous property: a spurious step really adds a poll.
    total, rows = run_script("async-fn", [], ["spurious", "socks", "shoes"])
    assert total == 70
    assert rows[1] == ("spurious", "awaiting socks", "awaiting socks", "Pending")


def test_async_fn_is_the_coroutine_from_the_page() -> None:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    socks_tx.send(1)
    shoes_tx.send(2)
    assert Executor().block_on(cart_total(socks, shoes)) == 3
