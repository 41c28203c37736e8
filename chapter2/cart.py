"""``async fn cart_total``, and the states of the future rustc makes of it.

The running example of the chapter adds the prices of two cart items, socks
and shoes, that arrive later, each through a :mod:`oneshot <chapter2.oneshot>`
channel. It exists here twice:

* :func:`cart_total` is the plain ``async def``, as a programmer writes it;
* :class:`CartTotal` writes out by hand the states of the future rustc
  generates for it (docs/listings/cart_total_desugared.rs): one frozen
  dataclass per place the function can stop, each holding the values live
  there (for this function, what the rest of it still needs), and a ``poll``
  that moves between them. It models the states, not rustc's code, which
  keeps each value in place and stores the arguments a second time.

The legal moves of :class:`CartTotal` live in one table, :data:`CART_TOTAL`,
which ``poll`` checks every move against and the page's diagram is drawn
from. :func:`trace_for` runs either version under the chapter's
:class:`~chapter2.executor.Executor` with the prices arriving in one of the
:data:`SCENARIOS`, and returns the poll-by-poll trace the Rust listings print.

Examples:
    >>> from chapter2.cart import trace_for
    >>> print(trace_for("already-there", "state-machine"))
    poll  task        woken by  state before  state after  result
    1     cart_total  spawn     Start         Done         Ready(70)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Coroutine, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from chapter2.executor import Executor
from chapter2.future import Future, FutureBase, PolledAfterCompletion
from chapter2.machine import Move, Transition, TransitionTable
from chapter2.oneshot import Receiver, Sender, channel
from chapter2.task import Context, Pending, Poll, Ready


# --8<-- [start:cart_total]
async def cart_total(socks: Receiver[int], shoes: Receiver[int]) -> int:
    socks_price = await socks
    shoes_price = await shoes
    return socks_price + shoes_price


# --8<-- [end:cart_total]


# --8<-- [start:states]
@dataclass(frozen=True)
class Start:
    """Created, not yet polled: holds both receivers (the arguments)."""

    socks: Receiver[int]
    shoes: Receiver[int]


@dataclass(frozen=True)
class WaitingForSocks:
    """Stopped at ``socks.await``: the receiver it awaits, and shoes."""

    socks: Receiver[int]
    shoes: Receiver[int]


@dataclass(frozen=True)
class WaitingForShoes:
    """Stopped at ``shoes.await``: the socks receiver gone, its price kept."""

    socks_price: int
    shoes: Receiver[int]


@dataclass(frozen=True)
class Done:
    """Returned ``Ready``: nothing left to hold."""


CartState = Start | WaitingForSocks | WaitingForShoes | Done
# --8<-- [end:states]


# --8<-- [start:table]
@dataclass(frozen=True)
class Resumed:
    """The executor called ``poll`` on a future that has not started yet."""


# The events are what happens on entering a state: the first poll, or the
# outcome of polling the receiver the state awaits (Ready or Pending).
CART_TOTAL = TransitionTable(
    "cart_total",
    initial=Start,
    transitions=[
        Transition(Start, Resumed, (WaitingForSocks,), "first poll"),
        Transition(
            WaitingForSocks, Pending, (WaitingForSocks,), "socks: Pending"
        ),
        Transition(
            WaitingForSocks, Ready, (WaitingForShoes,), "socks: Ready(price)"
        ),
        Transition(
            WaitingForShoes, Pending, (WaitingForShoes,), "shoes: Pending"
        ),
        Transition(WaitingForShoes, Ready, (Done,), "shoes: Ready(price)"),
    ],
    final=[Done],
)
# --8<-- [end:table]


# --8<-- [start:poll]
class CartTotal(FutureBase[int]):
    """The states of rustc's future for ``async fn cart_total``, by hand.

    Constructing it runs nothing, as calling an ``async fn`` runs nothing:
    the receivers are stored in :class:`Start` until the first ``poll``.
    """

    def __init__(self, socks: Receiver[int], shoes: Receiver[int]) -> None:
        self.state: CartState = Start(socks, shoes)
        self.moves: list[Move] = []  # every move so far, for traces

    def poll(self, cx: Context) -> Poll[int]:
        while True:
            match self.state:
                case Start(socks, shoes):
                    self._move(Resumed(), WaitingForSocks(socks, shoes))
                case WaitingForSocks(socks, shoes):
                    outcome = socks.poll(cx)
                    match outcome:
                        case Ready(socks_price):
                            # No field for `socks` in the next state:
                            # it is dropped.
                            self._move(
                                outcome, WaitingForShoes(socks_price, shoes)
                            )
                        case Pending():
                            self._move(outcome, WaitingForSocks(socks, shoes))
                            return Pending()
                case WaitingForShoes(socks_price, shoes):
                    outcome = shoes.poll(cx)
                    match outcome:
                        case Ready(shoes_price):
                            self._move(outcome, Done())
                            return Ready(socks_price + shoes_price)
                        case Pending():
                            self._move(
                                outcome, WaitingForShoes(socks_price, shoes)
                            )
                            return Pending()
                case Done():
                    raise PolledAfterCompletion(
                        "`async fn` resumed after completion"
                    )

    def _move(self, event: object, new_state: CartState) -> None:
        """Take one step; refuse any the table :data:`CART_TOTAL` lacks."""
        self.moves.append(CART_TOTAL.move(self.state, event, new_state))
        self.state = new_state

    # --8<-- [end:poll]

    def state_label(self) -> str:
        """The label traces print, the same one the Rust listings print."""
        match self.state:
            case Start():
                return "Start"
            case WaitingForSocks():
                return "awaiting socks"
            case WaitingForShoes():
                return "awaiting shoes"
            case Done():
                return "Done"

    def held(self) -> str:
        """What the future holds now: its state, with that state's data."""
        return repr(self.state)

    def __repr__(self) -> str:
        return f"CartTotal({self.state!r})"


