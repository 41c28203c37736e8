"""Questions for "Why a model" (docs/index.md): a future runs nothing until
it is driven. Answers come from running :mod:`chapter2.recap`, and from the
output of ``recap.rs`` that the page shows (the tests compile and run the
listing and check that block against what it prints)."""

from __future__ import annotations

import inspect

from chapter2.recap import brew, drive
from sitetools.questions.core import Answer, Question, Show, Wrong
from sitetools.questions.helpers import fence, listing_output, printed

PAGE = "index.md"

LOG_SNIPPET = """
from chapter2.recap import brew, drive

log = []
coroutine = brew(log)
log.append("created")
drive(coroutine)
print(log)
"""


def log_order() -> Question:
    out = printed(LOG_SNIPPET)
    body: list[str] = []
    drive(brew(body))  # what the body logs, when it runs
    eager = repr([*body, "created"])
    return Question(
        "index-log-order",
        PAGE,
        "what runs when",
        "What does this Python print?\n\n" + fence(LOG_SNIPPET),
        Answer(
            out,
            f"`{out.strip()}`",
            "Calling `brew` builds the coroutine and runs none of its body, "
            'so `"created"` goes in first; `drive` then runs the body.',
        ),
        (
            Wrong(
                "a future starts running when it is created",
                eager + "\n",
                f"`{eager}`",
                f"The body runs only when something resumes the coroutine: the "
                f"program prints `{out.strip()}`.",
            ),
            Wrong(
                "only an await runs a coroutine",
                "['created']\n",
                "`['created']`",
                "`drive` resumes the coroutine with `send(None)`, which is all "
                f"an `await` does underneath: the program prints `{out.strip()}`.",
            ),
        ),
        Show("Read the example again", "creating-a-future-runs-nothing"),
    )


def state_after_drive() -> Question:
    coroutine = brew([])
    created = inspect.getcoroutinestate(coroutine)
    result = drive(coroutine)
    state = inspect.getcoroutinestate(coroutine)
    return Question(
        "index-state-after-drive",
        PAGE,
        "a coroutine that has finished",
        f"`drive(coroutine)` has returned `{result!r}`. What does "
        "`inspect.getcoroutinestate(coroutine)` say now?",
        Answer(
            state,
            f"`{state!r}`",
            "The body ran to its `return`; the coroutine is finished and "
            "cannot be resumed again.",
        ),
        (
            Wrong(
                "a finished coroutine waits to be run again",
                "CORO_SUSPENDED",
                "`'CORO_SUSPENDED'`",
                "Suspended means stopped at an `await`, with more to run. "
                f"`brew` returned; Python says `{state!r}`.",
            ),
            Wrong(
                "driving a coroutine runs a copy of it",
                created,
                f"`{created!r}`",
                f"`{created!r}` is the state before the first `send`. `drive` "
                f"resumed this very object; Python says `{state!r}`.",
            ),
        ),
        Show("Read the example again", "creating-a-future-runs-nothing"),
    )


def rust_first_line() -> Question:
    output = listing_output(PAGE, "recap.rs")
    lines = output.splitlines()
    first = lines[0]
    body: list[str] = []
    drive(brew(body))
    polls = [line for line in lines if line.startswith("poll ")]
    return Question(
        "index-rust-first-line",
        PAGE,
        "the Rust program's first line",
        "`recap.rs` builds the `brew` future, prints a line, then polls the "
        "future once. What is the first line it prints?",
        Answer(
            first,
            f"`{first}`",
            "Building the future ran none of `brew`'s body; its lines come "
            f"after, during the poll. The program prints {len(lines)} lines, "
            f"ending with `{lines[-1]}`.",
        ),
        (
            Wrong(
                "a future starts running when it is created",
                body[0],
                f"`{body[0]}`",
                f"`{body[0]}` is printed by the body, which runs only when "
                f"polled: the listing prints `{first}` first.",
            ),
            Wrong(
                "the first poll of any future returns Pending",
                "poll 1: Pending",
                "`poll 1: Pending`",
                f"`brew` never waits, so its first poll finishes: the listing "
                f"prints `{polls[0] if polls else lines[-1]}`, and first of all "
                f"`{first}`.",
            ),
        ),
        Show("Read the example again", "creating-a-future-runs-nothing"),
    )


QUESTIONS = (log_order, state_after_drive, rust_first_line)
