"""Questions for "Closing: how to use the model" (docs/using-the-model.md):
the four questions, asked of ``cart_total`` and of the executor."""

from __future__ import annotations

import ast
import inspect
import textwrap

from chapter2.cart import CART_TOTAL, cart_total, run_cart
from chapter2.executor import Executor
from chapter2.future import FutureBase
from chapter2.task import Context, Pending, Poll, Ready
from sitetools.questions.core import Answer, Question, Show, Wrong
from sitetools.questions.helpers import plural

PAGE = "using-the-model.md"


def where_it_stops() -> Question:
    # A state where the future stops is one with a Pending move back to itself.
    stops = tuple(
        row.source.__name__
        for row in CART_TOTAL.transitions
        if row.event is Pending and row.source in row.targets
    )
    states = tuple(state.__name__ for state in CART_TOTAL.states())
    tree = ast.parse(textwrap.dedent(inspect.getsource(cart_total)))
    lines = len(tree.body[0].body)  # type: ignore[attr-defined]
    return Question(
        "using-where-it-stops",
        PAGE,
        "where cart_total can stop",
        "At how many places can `cart_total` stop and return `Pending`?",
        Answer(
            len(stops),
            f"{len(stops)}: " + " and ".join(stops),
            "It stops only at an `.await` whose future is not ready; each "
            "such place is a state. Start and Done are where it begins and "
            "ends, never where it waits.",
        ),
        (
            Wrong(
                "every state is a place the future waits",
                len(states),
                f"{len(states)}: every state of the diagram",
                f"Of its {len(states)} states, only {' and '.join(stops)} have a "
                "`Pending` move back to themselves in the table; Start always "
                "moves on, and Done is the end.",
            ),
            Wrong(
                "it can stop after any line",
                lines,
                f"{lines}: after each line of the body",
                "Code between two `.await`s runs to the end in one poll; the "
                f"table lists {len(stops)} states with a `Pending` move.",
            ),
        ),
        Show("Read the table again", "where-can-it-stop"),
    )


def who_wakes() -> Question:
    trace = run_cart("one-by-one", "state-machine").trace
    row = next(r for r in trace if r.before == "awaiting shoes")
    first_waker = next(r.woken_by for r in trace if r.before == "awaiting socks")
    return Question(
        "using-who-wakes",
        PAGE,
        "who wakes it",
        "`cart_total` is stopped at `shoes.await`. Who will wake it?",
        Answer(
            row.woken_by,
            f"The {row.woken_by}, through the waker the shoes receiver stored",
            "Whoever completes what the leaf waits for calls the waker the "
            f'leaf stored: the trace\'s "woken by" for poll {row.poll} is '
            f"the {row.woken_by}.",
        ),
        (
            Wrong(
                "the executor wakes tasks when it gets round to them",
                "executor",
                "The executor, the next time round its loop",
                "The executor only polls tasks that were woken; it wakes no "
                f"one. The model's trace says poll {row.poll} was woken by the "
                f"{row.woken_by}.",
            ),
            Wrong(
                "a task keeps the first waker it gave out",
                first_waker,
                f"The {first_waker}, whose channel got the task's waker first",
                f"The {first_waker} already used its waker when it sent; the "
                "shoes receiver stored the waker of the poll that stopped at "
                f"`shoes.await`. Poll {row.poll} was woken by the {row.woken_by}.",
            ),
        ),
        Show("Read the question again", "who-wakes-it"),
    )


class WokenTwice(FutureBase[str]):
    """A leaf whose first poll wakes its task twice, then returns Pending."""

    def __init__(self) -> None:
        self.polls = 0

    def poll(self, cx: Context) -> Poll[str]:
        self.polls += 1
        if self.polls == 1:
            cx.waker().wake(by="first wake")
            cx.waker().wake(by="second wake")
            return Pending()
        return Ready("done")


def two_wakes() -> Question:
    executor = Executor()
    executor.spawn(WokenTwice(), name="task")
    executor.run()
    after = len(executor.trace) - 1
    woken_by = executor.trace[-1].woken_by
    return Question(
        "using-two-wakes",
        PAGE,
        "two wakes, how many polls",
        "During one poll, a leaf calls its task's waker twice, then the poll "
        "returns `Pending`. How many more times is the task polled?",
        Answer(
            after,
            f"{after}",
            "The first wake puts the task in the run queue; the second finds "
            f"it there already. The model's trace has one more poll, woken by "
            f'"{woken_by}".',
        ),
        (
            Wrong(
                "a poll per wake",
                2,
                "2, one per wake",
                "A woken task is queued once, however many wakes come before "
                f"its poll: the model polls it {plural(after, 'more time')}.",
            ),
            Wrong(
                "a wake while the task is queued cancels the first",
                0,
                "None: the second wake undoes the first",
                "Wakes never undo each other. The model polls the task again, "
                f'woken by "{woken_by}".',
            ),
        ),
        Show("Read the question again", "what-polls-it"),
    )


QUESTIONS = (where_it_stops, who_wakes, two_wakes)
