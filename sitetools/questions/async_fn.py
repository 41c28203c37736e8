"""Questions for "What async fn compiles into" (docs/async-fn.md).

Every answer is read from a run of :mod:`chapter2.cart`: the executor's
trace, the driver's turns, the state ``CartTotal`` holds, the error a stall
or a poll after ``Ready`` raises.
"""

from __future__ import annotations

import inspect
from dataclasses import fields, replace

from chapter2.cart import (
    PRICES,
    CartTotal,
    PriceArrivals,
    Start,
    cart_total,
    run_cart,
)
from chapter2.executor import Executor, Stalled
from chapter2.oneshot import forgetful_channel
from chapter2.task import Context, Pending, Waker
from sitetools.questions.core import (
    UNCHECKED,
    Answer,
    Question,
    QuestionError,
    Show,
    Wrong,
)
from sitetools.questions.helpers import plural, price_channel, stepper_show

PAGE = "async-fn.md"
STEPPER = "cart-total"


def _total() -> int:
    return PRICES["socks"] + PRICES["shoes"]


def poll_two() -> Question:
    """Predict the next poll result: poll 2 of the one-by-one run."""
    trace = run_cart("one-by-one", "state-machine").trace
    second = trace[1]
    ready_at = next(r.poll for r in trace if r.result.startswith("Ready"))
    socks = PRICES["socks"]
    return Question(
        "async-fn-poll-two",
        PAGE,
        "the second poll",
        "The prices arrive one by one. Poll 1 returned `Pending` with "
        "`cart_total` stopped at `socks.await`; then the socks price arrived "
        "and its sender woke the task. What does poll 2 return?",
        Answer(
            (second.result, second.after),
            f"`{second.result}`, now {second.after}",
            f"Poll 2 takes the socks price ({socks}) and runs on to "
            f"`shoes.await`; the shoes price is not there yet, so the shoes "
            f"receiver returns `Pending`, and so does `cart_total`: it ends "
            f"the poll in state {second.after}.",
        ),
        (
            Wrong(
                "a poll runs the whole body once woken",
                (f"Ready({_total()})", "Done"),
                f"`Ready({_total()})`: the total",
                f"Only if the shoes price were there too. The model's trace "
                f"reaches `Ready` at poll {ready_at}, after the shoes price "
                "arrives; poll 2 stops at `shoes.await`.",
            ),
            Wrong(
                "an .await hands its value to the executor",
                (f"Ready({socks})", second.after),
                f"`Ready({socks})`: the socks price",
                f"`socks.await` gives {socks} to the body, not to the "
                "executor: `poll` returns `Ready` only when the whole function "
                f"returns, which the model's trace shows at poll {ready_at}.",
            ),
            Wrong(
                "a wake only makes the receiver ready, a later poll moves on",
                ("Pending", second.before),
                f"`Pending`, still {second.before}",
                f"Poll 2 starts {second.before} and ends {second.after}: the "
                "same poll that finds the socks price moves on.",
            ),
        ),
        stepper_show(STEPPER, 0, "Poll 2 of", "Step to poll 2 of this run"),
    )


def state_after_socks() -> Question:
    """Which fields the state holds after poll 2."""
    socks_tx, socks = price_channel("socks")
    _shoes_tx, shoes = price_channel("shoes")  # kept: a dropped sender cancels
    cart = CartTotal(socks, shoes)
    cx = Context(Waker.noop())
    cart.poll(cx)
    socks_tx.send(PRICES["socks"])
    cart.poll(cx)
    state = cart.state
    # Compared as sets, shown in the order the state declares them.
    names = [f.name for f in fields(state)]
    held = tuple(sorted(names))
    start_names = [f.name for f in fields(Start)]

    def listed(items: list[str]) -> str:
        return " and ".join(f"`{name}`" for name in items)

    return Question(
        "async-fn-state-after-socks",
        PAGE,
        "what the state holds",
        "The socks price has arrived and poll 2 has returned `Pending`, "
        "stopped at `shoes.await`. What does the `CartTotal` state hold now?",
        Answer(
            held,
            listed(names),
            f"The state is `{state!r}`: the socks receiver has given its value "
            "and is gone; `socks_price` stays, because the last line still "
            "adds it.",
        ),
        (
            Wrong(
                "the socks receiver is still stored",
                tuple(sorted({*held, "socks"})),
                "`socks`, `socks_price` and `shoes`",
                f"{type(state).__name__} has no field for the socks receiver: "
                "nothing after `socks.await` uses it, so the move to this "
                f"state drops it. The model's state is `{state!r}`.",
            ),
            Wrong(
                "a future keeps its arguments until it returns",
                tuple(sorted(start_names)),
                listed(start_names) + " (both receivers)",
                "Both receivers are what Start and WaitingForSocks hold. After "
                f"poll 2 the future is in {type(state).__name__}: "
                f"`{state!r}`.",
            ),
            Wrong(
                "only what is being awaited is kept",
                ("shoes",),
                "`shoes` alone",
                "`socks_price` is used after `shoes.await` "
                "(`socks_price + shoes_price`), so it must live across it: "
                f"the model's state is `{state!r}`.",
            ),
        ),
        stepper_show(STEPPER, 0, "Poll 2 of", "Step to poll 2: see the fields"),
    )


