"""Questions for "The errors the state explains" (docs/errors.md).

rustc's verdicts come from the pages' ``rustc on`` and ``output of`` blocks,
which tests/test_rust_listings.py holds to what rustc and the compiled
listings print; the model's come from :mod:`chapter2.layout`,
:mod:`chapter2.errors` and :mod:`chapter2.unwind`, run here.
"""

from __future__ import annotations

import contextlib

from chapter2.cart import CartTotal
from chapter2.errors import COUNT_DOWN, COUNT_DOWN_BOXED
from chapter2.layout import InfiniteSize, size_of
from chapter2.task import Context, Waker
from chapter2.unwind import AsyncFn
from sitetools.questions.async_fn_rustc import temporary
from sitetools.questions.core import Answer, Question, QuestionError, Show, Wrong
from sitetools.questions.helpers import find_block, price_channel

PAGE = "errors.md"


def block(title: str) -> str | None:
    found = find_block(title)
    return found.strip() if found is not None else None


def code(text: str) -> str:
    """``text`` as inline code, even when it holds backticks."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def compiles(listing: str) -> bool:
    """rustc's verdict on ``listing``, as the pages show it."""
    if block(f"rustc on {listing}") is not None:
        return False
    if block(f"output of {listing}") is not None:
        return True
    raise QuestionError(f"no page shows what rustc does with {listing}")


def printed(listing: str) -> str:
    said = block(f"output of {listing}")
    return " / ".join(said.splitlines()) if said else "nothing"


# The ways one might try to make count_visit acceptable to spawn, each
# with its listing and the idea that makes it look wrong (or right).
FIXES = {
    "send_guard_drop.rs": (
        "call `drop(guard)` before the `.await`",
        "dropping a value takes it out of the state",
    ),
    "send_guard_block.rs": (
        "take the lock in a block that ends before the `.await`",
        "a block is only layout: the guard lives to the end of the function",
    ),
    "send_helper.rs": (
        "take the lock in a plain function that returns the count",
        "the caller's future holds whatever its callee held",
    ),
    "send_local.rs": (
        "keep the `drop()` version, but spawn it with `spawn_local`",
        "every spawned future must be Send",
    ),
}


def which_fix() -> Question:
    verdicts = {listing: compiles(listing) for listing in FIXES}
    rejected = [listing for listing, ok in verdicts.items() if not ok]
    if len(rejected) != 1:
        raise QuestionError(f"expected rustc to reject one fix, not {rejected}")
    (bad,) = rejected
    text, idea = FIXES[bad]
    wrong = tuple(
        Wrong(
            FIXES[listing][1],
            listing,
            FIXES[listing][0].capitalize(),
            f"rustc accepts it: `{listing}` compiles and prints `{printed(listing)}`.",
        )
        for listing in FIXES
        if listing != bad
    )
    return Question(
        "errors-which-fix",
        PAGE,
        "the fix that is not one",
        "`count_visit` holds a `MutexGuard` across an `.await`, and a spawn "
        "with `tokio::spawn`'s bound rejects it. Which of these does **not** "
        "make the program compile?",
        Answer(
            bad,
            text.capitalize(),
            f"rustc still rejects `{bad}`: the guard's slot lasts to the end "
            "of its scope, and its type decides `Send`, so the future is not "
            f"`Send`. It comes from the idea that {idea}.",
        ),
        wrong,
        Show("Read the fixes", "send-fixes"),
    )


def recursion() -> Question:
    try:
        size: object = size_of(COUNT_DOWN)
        found = f"a size of {size} bytes"
    except InfiniteSize as infinite:
        state = infinite.steps[0].split(" holds ")[0].removeprefix("state ")
        size = ("infinite", state)
        found = f"a cycle: its {infinite.steps[0].removesuffix(', a')}"
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
            "It has no size: a state holds another `count_down` future, "
            "which holds another, without end",
            f"The model, adding up the fields, finds {found}, another "
            f"`count_down` future; rustc rejects the function with {error}.",
        ),
        (
            Wrong(
                "each call gets its own frame, as in plain recursion",
                boxed,
                f"{boxed} bytes, like any small future",
                f"{boxed} bytes is the boxed version: `Box::pin` leaves a "
                "pointer in the state. Unboxed, the state holds the inner "
                "future itself, so the type contains itself.",
            ),
            Wrong(
                "a future's size is decided at run time",
                "depends on n",
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
    dropped = tuple(line.strip() for line in output[at + 1 :] if line.startswith("  "))
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
    del shoes_tx
    return Question(
        "errors-panic-again",
        PAGE,
        "polling after a panic",
        "A poll of an `async fn`'s future panicked, and something catches the "
        "panic and polls the future again. What happens?",
        Answer(
            second,
            f"It panics again: {code(second)}",
            "The panic left the future in Panicked, which holds nothing; the "
            f"model's `AsyncFn` raises `{raised}` from `{state}`.",
        ),
        (
            Wrong(
                "a future resumes where the panic stopped it",
                "resumes",
                "It goes on from where the panic happened",
                "The panic unwound out of the body and dropped its values; "
                f"there is nothing to go on from. rustc's future: {code(second)}.",
            ),
            Wrong(
                "a failed future starts over",
                "starts over",
                "It starts the body again from the beginning",
                "The arguments were dropped with the state; the future is "
                f"{state} and says {code(second)}.",
            ),
        ),
        Show("Read the section on panics", "panic"),
    )


QUESTIONS = (temporary, which_fix, recursion, cancel, panic_again)
