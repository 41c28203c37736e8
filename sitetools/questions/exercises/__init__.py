"""Exercises: code to fix or finish, judged by checks in the page's Python.

Each exercise is three files: beside this one ``NAME_start.py`` (what the
reader starts from) and ``NAME_solution.py`` (one answer that passes), and
``docs/assets/quiz/checks/NAME.py`` (functions of the namespace the reader's
code leaves, listed in ``CHECKS``; the first is the one the page shows), a
file of the site that the page fetches at the first Check, so that the
checks weigh nothing on the page's first load. The page runs
the harness (``docs/assets/quiz/harness.py``, fetched by the page) with
the checks and the reader's code as one script; :func:`judge` runs the
very same text here,
which is how the tests prove that every solution passes and every starting
code fails.
"""

from __future__ import annotations

import ast
import contextlib
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sitetools.questions.core import Exercise

HERE = Path(__file__).parent
# The harness is a file of the site (the page fetches it at the first
# Check), read here so that the tests run the same text.
HARNESS_FILE = HERE.parents[2] / "docs" / "assets" / "quiz" / "harness.py"
CHECKS_DIR = HARNESS_FILE.parent / "checks"


@dataclass(frozen=True)
class Plan:
    """What an exercise says; its code is read from its three files."""

    id: str
    page: str
    title: str
    task: str
    hints: tuple[str, ...]


PLANS = (
    Plan(
        "fix-the-receiver",
        "async-fn.md",
        "make the forgetful receiver wake its task",
        "`FixedReceiver` below has the `ForgetfulReceiver`'s bug: it returns "
        "`Pending` without storing the waker, so `cart_total` stalls. Change "
        "`poll` so that the sender can wake the task and every run of "
        "`cart_total` finishes. The receiver shares `self._slot` with its "
        "sender.",
        (
            "Of the three steps that bring a task back (store the waker, call "
            "it, poll again), which one does `poll` skip?",
            "`cx.waker()` is the waker of the task being polled. The sender "
            "looks for it in `self._slot.waker`.",
            "Before `return Pending()`, add `self._slot.waker = cx.waker()`. "
            "Store it on every such poll: only the newest waker is sure to "
            "reach the task that waits now.",
        ),
    ),
    Plan(
        "timer-leaf",
        "using-the-model.md",
        "write a timer that wakes its task",
        "`Timer` is a leaf future, like `Sleep`: ready once its clock reaches "
        "`deadline_ns`. As written it returns `Pending` and nothing ever "
        "wakes the task. Make it keep the waker, register itself with the "
        "clock once (`self.clock.add_timer(self)`: the clock's driver then "
        "calls `fire()` when the deadline has passed), and wake the task from "
        "`fire()`.",
        (
            "A leaf that returns `Pending` must leave its waker where whoever "
            "completes the wait can find it. Here that is `fire()`, which the "
            "clock calls.",
            "In `poll`, before `return Pending()`: keep `cx.waker()` in "
            "`self.waker`, and call `self.clock.add_timer(self)` the first "
            "time only (`self.registered` says whether you did).",
            "In `fire`, take the waker out (`waker, self.waker = self.waker, "
            'None`) and, if there was one, call `waker.wake(by="timer")`.',
        ),
    ),
    Plan(
        "atm-balance",
        "state-machines.md",
        "teach the ATM one more event",
        "Add a `ShowBalance` event: once the PIN is accepted, it shows the "
        "account's balance on the screen and leaves the machine in "
        "`Authenticated`; in any other state it is refused, like every event "
        "the table does not list. Nothing else may change. `handle` is "
        "`ATM.handle` reading `TABLE`: add a row to `TABLE` and a case to "
        "`decide`.",
        (
            "The table decides which events a state accepts: without a row "
            "for `(Authenticated, ShowBalance)`, `handle` refuses the event "
            "before `decide` is asked.",
            "The row: `Transition(Authenticated, ShowBalance, "
            '(Authenticated,), "ShowBalance")`.',
            "In `decide`, before the last line: `match self.state, event:` "
            "with `case Authenticated(card), ShowBalance():` returning "
            '`Outcome(Authenticated(card), f"Balance: '
            '{self.bank.balance(card.account)}")`.',
        ),
    ),
)


def code(name: str, folder: Path = HERE) -> str:
    """A code file without the comments it opens with: lint directives and
    why they are there, which are for the tools, not for the reader."""
    lines = (folder / f"{name}.py").read_text(encoding="utf-8").splitlines()
    while lines and lines[0].startswith("#"):
        del lines[0]
    return "\n".join(lines).strip() + "\n"


def first_check(checks: str) -> str:
    """The source of the first function in ``CHECKS``: the visible check."""
    tree = ast.parse(checks)
    names = next(
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "CHECKS" for t in node.targets)
    )
    assert isinstance(names, ast.List) and isinstance(names.elts[0], ast.Name)
    first = names.elts[0].id
    function = next(
        node
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name == first
    )
    return ast.get_source_segment(checks, function) or ""


def build(plan: Plan) -> Exercise:
    name = plan.id.replace("-", "_")
    checks = code(name, CHECKS_DIR)
    return Exercise(
        plan.id,
        plan.page,
        plan.title,
        plan.task,
        code(f"{name}_start"),
        code(f"{name}_solution"),
        checks,
        first_check(checks),
        plan.hints,
        f"{name}.py",
    )


def build_all() -> list[Exercise]:
    return [build(plan) for plan in PLANS]


def program(exercise: Exercise, reader_code: str) -> str:
    """The script the page runs: harness, checks, and the call with the
    reader's code (as the page writes it: a JSON string is a Python one)."""
    harness = HARNESS_FILE.read_text(encoding="utf-8")
    call = f"judge({json.dumps(reader_code)}, CHECKS)"
    return f"{harness}\n\n{exercise.checks}\n\n{call}\n"


def judge(exercise: Exercise, reader_code: str) -> dict[str, Any]:
    """The verdict the page would show for ``reader_code``, run here."""
    out = io.StringIO()
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(out):
        exec(compile(program(exercise, reader_code), "<exercise>", "exec"), namespace)
    # The harness's own MARK, so that the line is found as the page finds
    # it: the last line that starts with it.
    mark: str = namespace["MARK"]
    lines = out.getvalue().split("\n")
    line = next(x for x in reversed(lines) if x.startswith(mark))
    verdict: dict[str, Any] = json.loads(line.removeprefix(mark))
    return verdict
