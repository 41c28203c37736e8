from collections.abc import Callable
from typing import Any

from chapter2.cart import PRICES, cart_executor
from chapter2.executor import PollBudgetExceeded, Stalled
from chapter2.oneshot import Receiver, Sender, channel
from chapter2.task import Context, Waker

Namespace = dict[str, Any]  # what the reader's code defined
Channel = tuple[Sender[int], Receiver[int]]


def fixed_channel(ns: Namespace) -> Callable[[str], Channel]:
    """channel(), with the reader's FixedReceiver on the receiving end."""
    receiver = ns["FixedReceiver"]

    def make(name: str) -> Channel:
        plain_channel: Channel = channel(name)
        sender, plain = plain_channel
        return sender, receiver(plain._slot)

    return make


# A right answer finishes in 3 polls; a receiver that wakes its own task on
# every poll would spin, so a small budget stops it at once.
MAX_POLLS = 50


def finishes(ns: Namespace, scenario: str, version: str) -> None:
    make = fixed_channel(ns)
    executor = cart_executor(scenario, version, make_channel=make)
    executor.max_polls = MAX_POLLS
    try:
        executor.run()
    except Stalled as stalled:
        raise AssertionError(f"{scenario}, {version}: {stalled}") from None
    except PollBudgetExceeded:
        last = executor.trace[-1]
        raise AssertionError(
            f"{scenario}, {version}: {executor.polls} polls and no total; "
            f"cart_total is stuck in {last.after}, woken by {last.woken_by} "
            "each time and Pending again: a waker called before the price "
            "is there only brings the task back to wait"
        ) from None
    result = executor.trace[-1].result
    total = sum(PRICES.values())
    assert result == f"Ready({total})", f"{scenario}: last poll gave {result}"


def check_one_by_one(ns: Namespace) -> None:
    """cart_total finishes when the prices arrive one by one"""
    finishes(ns, "one-by-one", "state-machine")


def check_async_def(ns: Namespace) -> None:
    """the async def version finishes too"""
    finishes(ns, "one-by-one", "async-fn")


def check_other_order(ns: Namespace) -> None:
    """it finishes when the shoes price comes first"""
    finishes(ns, "other-order", "state-machine")


def check_newest_waker(ns: Namespace) -> None:
    """polled twice, it keeps the newest waker, which the sender wakes"""
    sender, receiver = fixed_channel(ns)("socks")
    woken: list[str] = []
    first = Waker("first task", lambda by: woken.append("first"))
    second = Waker("second task", lambda by: woken.append("second"))
    receiver.poll(Context(first))
    receiver.poll(Context(second))
    sender.send(12)
    assert woken == ["second"], f"send() woke {woken or 'no one'}"


CHECKS = [
    check_one_by_one,
    check_async_def,
    check_other_order,
    check_newest_waker,
]
