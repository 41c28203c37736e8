"""Questions for "The same model in Python's async def" (docs/python-async.md).

Answers come from CPython itself: the state ``inspect`` reports, the locals
of a suspended frame, what ``send`` raises; the Rust-like wrong answer about
the frame is read from ``CartTotal``'s state, the model of rustc's layout.
"""

from __future__ import annotations

import inspect
from dataclasses import fields

from chapter2.cart import PRICES, CartTotal, cart_total
from chapter2.future import CoroutineFuture
from chapter2.task import Context, Waker
from sitetools.questions.core import Answer, Question, QuestionError, Show, Wrong
from sitetools.questions.helpers import fence, price_channel, printed

PAGE = "python-async.md"


def waiting_state() -> Question:
    # The senders stay alive to the end: a dropped sender cancels its channel.
    socks_tx, socks = price_channel("socks")
    shoes_tx, shoes = price_channel("shoes")
    coroutine = cart_total(socks, shoes)
    created = inspect.getcoroutinestate(coroutine)
    future = CoroutineFuture(coroutine)
    future.poll(Context(Waker.noop()))
    state = inspect.getcoroutinestate(coroutine)
    if future.state_label() != "awaiting socks":
        raise QuestionError(f"the first poll stopped {future.state_label()}")
    coroutine.close()
    del socks_tx, shoes_tx
    return Question(
        "python-async-waiting-state",
        PAGE,
        "a coroutine that waits",
        "A `cart_total` coroutine was polled once (one `send(None)`) and "
        "stopped at `await socks`. What does "
        "`inspect.getcoroutinestate` report?",
        Answer(
            state,
            f"`{state!r}`",
            "Stopped at an `await`, with the frame kept for the next `send`: "
            "Python's one suspended state. Which `await` it stopped at is the "
            "position kept in the frame.",
        ),
        (
            Wrong(
                "a task that waits is still running",
                "CORO_RUNNING",
                "`'CORO_RUNNING'`",
                "Running means executing right now, which only code inside the "
                f"coroutine can see. After `send` returned, Python says `{state!r}`.",
            ),
            Wrong(
                "a coroutine that has not finished has not started",
                created,
                f"`{created!r}`",
                f"`{created!r}` is the state before the first `send`; this one "
                f"ran up to `await socks`: `{state!r}`.",
            ),
        ),
        Show("Read how send(None) plays poll", "send-is-poll"),
    )


def frame_locals() -> Question:
    socks_tx, socks = price_channel("socks")
    shoes_tx, shoes = price_channel("shoes")
    coroutine = cart_total(socks, shoes)
    future = CoroutineFuture(coroutine)
    cx = Context(Waker.noop())
    future.poll(cx)
    socks_tx.send(PRICES["socks"])
    future.poll(cx)
    frame = getattr(coroutine, "cr_frame", None)
    names = tuple(frame.f_locals) if frame is not None else ()
    coroutine.close()
    # What rustc's state holds at the same await, from the hand-written model.
    rust_tx, rust_socks = price_channel("socks")
    rust_shoes_tx, rust_shoes = price_channel("shoes")
    cart = CartTotal(rust_socks, rust_shoes)
    cart.poll(cx)
    rust_tx.send(PRICES["socks"])
    cart.poll(cx)
    rust = tuple(f.name for f in fields(cart.state))
    del shoes_tx, rust_shoes_tx
    arguments = tuple(inspect.signature(cart_total).parameters)

    def listed(items: tuple[str, ...]) -> str:
        return ", ".join(f"`{name}`" for name in items)

    return Question(
        "python-async-frame-locals",
        PAGE,
        "what the frame keeps",
        "The socks price has arrived and the coroutine, polled again, is "
        "stopped at `await shoes`. Which names does its frame hold?",
        Answer(
            tuple(sorted(names)),
            listed(names),
            "A Python frame keeps every local until the function returns, "
            "needed again or not: the socks receiver stays, though nothing "
            "will read it.",
        ),
        (
            Wrong(
                "Python keeps only what is still needed, as rustc does",
                tuple(sorted(rust)),
                listed(rust),
                f"That is `CartTotal`'s {type(cart.state).__name__}, the model "
                "of rustc's state. CPython's frame holds "
                f"{listed(names)}.",
            ),
            Wrong(
                "a frame holds only the arguments",
                tuple(sorted(arguments)),
                listed(arguments),
                f"`socks_price` was assigned before `await shoes`, and it is "
                f"in the frame: {listed(names)}.",
            ),
        ),
        Show("Read the frame's locals, poll by poll", "send-is-poll"),
    )


REUSE_SNIPPET = """
from chapter2.recap import brew

coroutine = brew([])
for attempt in (1, 2):
    try:
        coroutine.send(None)
    except StopIteration as stop:
        print(attempt, "StopIteration:", stop.value)
    except RuntimeError as error:
        print(attempt, "RuntimeError:", error)
"""


def reuse() -> Question:
    out = printed(REUSE_SNIPPET)
    lines = out.splitlines()
    value = lines[0].split(": ", 1)[1]
    first = lines[0]
    return Question(
        "python-async-reuse",
        PAGE,
        "resuming a finished coroutine",
        "What does this Python print?\n\n" + fence(REUSE_SNIPPET),
        Answer(
            out,
            " / ".join(f"`{line}`" for line in lines),
            "The first `send` runs `brew` to its `return`, which Python "
            "reports as `StopIteration` carrying the value. The frame is then "
            "gone, and resuming it is an error, as Rust's generated futures "
            "panic.",
        ),
        (
            Wrong(
                "a finished coroutine hands out its result again",
                f"{first}\n2 StopIteration: {value}\n",
                f"`{first}` / `2 StopIteration: {value}`",
                "Nothing keeps the result: it left with the first "
                f"`StopIteration`. Python prints `{lines[1]}`.",
            ),
            Wrong(
                "the first send only starts the coroutine",
                f"2 StopIteration: {value}\n",
                f"`2 StopIteration: {value}` alone",
                "The first `send` runs the body up to its first suspension, "
                "and `brew` has none: it returns at once. Python prints "
                f"`{first}` first.",
            ),
        ),
        Show("Read about reuse", "reuse"),
    )


QUESTIONS = (waiting_state, frame_locals, reuse)