PRICES = {"socks": 12, "shoes": 58}
"""What each item costs unless a run is given other prices; every scenario
totals 70, as in the Rust listings."""


def checked_prices(prices: Mapping[str, int]) -> dict[str, int]:
    """A copy of ``prices`` if it prices each item of the cart, and nothing
    else, with a whole number of at least 0; otherwise an error that says
    what is wrong. Checked before a run starts, so a bad price changes nothing.

    Examples:
        >>> from chapter2.cart import checked_prices
        >>> checked_prices({"socks": 20, "shoes": 58})
        {'socks': 20, 'shoes': 58}
        >>> checked_prices({"socks": 20})
        Traceback (most recent call last):
          ...
        ValueError: prices has no price for 'shoes'
        >>> checked_prices({"socks": -5, "shoes": 58})
        Traceback (most recent call last):
          ...
        ValueError: the price of 'socks' cannot be negative: -5
        >>> checked_prices({"socks": "12", "shoes": 58})
        Traceback (most recent call last):
          ...
        TypeError: the price of 'socks' must be an int, not '12' (str)
    """
    if not isinstance(prices, Mapping):
        raise TypeError(
            "prices must map each item to its price, like "
            f"{PRICES!r}; got {prices!r} ({type(prices).__name__})"
        )
    for item in PRICES:
        if item not in prices:
            raise ValueError(f"prices has no price for {item!r}")
    for item, price in prices.items():
        if item not in PRICES:
            raise ValueError(f"prices names {item!r}, which is not in the cart")
        if isinstance(price, bool) or not isinstance(price, int):
            raise TypeError(
                f"the price of {item!r} must be an int, "
                f"not {price!r} ({type(price).__name__})"
            )
        if price < 0:
            raise ValueError(
                f"the price of {item!r} cannot be negative: {price}"
            )
    return {item: prices[item] for item in PRICES}


