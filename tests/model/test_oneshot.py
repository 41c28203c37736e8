"""The oneshot channel: send wakes, a dropped sender cancels, misuse is refused."""

from __future__ import annotations

import asyncio
import copy
import gc
import pickle
from collections.abc import Callable

import pytest

from chapter2.executor import Executor, Stalled
from chapter2.future import FutureBase, PolledAfterCompletion
from chapter2.oneshot import (
    Canceled,
    Receiver,
    Sender,
    SenderConsumed,
    channel,
    forgetful_channel,
)
from chapter2.task import Context, Pending, Poll, Ready, Waker


def recording_waker(log: list[str]) -> Context:
    return Context(Waker("t", log.append))


def test_value_sent_before_the_poll_is_ready_at_once() -> None:
    tx, rx = channel("socks")
    tx.send(12)
    assert rx.poll(Context(Waker.noop())) == Ready(12)


def test_pending_poll_keeps_the_waker_and_send_wakes_it() -> None:
    woken: list[str] = []
    tx, rx = channel("socks")
    assert rx.poll(recording_waker(woken)) == Pending()
    assert woken == []
    tx.send(12)
    assert woken == ["socks sender"]
    assert rx.poll(recording_waker(woken)) == Ready(12)


def test_send_wakes_only_the_latest_waker_once() -> None:
    first: list[str] = []
    second: list[str] = []
    tx, rx = channel("socks")
    rx.poll(recording_waker(first))
    rx.poll(recording_waker(second))
    tx.send(1)
    assert (first, second) == ([], ["socks sender"])


def test_sending_twice_is_refused_and_names_the_channel() -> None:
    tx, rx = channel("shoes")
    tx.send(58)
    with pytest.raises(SenderConsumed, match=r"the shoes sender was already used"):
        tx.send(59)
    assert rx.poll(Context(Waker.noop())) == Ready(58), "the first value survives"


def test_send_after_close_is_refused() -> None:
    tx, _rx = channel("socks")
    tx.close()
    with pytest.raises(SenderConsumed, match=r"already used by close\(\)"):
        tx.send(1)
    with pytest.raises(SenderConsumed, match=r"already used by close\(\)"):
        tx.close()


def test_close_wakes_the_receiver_which_then_raises_canceled() -> None:
    woken: list[str] = []
    tx, rx = channel("socks")
    assert rx.poll(recording_waker(woken)) == Pending()
    tx.close()
    assert woken == ["socks sender (dropped)"]
    with pytest.raises(Canceled, match="the socks sender was dropped without sending"):
        rx.poll(Context(Waker.noop()))


def test_dropping_the_sender_cancels_like_rust_drop() -> None:
    tx, rx = channel("socks")
    del tx  # CPython frees it here, as Rust drops at the end of a scope
    gc.collect()
    with pytest.raises(Canceled, match="socks sender was dropped"):
        rx.poll(Context(Waker.noop()))


@pytest.mark.parametrize("duplicate", [copy.copy, copy.deepcopy, pickle.dumps])
def test_a_sender_cannot_be_copied(duplicate: Callable[[object], object]) -> None:
    # A copy could send a second value, and dropping it cancelled the
    # receiver that the first sender still meant to send to.
    tx: Sender[int]
    tx, rx = channel("socks")
    with pytest.raises(TypeError, match="the socks sender cannot be copied"):
        duplicate(tx)
    gc.collect()
    tx.send(12)
    assert rx.poll(Context(Waker.noop())) == Ready(12)


def test_dropping_a_used_sender_changes_nothing() -> None:
    tx, rx = channel("socks")
    tx.send(3)
    del tx
    gc.collect()
    assert rx.poll(Context(Waker.noop())) == Ready(3)


def test_polling_after_ready_raises() -> None:
    tx, rx = channel("socks")
    tx.send(1)
    cx = Context(Waker.noop())
    rx.poll(cx)
    with pytest.raises(PolledAfterCompletion, match="socks receiver was polled again"):
        rx.poll(cx)


def test_polling_after_canceled_raises() -> None:
    tx, rx = channel("socks")
    tx.close()
    cx = Context(Waker.noop())
    with pytest.raises(Canceled):
        rx.poll(cx)
    with pytest.raises(PolledAfterCompletion, match="socks receiver"):
        rx.poll(cx)


def test_receiver_labels_and_reprs() -> None:
    tx, rx = channel("socks")
    assert (rx.state_label(), repr(rx), repr(tx)) == (
        "socks",
        "Receiver('socks')",
        "Sender('socks')",
    )


async def wait_for(rx: Receiver[int]) -> int:
    return await rx


def test_executor_wakes_the_task_through_the_sender() -> None:
    tx, rx = channel("socks")
    executor = Executor()
    handle = executor.spawn(wait_for(rx), name="waiter")
    with pytest.raises(Stalled, match="its waker is held"):
        executor.run()
    tx.send(7)
    executor.run()
    assert handle.result() == 7
    assert [r.woken_by for r in executor.trace] == ["spawn", "socks sender"]


def test_canceled_ends_the_task_with_an_error_naming_it() -> None:
    tx, rx = channel("socks")
    executor = Executor()
    executor.spawn(wait_for(rx), name="waiter")
    with pytest.raises(Stalled):
        executor.run()
    tx.close()
    with pytest.raises(Canceled) as raised:
        executor.run()
    assert "while polling task 'waiter' in state awaiting socks" in (
        raised.value.__notes__
    )
    assert executor.trace[-1].woken_by == "socks sender (dropped)"


def test_forgetful_receiver_stalls_and_the_error_says_so() -> None:
    tx, rx = forgetful_channel("socks")
    executor = Executor()
    executor.spawn(wait_for(rx), name="waiter")
    with pytest.raises(Stalled) as raised:
        executor.run()
    tx.send(1)  # nobody to wake: the value sits there unseen
    with pytest.raises(Stalled):
        executor.run()
    assert raised.value.stuck == [("waiter", "awaiting socks")]
    assert "no one holds its waker" in str(raised.value)


def test_receiver_works_under_asyncio() -> None:
    async def main() -> int:
        tx, rx = channel("socks")
        asyncio.get_running_loop().call_soon(tx.send, 5)
        return await rx

    assert asyncio.run(main()) == 5


def test_closed_sender_cancels_under_asyncio() -> None:
    async def main() -> int:
        tx, rx = channel("socks")
        asyncio.get_running_loop().call_soon(tx.close)
        return await rx

    with pytest.raises(Canceled):
        asyncio.run(main())


def test_one_waker_per_task_while_it_is_held() -> None:
    wakers: list[Waker] = []

    class Recorder(FutureBase[int]):
        """Delegates to a receiver, noting the waker of every poll."""

        def __init__(self, inner: Receiver[int]) -> None:
            self.inner = inner

        def poll(self, cx: Context) -> Poll[int]:
            wakers.append(cx.waker())
            return self.inner.poll(cx)

    tx, rx = channel("socks")
    executor = Executor()
    executor.spawn(wait_for(Recorder(rx)), name="t")  # type: ignore[arg-type]
    with pytest.raises(Stalled):
        executor.run()
    wakers[0].wake(by="spurious")
    with pytest.raises(Stalled):
        executor.run()
    tx.send(1)
    executor.run()
    assert wakers[0] is wakers[1] is wakers[2]
    assert wakers[0].will_wake(wakers[2])


def test_noop_waker_does_nothing() -> None:
    Waker.noop().wake(by="anyone")
    assert Waker.noop() is Waker.noop()