def already_there() -> Question:
    """How many polls when both prices are there before the first poll."""
    trace = run_cart("already-there", "state-machine").trace
    polls = len(trace)
    # The .await expressions in cart_total's body: socks, then shoes.
    awaits = inspect.getsource(cart_total).count("await ")
    return Question(
        "async-fn-already-there",
        PAGE,
        "prices that are already there",
        "Both prices were sent before `cart_total` was first polled. How many "
        "times does the executor poll it?",
        Answer(
            polls,
            plural(polls, "poll"),
            f"The model's trace has {plural(polls, 'row')}: "
            f"`{trace[-1].result}` from the first poll. An `.await` whose "
            "future is ready does not stop the function; only a `Pending` "
            "leaf does, and none is.",
        ),
        (
            Wrong(
                "every .await stops the future once",
                awaits,
                plural(awaits, "poll"),
                f"An `.await` stops only on `Pending`. Both receivers were "
                f"ready, so the trace has {plural(polls, 'row')}, ending in "
                f"`{trace[-1].result}`.",
            ),
            Wrong(
                "a poll to start and one per price",
                1 + awaits,
                plural(1 + awaits, "poll"),
                "The first poll already finds both prices. The executor polls "
                f"a task again only after a wake, and the trace shows "
                f"{plural(polls, 'poll')}.",
            ),
        ),
        stepper_show(STEPPER, 1, "Poll 1 of", "Step through this run"),
    )


def other_order() -> Question:
    """Who wakes the task when the shoes price comes first."""
    executor = run_cart("other-order", "state-machine")
    trace, turns = executor.trace, executor.turns
    first_wake, second_wake = turns[0].woke, turns[1].woke
    last = trace[-1]
    woke = "no one" if not first_wake else ", ".join(by for _, by in first_wake)
    if len(second_wake) != 1:
        raise QuestionError(f"other-order: the socks price woke {second_wake}")
    ((_, socks_by),) = second_wake
    return Question(
        "async-fn-other-order",
        PAGE,
        "the shoes price first",
        "Poll 1 returned `Pending` at `socks.await`. Then the *shoes* price "
        "arrives, and only after it the socks price. What does the shoes "
        "price's arrival do, and what happens next?",
        Answer(
            (woke, len(trace), last.result),
            f"It wakes {woke}; the {socks_by} wakes the task, and poll "
            f"{last.poll} returns `{last.result}`",
            "The task never polled the shoes receiver, so no waker was stored "
            f"in that channel: the price just waits there. The {socks_by} "
            f"wakes the task, and poll {last.poll} takes both prices, from "
            f"{last.before} to {last.after}.",
        ),
        (
            Wrong(
                "every send wakes the task",
                ("shoes sender", len(trace) + 1, "Pending"),
                "The shoes sender wakes the task; poll 2 returns `Pending`, "
                "still at `socks.await`",
                "A sender wakes only the waker stored in its own channel, and "
                f"only a poll of the shoes receiver would store one. In the "
                f"model the shoes price's turn woke {woke}, and the run has "
                f"{plural(len(trace), 'poll')}.",
            ),
            Wrong(
                "the body reads the prices in the order they arrive",
                ("shoes sender", len(trace), "shoes first"),
                "The shoes sender wakes the task, and the next poll takes the "
                "shoes price first",
                "The body awaits socks, then shoes, whatever order the values "
                f"arrive in: poll {last.poll} goes from {last.before}, past "
                f"awaiting shoes (the price is there), to {last.after}; the "
                f"shoes price woke {woke}.",
            ),
        ),
        stepper_show(STEPPER, 2, f"Poll {last.poll} of", "Step to the last poll"),
    )


def forgetful() -> Question:
    """What the executor does when the receiver forgets its waker."""
    try:
        run = run_cart("one-by-one", "state-machine", make_channel=forgetful_channel)
    except Stalled as stalled:
        ((task, state),) = stalled.stuck
        outcome = ("Stalled", task, state)
        text = f"It raises `Stalled`: `{task}` is stuck in state {state}"
        said = str(stalled).splitlines()[-1].strip()
    else:  # the model changed: say what it does now
        last = run.trace[-1]
        outcome = (last.result, last.task, last.after)
        text = f"It finishes with `{last.result}`"
        said = f"the run finished with {last.result}"
    good = run_cart("one-by-one", "state-machine").trace
    polls_ok, finished = len(good), good[-1]
    question = Question(
        "async-fn-forgetful",
        PAGE,
        "a receiver that forgets",
        "The socks receiver returns `Pending` without storing "
        "`cx.waker()` (the `ForgetfulReceiver` above). The prices arrive one "
        "by one. What does the model's executor do?",
        Answer(
            outcome,
            text,
            f"The socks price arrives, but the sender finds no waker to call, "
            "so nothing puts the task back in the run queue; with no price "
            f'left to deliver, the executor stops and says so: "{said}". A '
            "Rust program would hang here instead.",
        ),
        (
            Wrong(
                "sending a value reaches the task by itself",
                (finished.result, finished.task, finished.after),
                f"It finishes with `{finished.result}` after "
                f"{plural(polls_ok, 'poll')}",
                "A value sent into a channel only sits in its slot; the task "
                "is polled again only if someone calls its waker, and no one "
                f'holds it. The model\'s run ends with: "{said}".',
            ),
            Wrong(
                "the executor keeps polling waiting tasks",
                UNCHECKED,  # an executor that does so is not in the model
                "It polls `cart_total` again and again until the price is there",
                "The executor polls a task only after a wake: its run queue "
                "holds woken tasks, and this one is never woken. The model's "
                f'trace has one poll, then: "{said}".',
            ),
        ),
    )
    # Built first, so that a model that no longer stalls fails on the wrong
    # option it now agrees with, before the stepper has no stall to show.
    show = stepper_show(STEPPER, 3, "Stalled", "Step to where the run stalls")
    return replace(question, show=show)


