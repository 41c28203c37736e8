"""Panics in poll (the Panicked state, JoinError) and dropping a future."""

from __future__ import annotations

import pytest

from chapter2.cart import CartTotal, cart_total
from chapter2.executor import Executor
from chapter2.future import CoroutineFuture, PolledAfterCompletion
from chapter2.oneshot import Canceled, channel
from chapter2.task import Context, Pending, Ready, Waker
from chapter2.unwind import AsyncFn, JoinError, Panicked, ResumedAfterPanic, catch_panic

NOOP = Context(Waker.noop())


def test_a_panic_leaves_the_future_panicked_and_a_second_poll_raises() -> None:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    future = AsyncFn(CartTotal(socks, shoes))
    del socks, shoes
    assert future.poll(NOOP) == Pending()
    socks_tx.close()
    with pytest.raises(Canceled) as raised:
        future.poll(NOOP)
    assert future.state == Panicked()
    assert future.state_label() == "Panicked"
    # Unwinding dropped what the state held: the shoes receiver is gone,
    # even while the exception (the panic) is still held here; its
    # traceback must not keep the body's frames, and so its state, alive.
    assert raised.value.__traceback__ is not None
    assert shoes_tx.is_closed()
    with pytest.raises(ResumedAfterPanic, match="resumed after panicking"):
        future.poll(NOOP)


def test_without_a_panic_async_fn_is_the_body() -> None:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    socks_tx.send(12)
    shoes_tx.send(58)
    future = AsyncFn(CartTotal(socks, shoes))
    assert future.poll(NOOP) == Ready(70)
    assert future.state_label() == "Done"


def test_a_caught_task_that_finishes_drops_its_future_and_refuses_a_poll() -> None:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    socks_tx.send(12)
    shoes_tx.send(58)
    task = catch_panic(CartTotal(socks, shoes), "cart_total")
    assert task.poll(NOOP) == Ready(70)
    assert task.state_label() == "Done"
    with pytest.raises(PolledAfterCompletion, match="task cart_total already ended"):
        task.poll(NOOP)


def test_a_task_that_panics_ends_in_a_join_error_and_others_run_on() -> None:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    executor = Executor()
    failing = executor.spawn(catch_panic(CartTotal(socks, shoes), "cart_total"))
    del socks, shoes
    other_tx, other = channel("socks")
    other_shoes_tx, other_shoes = channel("shoes")
    other_tx.send(1)
    other_shoes_tx.send(2)
    fine = executor.spawn(catch_panic(cart_total(other, other_shoes), "other"))
    socks_tx.close()
    executor.run()
    error = failing.result()
    assert isinstance(error, JoinError)
    assert error.is_panic()
    assert isinstance(error.panic, Canceled)
    assert str(error) == (
        "task cart_total panicked with message "
        '"the socks sender was dropped without sending"'
    )
    assert repr(error) == (
        "JoinError::Panic(cart_total, "
        '"the socks sender was dropped without sending", ...)'
    )
    assert fine.result() == 3
    # Tokio drops the future that panicked; so does the model.
    assert shoes_tx.is_closed()


def test_dropping_the_state_machine_drops_exactly_its_state() -> None:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    cart = CartTotal(socks, shoes)
    del socks, shoes
    socks_tx.send(12)
    assert cart.poll(NOOP) == Pending()
    # The socks receiver left the state when its price came in.
    assert socks_tx.is_closed()
    assert not shoes_tx.is_closed()
    del cart
    assert shoes_tx.is_closed()


def test_a_dropped_coroutine_gets_generator_exit_at_its_await() -> None:
    seen: list[str] = []

    async def watched(socks: object, shoes: object) -> int:
        try:
            return await cart_total(socks, shoes)  # type: ignore[arg-type]
        except GeneratorExit:
            seen.append("GeneratorExit")
            raise

    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    future = CoroutineFuture(watched(socks, shoes))
    del socks, shoes
    assert future.poll(NOOP) == Pending()
    del future
    assert seen == ["GeneratorExit"]
    assert socks_tx.is_closed() and shoes_tx.is_closed()


@pytest.mark.parametrize(
    ("message", "shown"),
    [
        # What rustc 1.95's {:?} prints for each of these &str.
        ('he said "no"\n', r'"he said \"no\"\n"'),
        ("tab\tnul\0bell\x07", r'"tab\tnul\0bell\u{7}"'),
        (
            "caf\u00e9 \u00a0nbsp \u200bzw \\ 'q'",
            "\"caf\u00e9 \\u{a0}nbsp \\u{200b}zw \\\\ 'q'\"",
        ),
        ("e\u0301x", r'"e\u{301}x"'),
    ],
)
def test_a_join_error_quotes_the_message_as_tokio_does(
    message: str, shown: str
) -> None:
    """Tokio formats the message with {:?} (tokio/src/runtime/task/error.rs)."""
    error = JoinError("t", RuntimeError(message))
    assert str(error) == f"task t panicked with message {shown}"
