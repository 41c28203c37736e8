"""Questions for "The errors the state explains" (docs/errors.md).

rustc's verdicts come from the pages' ``rustc on`` and ``output of`` blocks,
which tests/listings/test_rust_listings.py holds to what rustc and the compiled
listings print; the model's come from :mod:`chapter2.layout`,
:mod:`chapter2.errors` and :mod:`chapter2.unwind`, run here.
"""

from __future__ import annotations

import contextlib
import re

from chapter2.cart import CartTotal
from chapter2.errors import COUNT_DOWN, COUNT_DOWN_BOXED
from chapter2.layout import InfiniteSize, size_of
from chapter2.task import Context, Waker
from chapter2.unwind import AsyncFn
from sitetools.questions.async_fn_rustc import section, temporary
from sitetools.questions.core import (
    UNCHECKED,
    Answer,
    Question,
    QuestionError,
    Show,
    Wrong,
)
from sitetools.questions.helpers import fence, find_block, price_channel

PAGE = "errors.md"


def block(title: str) -> str | None:
    found = find_block(title)
    return found.strip() if found is not None else None


def code(text: str) -> str:
    """``text`` as inline code, even when it holds backticks."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def printed(listing: str) -> str:
    said = block(f"output of {listing}")
    return " / ".join(said.splitlines()) if said else "nothing"


def indented_run(lines: list[str]) -> tuple[str, ...]:
    """The indented lines at the start of ``lines``, up to the first line
    that is not indented: what one step of a listing's output printed (the
    block may show more runs after it)."""
    run = []
    for line in lines:
        if not line.startswith("  "):
            break
        run.append(line.strip())
    return tuple(run)


BORROWED = re.compile(
    r"error\[(?P<code>E\d+)\]: `(?P<value>\w+)` does not live long enough"
)


def borrow_static() -> Question:
    """On the errors page, after "A borrow that lives too long"."""
    listing = "borrow_static.rs"
    said = block(f"rustc on {listing}") or ""
    error = BORROWED.match(said)
    if error is None:
        raise QuestionError(f"rustc on {listing} no longer says what dies too soon")
    code_, value = error["code"], error["value"]
    if "'static" not in said:
        raise QuestionError(f"rustc on {listing} no longer names the 'static bound")
    moved = printed("borrow_moved.rs")
    source = section(listing, "total")
    return Question(
        "errors-borrow-static",
        PAGE,
        "spawning a future that borrows",
        "`spawn` has `tokio::spawn`'s bound (`F: Future + Send + 'static`), "
        "and `main` waits for the thread with `join` before `prices` goes "
        "away. Does this compile? If not, why?\n\n" + fence(source, "rust"),
        Answer(
            (False, code_, value),
            f"No: {code_}, `{value}` does not live long enough",
            f"The future holds `&{value}` from its first state on, and "
            "`'static` says the future may borrow nothing from its caller: "
            f"rustc requires `{value}` to be borrowed for `'static`. The "
            "`join` does not count, since the bound is checked on the type, "
            f"not on what `main` does next. `async move` gives the future "
            f"the vector instead, and borrow_moved.rs prints `{moved}`.",
        ),
        (
            Wrong(
                "a borrow is fine as long as the caller waits for the task",
                (True, "", ""),
                "Yes: `main` joins the thread before `prices` is dropped",
                f"rustc rejects it with {code_}: the `'static` bound is on "
                "the future's type, which holds a reference to a local of "
                f"`main`, whatever `main` does after the spawn.",
            ),
            Wrong(
                "a reference in a state is what makes a future not Send",
                (False, "E0277", value),
                f"No: a future holding `&{value}` is not `Send`",
                f"A shared reference to a `Vec<u32>` is `Send`: "
                f"borrow_moved.rs spawns a future that holds one. rustc's "
                f"error is {code_}, about how long `{value}` lives.",
            ),
        ),
        Show("Read the section on borrows", "borrow"),
    )


def recursion() -> Question:
    try:
        bytes_ = size_of(COUNT_DOWN)
    except InfiniteSize as infinite:
        state = infinite.steps[0].split(" holds ")[0].removeprefix("state ")
        size = ("infinite", state)
        found = f"a cycle: its {infinite.steps[0].removesuffix(', a')}"
    else:
        raise QuestionError(
            f"the model gives count_down a size ({bytes_} bytes); the "
            "question says it has none"
        )
    boxed = size_of(COUNT_DOWN_BOXED)
    said = block("rustc on recursive.rs") or ""
    error = said.split("]")[0].removeprefix("error[") if said else "?"
    return Question(
        "errors-recursion",
        PAGE,
        "an async fn that awaits itself",
        "`count_down(n)` awaits `count_down(n - 1)`. How big is its future, "
        "by the model's count?",
        Answer(
            size,
            "It has none: the future would contain itself",
            f"The model, adding up the fields, finds {found}, another "
            f"`count_down` future; rustc rejects the function with {error}.",
        ),
        (
            Wrong(
                "each call gets its own frame, as in plain recursion",
                ("size", f"{boxed} bytes"),
                f"{boxed} bytes, like any small future",
                f"{boxed} bytes is the boxed version: `Box::pin` leaves a "
                "pointer in the state. Unboxed, the state holds the inner "
                "future itself, so the type contains itself.",
            ),
            Wrong(
                "a future's size is decided at run time",
                UNCHECKED,  # the model sizes types; it has no run to ask
                "It depends on `n`: deeper recursion, bigger future",
                "A type has one size, fixed at compile time; `n` is only "
                f"known when it runs. The model finds {found}.",
            ),
        ),
        Show("Read the section on recursion", "recursion"),
    )


def cancel() -> Question:
    output = (block("output of cancel.rs") or "").splitlines()
    at = next(i for i, line in enumerate(output) if line.startswith("drop the future"))
    dropped = indented_run(output[at + 1 :])
    if not dropped:
        raise QuestionError("output of cancel.rs: no drop after 'drop the future:'")
    during_poll = tuple(
        line.strip() for line in output[:at] if line.strip().startswith("drop ")
    )
    # The model's state at the same moment, for the explanation.
    socks_tx, socks = price_channel("socks")
    shoes_tx, shoes = price_channel("shoes")
    cart = CartTotal(socks, shoes)
    del socks, shoes
    socks_tx.send(12)
    cart.poll(Context(Waker.noop()))
    state = repr(cart.state)
    del cart, shoes_tx
    return Question(
        "errors-cancel",
        PAGE,
        "what dropping a future drops",
        "`cart_total`, holding a receipt whose drop prints, is stopped at "
        "`shoes.await` (the socks price came in poll 1). Then the future is "
        "dropped. What does the drop print?",
        Answer(
            dropped,
            " / ".join(f"`{line}`" for line in dropped),
            "Exactly the values of the state it is in, in reverse order of "
            "declaration; nothing else of the body runs. (The model's "
            f"`CartTotal`, which has no receipt, is then in `{state}`.)",
        ),
        (
            Wrong(
                "dropping a future drops every value the function had",
                (*during_poll, *dropped),
                " / ".join(f"`{line}`" for line in (*during_poll, *dropped)),
                "The socks receiver was dropped in poll 1, when the state "
                "moved past it; cancel.rs printed that before the drop.",
            ),
            Wrong(
                "a cancelled future finishes its body first",
                ("adding the prices", *dropped),
                "`adding the prices`, then the drops",
                "No more of the body runs: the line is never printed. "
                "`Drop::drop` cannot `.await`, so there is no async cleanup.",
            ),
        ),
        Show("Read the section on cancellation", "cancel"),
    )


def panic_again() -> Question:
    lines = (block("output of panic_resume.rs") or "").splitlines()
    second = lines[-1].split(": ", 1)[1] if lines else ""
    socks_tx, socks = price_channel("socks")
    shoes_tx, shoes = price_channel("shoes")
    cart = AsyncFn(CartTotal(socks, shoes))
    del socks, shoes
    cx = Context(Waker.noop())
    cart.poll(cx)
    socks_tx.close()
    with contextlib.suppress(Exception):  # the model's panic
        cart.poll(cx)
    try:
        again: object = cart.poll(cx)
    except Exception as error:
        again = (type(error).__name__, str(error))
    state = repr(cart.state)
    raised = again[0] if isinstance(again, tuple) else repr(again)
    # What each misconception predicts, run on the body without the
    # Panicked state: polled again where it stopped, or from the start.
    body_tx, body_socks = price_channel("socks")
    body_shoes_tx, body_shoes = price_channel("shoes")
    body = CartTotal(body_socks, body_shoes)
    del body_socks, body_shoes
    body.poll(cx)
    body_tx.close()
    with contextlib.suppress(Exception):  # the same panic
        body.poll(cx)
    try:
        resumed = f"{body.poll(cx)!r}"
    except Exception as error:
        resumed = f"panic: {error}"
    fresh_tx, fresh_socks = price_channel("socks")
    fresh_shoes_tx, fresh_shoes = price_channel("shoes")
    started = f"{CartTotal(fresh_socks, fresh_shoes).poll(cx)!r}"
    del fresh_socks, fresh_shoes, fresh_tx, fresh_shoes_tx, body_shoes_tx
    del shoes_tx
    return Question(
        "errors-panic-again",
        PAGE,
        "polling after a panic",
        "A poll of an `async fn`'s future panicked, and something catches the "
        "panic and polls the future again. What happens?",
        Answer(
            f"panic: {second}",
            f"It panics again: {code(second)}",
            "The panic left the future in Panicked, which holds nothing; the "
            f"model's `AsyncFn` raises `{raised}` from `{state}`.",
        ),
        (
            Wrong(
                "a future resumes where the panic stopped it",
                resumed,
                "It goes on from where the panic happened",
                "The panic unwound out of the body and dropped its values; "
                "there is nothing to go on from. (Polled there again, the "
                f"model's body would give {code(resumed)}.) rustc's future: "
                f"{code(second)}.",
            ),
            Wrong(
                "a failed future starts over",
                started,
                "It starts the body again from the beginning",
                "The arguments were dropped with the state, so there is "
                f"nothing to start with (a new future's first poll gives "
                f"`{started}`); the future is {state} and says {code(second)}.",
            ),
        ),
        Show("Read the section on panics", "panic"),
    )


QUESTIONS = (temporary, borrow_static, recursion, cancel, panic_again)