# --8<-- [start:arrivals]
class PriceArrivals:
    """A :class:`~chapter2.executor.Driver` that delivers one price per turn.

    The executor turns its drivers only when no task is ready to run, so each
    price arrives while the cart is waiting, as a reply from the network
    would. It models the I/O driver of a runtime, scripted.
    """

    def __init__(self, arrivals: Iterable[tuple[Sender[int], int]]) -> None:
        self.arrivals = deque(arrivals)

    def turn(self) -> bool:
        if not self.arrivals:
            return False  # nothing left that could wake anyone
        sender, price = self.arrivals.popleft()
        sender.send(price)
        return True


# --8<-- [end:arrivals]


@dataclass(frozen=True)
class Scenario:
    """When each price arrives: before the first poll, or later, in order."""

    name: str
    sent_early: tuple[str, ...]
    arrivals: tuple[str, ...]


SCENARIOS: dict[str, Scenario] = {
    scenario.name: scenario
    for scenario in (
        Scenario("one-by-one", sent_early=(), arrivals=("socks", "shoes")),
        Scenario("already-there", sent_early=("socks", "shoes"), arrivals=()),
        Scenario("other-order", sent_early=(), arrivals=("shoes", "socks")),
    )
}
"""The scenarios the Rust listings run, by name (their ``main`` section)."""

Version = Callable[
    [Receiver[int], Receiver[int]], Future[int] | Coroutine[Any, Any, int]
]

VERSIONS: dict[str, Version] = {
    "state-machine": CartTotal,
    "async-fn": cart_total,
}
"""The two versions of the same function, by name."""

ChannelFactory = Callable[[str], tuple[Sender[int], Receiver[int]]]


def run_cart(
    scenario: str,
    version: str,
    *,
    prices: Mapping[str, int] = PRICES,
    make_channel: ChannelFactory = channel,
) -> Executor:
    """Run one version of cart_total in one scenario; return the executor.

    The task is spawned as ``cart_total``; the senders send ``prices``
    (see :func:`checked_prices`); ``make_channel`` builds the two channels
    (pass :func:`~chapter2.oneshot.forgetful_channel` to see a stall).
    """
    executor = cart_executor(
        scenario, version, prices=prices, make_channel=make_channel
    )
    executor.run()
    return executor


def cart_executor(
    scenario: str,
    version: str,
    *,
    prices: Mapping[str, int] = PRICES,
    make_channel: ChannelFactory = channel,
) -> Executor:
    """The executor :func:`run_cart` runs, before it runs: the task spawned,
    the early prices sent, the others waiting in its driver.
    """
    plan = _lookup(SCENARIOS, scenario, "scenario")
    make_future = _lookup(VERSIONS, version, "version")
    price = checked_prices(prices)
    socks_tx, socks = make_channel("socks")
    shoes_tx, shoes = make_channel("shoes")
    senders = {"socks": socks_tx, "shoes": shoes_tx}
    for item in plan.sent_early:
        senders[item].send(price[item])
    arrivals = PriceArrivals(
        (senders[item], price[item]) for item in plan.arrivals
    )
    executor = Executor(drivers=[arrivals])
    executor.spawn(make_future(socks, shoes), name="cart_total")
    return executor


def trace_for(
    scenario: str, version: str, *, prices: Mapping[str, int] = PRICES
) -> str:
    """The trace table of :func:`run_cart`, as the Rust listings print it.

    ``scenario`` is a key of :data:`SCENARIOS`; ``version`` is
    ``"state-machine"`` (:class:`CartTotal`) or ``"async-fn"``
    (:func:`cart_total`); ``prices`` what each item costs, :data:`PRICES`
    unless given.

    Examples:
        >>> from chapter2.cart import trace_for
        >>> prices = {"socks": 20, "shoes": 58}
        >>> print(trace_for("already-there", "async-fn", prices=prices))
        poll  task        woken by  state before  state after  result
        1     cart_total  spawn     Start         Done         Ready(78)
    """
    return run_cart(scenario, version, prices=prices).trace_table()


def _lookup(options: dict[str, Any], name: str, what: str) -> Any:
    try:
        return options[name]
    except (KeyError, TypeError):
        valid = ", ".join(repr(key) for key in options)
        raise ValueError(f"unknown {what} {name!r}; valid: {valid}") from None