def after_ready() -> Question:
    """Polling after Ready."""
    socks_tx, socks = price_channel("socks")
    shoes_tx, shoes = price_channel("shoes")
    socks_tx.send(PRICES["socks"])
    shoes_tx.send(PRICES["shoes"])
    cart = CartTotal(socks, shoes)
    cx = Context(Waker.noop())
    first = cart.poll(cx)
    # (what happened, what it said): a raise, or the Poll it returned, so
    # the wrong options below compare with it in the same terms.
    try:
        again = ("returns", repr(cart.poll(cx)))
    except Exception as error:  # the answer is whatever the model raises
        again = (type(error).__name__, str(error))
    return Question(
        "async-fn-after-ready",
        PAGE,
        "one poll too many",
        f"Both prices were there, and the first poll returned `{first!r}`. "
        "Something polls the future once more. What happens?",
        Answer(
            again,
            f"It raises `{again[0]}`"
            if again[0] != "returns"
            else f"It returns `{again[1]}`",
            "The future is in Done, which holds nothing: its output was "
            f'given away. The model says "{again[1]}"; rustc\'s futures '
            "panic with the same words.",
        ),
        (
            Wrong(
                "a finished future keeps its result",
                ("returns", repr(first)),
                f"It returns `{first!r}` again",
                f"Done holds no total to return: `{cart.state!r}`. The model "
                f"raises `{again[0]}`.",
            ),
            Wrong(
                "a finished future waits for new input",
                ("returns", repr(Pending())),
                "It returns `Pending`",
                "Returning `Pending` promises a wake that no one would ever "
                "give. The model refuses instead: "
                f"`{again[0]}`.",
            ),
        ),
        Show("Read the section on polling after Ready", "after-ready"),
    )


def two_carts() -> Question:
    """Order these polls: two carts, Bob's replies first."""
    alice_socks_tx, alice_socks = price_channel("socks")
    alice_shoes_tx, alice_shoes = price_channel("shoes")
    bob_socks_tx, bob_socks = price_channel("socks")
    bob_shoes_tx, bob_shoes = price_channel("shoes")
    replies = PriceArrivals(
        [
            (bob_socks_tx, 5),
            (bob_shoes_tx, 30),
            (alice_socks_tx, PRICES["socks"]),
            (alice_shoes_tx, PRICES["shoes"]),
        ]
    )
    executor = Executor(drivers=[replies])
    executor.spawn(CartTotal(alice_socks, alice_shoes), name="alice")
    executor.spawn(cart_total(bob_socks, bob_shoes), name="bob")
    executor.run()
    order = tuple(r.task for r in executor.trace)
    per_task = {name: order.count(name) for name in ("alice", "bob")}
    spawn_order = ("alice",) * per_task["alice"] + ("bob",) * per_task["bob"]
    rounds = max(per_task.values())
    turns = tuple(name for _ in range(rounds) for name in ("alice", "bob"))

    def text(seq: tuple[str, ...]) -> str:
        return ", ".join(seq)

    return Question(
        "async-fn-two-carts",
        PAGE,
        "the order of polls",
        "Two carts share one executor. Alice's is spawned first; the replies "
        "for Bob's cart arrive first (Bob's socks, Bob's shoes, then "
        "Alice's). In what order are the tasks polled?",
        Answer(
            order,
            text(order),
            "Each task gets its first poll in spawn order and stops at "
            "`socks.await`. After that a task runs only when woken, and the "
            "wakes come in the order the replies arrive: Bob's two, then "
            "Alice's.",
        ),
        (
            Wrong(
                "a task runs to the end before the next starts",
                spawn_order,
                text(spawn_order),
                "Alice's task returns `Pending` at its first poll and gives "
                f"the thread back; the model polls {order[1]} next.",
            ),
            Wrong(
                "the executor takes turns, task by task",
                turns,
                text(turns),
                "The executor polls only woken tasks; Alice's is not woken "
                f"until her replies come, so the model's order is {text(order)}.",
            ),
        ),
        Show("Read the section on the order", "order"),
    )


QUESTIONS = (
    poll_two,
    already_there,
    other_order,
    state_after_socks,
    forgetful,
    after_ready,
    two_carts,
)
