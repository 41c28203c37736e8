"""The questions and exercises: keys from the model, wrong options shown
wrong, every question placed after its section, exercises tested both ways.

Each question's key is recomputed here through the model's public API, by a
route of its own, and compared with the option the page marks right; a
change to the model that moves an answer moves the key with it (the price
test), and one that makes a "wrong" option right fails the build (the
executor test).
"""

from __future__ import annotations

import builtins
import inspect
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import markdown
import pytest

import chapter2.cart
from chapter2.atm import (
    ATM,
    Account,
    Authenticated,
    Bank,
    Card,
    CardInserted,
    Digit,
    Dispensing,
    Enter,
    WithdrawalSelected,
    keys,
)
from chapter2.cart import (
    CART_TOTAL,
    PRICES,
    CartTotal,
    WaitingForShoes,
    cart_total,
    run_cart,
)
from chapter2.errors import COUNT_DOWN
from chapter2.executor import Executor, Stalled
from chapter2.layout import InfiniteSize, size_of
from chapter2.machine import InvalidTransition
from chapter2.oneshot import (
    ForgetfulReceiver,
    Receiver,
    channel,
    forgetful_channel,
)
from chapter2.recap import brew, drive
from chapter2.task import Context, Pending, Waker
from chapter2.unwind import ResumedAfterPanic
from chapter2.waiting import serve_async
from sitetools import questions, runtime
from sitetools.questions import (
    async_fn,
    async_fn_rustc,
    errors_page,
    exercises,
    helpers,
    python_async,
    state_machines,
    using_the_model,
    waiting,
)
from sitetools.questions.core import (
    UNCHECKED,
    Answer,
    Question,
    QuestionError,
    Wrong,
    comparable,
)
from tests.support.rust_listings import (
    LISTINGS,
    output_blocks,
    rustc,
    rustc_rejects,
)
from tests.support.rust_listings import run as run_listing
from tests.support.sitebuild import BuildResult, html_path

DOCS = Path(__file__).resolve().parents[2] / "docs"
BUILT = questions.build_all()
EXERCISES = questions.build_exercises()
MARKER = re.compile(r"^<!-- (question|exercise): ([\w-]+) -->$", re.MULTILINE)


def placed() -> dict[str, list[tuple[str, str]]]:
    """Every marker on every page: page -> [(kind, name)]."""
    return {
        page: [(kind, name) for kind, name in MARKER.findall(page_text(page))]
        for page in questions.pages()
    }


def page_text(page: str) -> str:
    return (DOCS / page).read_text(encoding="utf-8")


# --- where they are ------------------------------------------------------------


def test_every_question_and_exercise_is_on_its_page_once() -> None:
    markers = placed()
    seen = [(page, name) for page, found in markers.items() for _, name in found]
    for question in BUILT.values():
        assert seen.count((question.page, question.id)) == 1, question.id
    for exercise in EXERCISES.values():
        assert seen.count((exercise.page, exercise.id)) == 1, exercise.id
    names = {*BUILT, *EXERCISES}
    assert {name for _, name in seen} == names


def test_enough_questions_on_every_chapter_page() -> None:
    for page, found in placed().items():
        asked = [name for kind, name in found if kind == "question"]
        assert len(asked) >= 3, f"{page} has {len(asked)} questions"
    assert len(BUILT) >= 20
    assert len(EXERCISES) >= 3


def test_each_question_follows_the_section_it_asks_about() -> None:
    """A marker sits at the end of a section: the next non-blank line that
    is not another marker is a heading."""
    for page in questions.pages():
        lines = page_text(page).splitlines()
        for number, line in enumerate(lines):
            if not MARKER.match(line):
                continue
            rest = [x for x in lines[number + 1 :] if x.strip()]
            after = next((x for x in rest if not MARKER.match(x)), "")
            assert after.startswith("#"), f"{page}: {line} is followed by {after!r}"


# --- the keys are the model's --------------------------------------------------


def trace(scenario: str, **options: Any) -> list[Any]:
    return run_cart(scenario, "state-machine", **options).trace


def stalled_state() -> tuple[str, str]:
    with pytest.raises(Stalled) as stalled:
        run_cart("one-by-one", "async-fn", make_channel=forgetful_channel)
    return stalled.value.stuck[0]


def frame_after_socks() -> tuple[str, ...]:
    """The frame's names at `await shoes`, reached through the executor."""
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    coroutine = cart_total(socks, shoes)
    executor = Executor(drivers=[chapter2.cart.PriceArrivals([(socks_tx, 12)])])
    executor.spawn(coroutine, name="cart")
    with pytest.raises(Stalled):
        executor.run()
    frame = coroutine.cr_frame
    assert frame is not None
    names = tuple(sorted(frame.f_locals))
    coroutine.close()
    del shoes_tx
    return names


def suspended_state() -> str:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    coroutine = cart_total(socks, shoes)
    executor = Executor()
    executor.spawn(coroutine, name="cart")
    with pytest.raises(Stalled):
        executor.run()
    state = inspect.getcoroutinestate(coroutine)
    coroutine.close()
    del socks_tx, shoes_tx
    return state


def amount_after_digit() -> tuple[str, int]:
    machine = atm(WithdrawalSelected(Card("alice"), 4))
    machine.handle(Digit(5))
    assert isinstance(machine.state, WithdrawalSelected)
    return (type(machine.state).__name__, machine.state.amount)


def held_after_poll_two() -> tuple[str, ...]:
    target = trace("one-by-one")[1].moves[-1].target
    return tuple(sorted(f.name for f in fields(getattr(chapter2.cart, target))))


def atm(state: Any) -> ATM:
    return ATM(Bank({"alice": Account(pin="1234", balance=300)}), cash=200, state=state)


def refused(state: Any, event: Any) -> bool:
    machine = atm(state)
    try:
        machine.handle(event)
    except InvalidTransition:
        return machine.state == state
    return False


def last_pin() -> tuple[Any, ...]:
    machine = atm(CardInserted(Card("alice"), tries_left=1))
    for event in (*keys("0000"), Enter()):
        machine.handle(event)
    return (
        type(machine.state).__name__,
        tuple(c.account for c in machine.retained),
        tuple(c.account for c in machine.returned),
    )


def clients() -> Executor:
    return waiting.clients_run()[0]


def reuse_output() -> str:
    coroutine = brew([])
    lines = []
    with pytest.raises(StopIteration) as finished:
        coroutine.send(None)
    lines.append(f"1 StopIteration: {finished.value.value}")
    with pytest.raises(RuntimeError) as again:
        coroutine.send(None)
    lines.append(f"2 RuntimeError: {again.value}")
    return "\n".join(lines) + "\n"


def crunch_order() -> tuple[str, ...]:
    from chapter2.clock import VirtualClock
    from chapter2.waiting import crunch

    clock = VirtualClock()
    executor = Executor(drivers=[clock])
    for name in ("a", "b"):
        executor.spawn(crunch(clock, work=0.1, slices=2), name=name)
    executor.run()
    return tuple(row.task for row in executor.trace)


def log_order() -> str:
    log: list[str] = []
    coroutine = brew(log)
    log.append("created")
    drive(coroutine)
    return f"{log}\n"


def closed_state() -> str:
    coroutine = brew([])
    drive(coroutine)
    return inspect.getcoroutinestate(coroutine)


def two_carts() -> tuple[str, ...]:
    order = [r.task for r in questions_trace_two_carts()]
    return tuple(order)


def questions_trace_two_carts() -> list[Any]:
    # The page's example (async-fn.md#order), run here by itself.
    a_socks_tx, a_socks = channel("socks")
    a_shoes_tx, a_shoes = channel("shoes")
    b_socks_tx, b_socks = channel("socks")
    b_shoes_tx, b_shoes = channel("shoes")
    replies = chapter2.cart.PriceArrivals(
        [(b_socks_tx, 5), (b_shoes_tx, 30), (a_socks_tx, 12), (a_shoes_tx, 58)]
    )
    executor = Executor(drivers=[replies])
    executor.spawn(CartTotal(a_socks, a_shoes), name="alice")
    executor.spawn(cart_total(b_socks, b_shoes), name="bob")
    executor.run()
    return executor.trace


def after_ready() -> tuple[str, str]:
    socks_tx, socks = channel("socks")
    shoes_tx, shoes = channel("shoes")
    socks_tx.send(1)
    shoes_tx.send(2)
    cart = CartTotal(socks, shoes)
    cart.poll(Context(Waker.noop()))
    with pytest.raises(Exception) as error:
        cart.poll(Context(Waker.noop()))
    return (type(error.value).__name__, str(error.value))


def who_wakes_shoes() -> str:
    return next(r.woken_by for r in trace("one-by-one") if r.after == "Done")


def pending_states() -> int:
    from chapter2.task import Pending

    return sum(1 for row in CART_TOTAL.transitions if row.event is Pending)


def one_more_poll() -> int:
    executor = Executor()
    executor.spawn(using_the_model.WokenTwice(), name="t")
    executor.run()
    return len(executor.trace) - 1


def recap_first_line() -> str:
    return helpers.listing_output("index.md", "recap.rs").splitlines()[0]


def rustc_verdict(listing: str) -> tuple[bool, str]:
    """(compiles, the value blamed) from the page's rustc block."""
    said = helpers.find_block(f"rustc on {listing}")
    assert said is not None
    return (False, async_fn_rustc.blamed(said)[0])


def unpin_verdict() -> tuple[bool, str]:
    said = helpers.checked_block("async-fn.md", "rustc on not_unpin.rs")
    code = re.match(r"error\[(E\d+)\]", said)
    assert code is not None
    return (False, code[1])


def borrow_error() -> tuple[bool, str, str]:
    """rustc's code and the local it names, read by a pattern of its own."""
    said = helpers.find_block("rustc on borrow_static.rs")
    assert said is not None
    found = re.search(r"error\[(E\d+)\]: `(\w+)` does not live", said)
    assert found is not None
    return (False, found[1], found[2])


def infinite_state() -> tuple[str, str]:
    with pytest.raises(InfiniteSize) as infinite:
        size_of(COUNT_DOWN)
    found = re.search(r"Its state (\w+) holds", str(infinite.value))
    assert found is not None
    return ("infinite", found[1])


def shown_output(listing: str) -> list[str]:
    (block,) = [b for b in output_blocks() if b.listing == listing]
    return block.text.strip().splitlines()


def dropped_by_cancel() -> tuple[str, ...]:
    """The receivers the model's WaitingForShoes holds, then the receipt
    that cancel.rs's body holds beside them (the model has no receipt)."""
    held = [f.name for f in fields(WaitingForShoes) if "Receiver" in str(f.type)]
    return (*(f"drop the {name} receiver" for name in held), "drop the receipt")


def panicked_again() -> str:
    said = shown_output("panic_resume.rs")[-1].split(": ", 1)[1]
    # The model's message is rustc's too.
    assert said == str(ResumedAfterPanic("`async fn` resumed after panicking"))
    return f"panic: {said}"


# Each question's key, computed here by a route of its own.
KEYS: dict[str, Callable[[], object]] = {
    "index-log-order": log_order,
    "index-state-after-drive": closed_state,
    "index-rust-first-line": recap_first_line,
    "waiting-poll-after-sleep": lambda: (
        (row := next(r for r in clients().trace if r.woken_by == "timer")).poll,
        row.task,
        row.woken_by,
    ),
    "waiting-clock-after": lambda: waiting.clients_run()[1].now(),
    "waiting-blocking-inside": lambda: (
        (run := serve_async(10, 0.1, handler=waiting.handle_blocking)).elapsed,
        run.threads,
    ),
    "waiting-crunch-order": crunch_order,
    "atm-last-wrong-pin": last_pin,
    "atm-amount-digit": amount_after_digit,
    "atm-authenticated-holds": lambda: tuple(f.name for f in fields(Authenticated)),
    "atm-digit-refused": lambda: (
        "refused",
        refused(Authenticated(Card("alice")), Digit(5)),
    ),
    "atm-cancel-too-late": lambda: (
        "refused" if refused(Dispensing(60), chapter2.atm.Cancel()) else "accepted",
        0,  # Dispensing holds no card to give back
    ),
    "errors-borrow-static": borrow_error,
    "errors-recursion": infinite_state,
    "errors-cancel": dropped_by_cancel,
    "errors-panic-again": panicked_again,
    "async-fn-drop-guard": lambda: rustc_verdict("send_guard_drop.rs"),
    "errors-temporary": lambda: rustc_verdict("send_temporary.rs"),
    "async-fn-not-unpin": unpin_verdict,
    "async-fn-poll-two": lambda: (trace("one-by-one")[1].result, "awaiting shoes"),
    "async-fn-already-there": lambda: len(trace("already-there")),
    "async-fn-other-order": lambda: (
        "no one",
        len(trace("other-order")),
        trace("other-order")[-1].result,
    ),
    "async-fn-state-after-socks": held_after_poll_two,
    "async-fn-forgetful": lambda: ("Stalled", *stalled_state()),
    "async-fn-after-ready": after_ready,
    "async-fn-two-carts": two_carts,
    "python-async-waiting-state": suspended_state,
    "python-async-frame-locals": frame_after_socks,
    "python-async-reuse": reuse_output,
    "using-where-it-stops": pending_states,
    "using-who-wakes": who_wakes_shoes,
    "using-two-wakes": one_more_poll,
}


def test_every_question_has_its_key_checked() -> None:
    assert sorted(KEYS) == sorted(BUILT)


@pytest.mark.parametrize("name", sorted(BUILT))
def test_the_key_is_what_the_model_gives(name: str) -> None:
    question = BUILT[name]
    assert question.answer.value == KEYS[name](), name
    marked = question.choices[question.key]
    assert marked.right and marked.text == question.answer.text


@pytest.mark.parametrize("name", sorted(BUILT))
def test_every_wrong_option_is_wrong_by_the_model(name: str) -> None:
    """Each wrong option's value, computed as its misconception has it,
    differs from the model's, and the option says which idea it is."""
    question = BUILT[name]
    truth = KEYS[name]()
    for wrong in question.wrong:
        assert wrong.name and wrong.why
        if wrong.value is UNCHECKED:  # said so, not compared
            continue
        assert comparable(wrong.value, truth), (name, wrong.name, wrong.value)
        assert wrong.value != truth, (name, wrong.name)
    assert any(wrong.value is not UNCHECKED for wrong in question.wrong), name
    assert sum(choice.right for choice in question.choices) == 1


@pytest.mark.rust
@pytest.mark.skipif(rustc() is None, reason="rustc not found on PATH")
def test_recap_output_is_what_rustc_gives() -> None:
    printed = run_listing(LISTINGS / "recap.rs")
    assert BUILT["index-rust-first-line"].answer.value == printed.splitlines()[0]


@pytest.mark.rust
@pytest.mark.skipif(rustc() is None, reason="rustc not found on PATH")
@pytest.mark.parametrize(
    ("name", "listing"),
    [
        ("async-fn-drop-guard", "send_guard_drop.rs"),
        ("errors-temporary", "send_temporary.rs"),
    ],
)
def test_the_value_to_blame_is_the_one_rustc_names(name: str, listing: str) -> None:
    said = rustc_rejects(listing)
    value, _ = async_fn_rustc.blamed(said)
    assert BUILT[name].answer.value == (False, value)


def test_drop_guard_is_explained_by_the_borrow(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """rustc keeps the guard because `*guard += 1` borrowed it (the page
    and rustc 1.95 say so), not because drop() leaves a scope open."""
    question = BUILT["async-fn-drop-guard"]
    texts = [question.answer.why, *(wrong.why for wrong in question.wrong)]
    assert "`*guard += 1` borrowed `guard`" in question.answer.why
    assert not any("scope runs" in text or "judged by scopes" in text for text in texts)
    assert any("borrowed" in wrong.name for wrong in question.wrong)
    # A listing without the borrow would need another explanation.
    plain = async_fn_rustc.section("send_guard_drop.rs", "count")
    unborrowed = plain.replace("*guard += 1;", "").replace("*guard", "1")
    monkeypatch.setattr(async_fn_rustc, "section", lambda *_: unborrowed)
    with pytest.raises(QuestionError, match="no longer borrows"):
        async_fn_rustc.drop_guard()


@pytest.mark.rust
@pytest.mark.skipif(rustc() is None, reason="rustc not found on PATH")
def test_borrow_static_is_the_error_rustc_gives() -> None:
    _, code, value = BUILT["errors-borrow-static"].answer.value  # type: ignore[misc]
    assert f"error[{code}]: `{value}` does not live long enough" in rustc_rejects(
        "borrow_static.rs"
    )


@pytest.mark.rust
@pytest.mark.skipif(rustc() is None, reason="rustc not found on PATH")
def test_not_unpin_is_the_error_rustc_gives() -> None:
    code = BUILT["async-fn-not-unpin"].answer.value[1]  # type: ignore[index]
    assert f"error[{code}]" in rustc_rejects("not_unpin.rs")


def test_a_price_in_the_model_changes_the_answer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The socks price moves the total in the keys that show it: the
    question is rebuilt from the model, not from a copy of the page. The
    expected key is the model's own last poll, run here at each price."""
    before = async_fn.other_order()
    old = trace("other-order")[-1].result
    assert before.answer.value[2] == old  # type: ignore[index]
    monkeypatch.setitem(chapter2.cart.PRICES, "socks", PRICES["socks"] + 8)
    new = trace("other-order")[-1].result
    assert new != old
    after = async_fn.other_order()
    assert after.answer.value[2] == new  # type: ignore[index]
    assert f"`{new}`" in after.answer.text and old not in after.answer.text
    assert after.digest() != before.digest()  # progress on it starts fresh
    assert any(f"`{new}`" in c.text for c in async_fn.poll_two().choices)


def test_a_model_that_makes_a_wrong_option_right_fails_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Give the forgetful receiver the real receiver's poll: the run now
    finishes with the total, which the option "sending a value reaches the
    task by itself" predicts. Building the question says so instead of
    teaching that option as wrong."""
    monkeypatch.setattr(ForgetfulReceiver, "poll", Receiver.poll)
    with pytest.raises(QuestionError, match="reaches the task by itself"):
        async_fn.forgetful()


def test_a_future_that_keeps_its_result_fails_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A CartTotal that returns its total again after Ready makes "a
    finished future keeps its result" right: the build must say so."""
    poll = CartTotal.poll
    given: dict[int, object] = {}

    def again(self: CartTotal, cx: Context) -> object:
        if id(self) in given:
            return given[id(self)]
        result = poll(self, cx)
        if not isinstance(result, Pending):
            given[id(self)] = result
        return result

    monkeypatch.setattr(CartTotal, "poll", again)
    with pytest.raises(QuestionError, match="keeps its result"):
        async_fn.after_ready()


def test_a_wrong_value_of_another_kind_is_refused() -> None:
    """A placeholder string can never equal a number: refused, not built."""
    with pytest.raises(QuestionError, match="cannot be compared"):
        Question(
            "q",
            "p.md",
            "t",
            "p",
            Answer(3, "3", "why"),
            (Wrong("a", "three", "x", "why"), Wrong("b", 4, "4", "why")),
        )


def test_an_answer_text_the_model_no_longer_supports_fails_the_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Texts that describe a shape ("It has no size", "It is refused, and
    the machine stays as it was") are refused when the value is another."""
    monkeypatch.setattr(
        errors_page, "size_of", lambda kind: 64 if kind is COUNT_DOWN else 16
    )
    with pytest.raises(QuestionError, match="says it has none"):
        errors_page.recursion()
    monkeypatch.setattr(
        state_machines, "outcome", lambda *_: ("WithdrawalSelected", None)
    )
    with pytest.raises(QuestionError, match="no longer refuses"):
        state_machines.digit_when_authenticated()


def test_the_atm_questions_show_their_step() -> None:
    """Each ATM question has a "show me"; those on the session land on the
    step whose narration shows the answer."""
    shown = {name: BUILT[name].show for name in BUILT if name.startswith("atm-")}
    assert all(shown.values()), [name for name, show in shown.items() if not show]
    digit = shown["atm-amount-digit"]
    holds = shown["atm-authenticated-holds"]
    assert digit is not None and "WithdrawalSelected (Digit)" in digit.say
    assert holds is not None and "moves to Authenticated" in holds.say


def test_the_last_spawned_first_option_is_what_a_stack_gives() -> None:
    """Run the two jobs with a last-in-first-out run queue: the order is
    what the option "the task spawned last runs first" shows."""
    from collections import deque

    from chapter2.clock import VirtualClock
    from chapter2.waiting import crunch

    class Stack(deque[Any]):
        def popleft(self) -> Any:
            return self.pop()

    clock = VirtualClock()
    executor = Executor(drivers=[clock])
    executor._run_queue = Stack()
    for name in ("a", "b"):
        executor.spawn(crunch(clock, work=0.1, slices=2), name=name)
    executor.run()
    stacked = tuple(row.task for row in executor.trace)
    (lifo,) = [w for w in BUILT["waiting-crunch-order"].wrong if "last" in w.name]
    assert lifo.value == stacked


def test_a_question_refuses_a_wrong_option_equal_to_the_answer() -> None:
    answer = Answer(1, "one", "because")
    with pytest.raises(QuestionError, match="predicts 1"):
        Question(
            "q",
            "index.md",
            "t",
            "p",
            answer,
            (Wrong("idea", 1, "uno", "no"), Wrong("other", 2, "two", "no")),
        )


def test_an_edited_question_has_a_new_hash() -> None:
    question = python_async.reuse()
    edited = Question(
        question.id,
        question.page,
        question.title,
        question.prompt + " (edited)",
        question.answer,
        question.wrong,
        question.show,
    )
    assert edited.digest() != question.digest()
    assert python_async.reuse().digest() == question.digest()


def test_show_me_lands_on_a_step_that_the_stepper_has() -> None:
    for question in BUILT.values():
        show = question.show
        if show is None or not show.stepper:
            continue
        tracks = helpers.stepper_tracks(show.stepper)
        assert tracks[show.track]["steps"][show.step]["narration"] == show.say, (
            question.id
        )


# --- exercises: solutions pass, starting code fails ---------------------------


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_solution_passes_every_check(name: str) -> None:
    exercise = EXERCISES[name]
    verdict = exercises.judge(exercise, exercise.solution)
    assert verdict["ok"], verdict
    assert len(verdict["checks"]) >= 3


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_reader_sees_code_without_the_tools_comments(name: str) -> None:
    """The files open with lint directives (and why), which the page leaves
    out; the code itself is shown whole."""
    exercise = EXERCISES[name]
    for shown in (exercise.start, exercise.solution):
        assert not shown.startswith("#"), shown.splitlines()[0]
        assert not re.search(r"^# (ruff|mypy):", shown, re.MULTILINE), shown
        assert shown.startswith(("from ", "import ")), shown.splitlines()[0]


@pytest.mark.parametrize("name", sorted(EXERCISES))
def test_the_starting_code_fails_the_visible_check(name: str) -> None:
    exercise = EXERCISES[name]
    verdict = exercises.judge(exercise, exercise.start)
    assert not verdict["ok"]
    first = verdict["checks"][0]
    assert not first["ok"] and first["message"], first
    assert first["name"] in exercise.visible


def test_code_that_raises_is_reported_not_crashed() -> None:
    exercise = EXERCISES["fix-the-receiver"]
    verdict = exercises.judge(exercise, "1/0")
    assert not verdict["ok"] and "ZeroDivisionError" in verdict["error"]


SELF_WAKING = """
from chapter2.oneshot import Receiver
from chapter2.task import Context, Pending, Poll


class FixedReceiver(Receiver[int]):
    def poll(self, cx: Context) -> Poll[int]:
        ready = self._take()
        if ready is not None:
            return ready
        cx.waker().wake()
        return Pending()
"""


def test_a_self_waking_receiver_fails_quickly_and_says_where() -> None:
    """Waking its own task on every poll never stalls; the checks' poll
    budget stops it in a few polls, with the state it is stuck in."""
    exercise = EXERCISES["fix-the-receiver"]
    started = time.perf_counter()
    verdict = exercises.judge(exercise, SELF_WAKING)
    assert time.perf_counter() - started < 2
    assert not verdict["ok"]
    first = verdict["checks"][0]
    assert not first["ok"] and "stuck in" in first["message"], first


def test_a_balance_shown_with_a_card_in_fails_the_checks() -> None:
    """ShowBalance accepted in CardInserted (before the PIN) breaks "refused
    in any other state": the checks try every state, not only Idle."""
    exercise = EXERCISES["atm-balance"]
    leaky = exercise.solution.replace(
        "from chapter2.atm import ATM, ATM_TABLE, Authenticated, Idle, Outcome",
        "from chapter2.atm import ATM, ATM_TABLE, Authenticated, CardInserted, "
        "Idle, Outcome",
    ).replace(
        '"ShowBalance",\n        ),',
        '"ShowBalance",\n        ),\n'
        '        Transition(CardInserted, ShowBalance, (CardInserted,), "early"),',
    )
    leaky = leaky.replace(
        "        return super().decide(event)",
        "            case CardInserted(), ShowBalance():\n"
        "                return Outcome(self.state, 'Balance: 300')\n"
        "        return super().decide(event)",
    )
    assert leaky.count("CardInserted") == 4, leaky
    verdict = exercises.judge(exercise, leaky)
    failed = [check["name"] for check in verdict["checks"] if not check["ok"]]
    assert failed and all("every other state" in name for name in failed), verdict


FORGED_VERDICT = (
    'print("@@exercise-verdict@@ " + \'{"ok": true, "error": "", "checks": []}\')'
)


# The verdict's JSON rewritten as it is written (helper-33 made a pass so).
JSON_REPLACED = """
import json
real = json.dumps
json.dumps = lambda value, **kw: real(
    {**value, "ok": True, "checks": [dict(c, ok=True) for c in value["checks"]]}
    if isinstance(value, dict) and "checks" in value else value, **kw
)
"""


# A verdict printed when the code's objects go, after the harness's own.
FORGED_LATER = """
class Forger:
    def __del__(self):
        print("@@exercise-verdict@@ " + '{"ok": true, "error": "", "checks":'
              ' [{"name": "c", "ok": true, "message": ""}]}')

forger = Forger()
"""


@pytest.mark.parametrize(
    "cheat",
    [
        FORGED_VERDICT,
        "import sys\nsys._getframe(1).f_globals['CHECKS'].clear()",
        "import builtins\nbuiltins.all = lambda it: True",
        "import sys\nsys.stdout = None",
        "for i in range(30000):\n    print(i)",
        FORGED_LATER,
        "import sys\nsys.stdout.close()",
        "import sys\nprint('to the terminal', file=sys.__stdout__)",
        JSON_REPLACED,
    ],
    ids=[
        "forged line",
        "checks removed",
        "all replaced",
        "no stdout",
        "long output",
        "forged after",
        "closed",
        "the terminal's",
        "json replaced",
    ],
)
def test_what_the_code_prints_or_changes_cannot_make_a_verdict(
    cheat: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The starting code (which fails), with a line added: a printed
    verdict, the checks cleared, ``all`` replaced, sys.stdout taken away, or
    a long output, a verdict printed as the code's objects go, the output
    closed, a print to the terminal's own stream, or ``json.dumps``
    replaced. Each passed, lost the verdict or lost the output, tried: now
    the checks run and fail, and what the code printed is kept apart, cut
    short."""
    # The code runs in this process: what it replaces is put back afterwards.
    monkeypatch.setattr(builtins, "all", builtins.all)
    monkeypatch.setattr(json, "dumps", json.dumps)
    exercise = EXERCISES["fix-the-receiver"]
    verdict = exercises.judge(exercise, f"{exercise.start}\n{cheat}\n")
    assert not verdict["ok"], verdict
    assert len(verdict["checks"]) >= 3, verdict
    assert [check for check in verdict["checks"] if not check["ok"]], verdict
    printed = verdict["printed"]
    assert len(printed) < 4100, len(printed)
    if "30000" in cheat:
        assert printed.startswith("0\n1\n") and "more characters not shown" in printed
    if cheat in (FORGED_VERDICT, FORGED_LATER):
        assert "@@exercise-verdict@@" in printed, printed
    if "__stdout__" in cheat:
        assert printed == "to the terminal\n", printed


def test_what_the_code_prints_while_checked_is_shown() -> None:
    """A print in the reader's poll, which the checks call, reaches the
    verdict's ``printed`` (it reached no one, tried)."""
    exercise = EXERCISES["fix-the-receiver"]
    noisy = exercise.solution.replace(
        "ready = self._take()", "ready = self._take()\n        print('polled', ready)"
    )
    assert noisy != exercise.solution
    verdict = exercises.judge(exercise, noisy)
    assert verdict["ok"], verdict
    assert "polled" in verdict["printed"], verdict["printed"]


def test_an_error_in_the_code_a_check_calls_names_its_line() -> None:
    """A typo in poll, which only the checks call: each failing check says
    which line of the reader's code raised (it gave the error alone, four
    times, tried)."""
    exercise = EXERCISES["fix-the-receiver"]
    lines = exercise.solution.splitlines()
    [number] = [n for n, line in enumerate(lines, 1) if "return Pending()" in line]
    typo = exercise.solution.replace("return Pending()", "return Pendng()")
    # The same typo one call deeper, in a helper of the reader's own: the
    # line named is the helper's, where it raised, not poll's.
    helper = exercise.solution.replace("return Pending()", "return pending()")
    helper += "\n\ndef pending():\n    return Pendng()\n"
    deepest = len(helper.splitlines())
    for code, line in ((typo, number), (helper, deepest)):
        verdict = exercises.judge(exercise, code)
        failed = [check["message"] for check in verdict["checks"] if not check["ok"]]
        assert failed, verdict
        for message in failed:
            assert message.endswith(f"(line {line} of your code)"), message


def test_the_hints_come_before_the_solution() -> None:
    for exercise in EXERCISES.values():
        assert len(exercise.hints) >= 2, exercise.id
        assert exercise.start != exercise.solution


# --- the HTML --------------------------------------------------------------------


def render(text: str) -> str:
    return markdown.markdown(
        text,
        extensions=["pymdownx.superfences", questions.QuestionsExtension()],
    )


def test_a_question_is_native_radios_a_status_and_a_details() -> None:
    question = BUILT["async-fn-poll-two"]
    out = render(f"Text.\n\n<!-- question: {question.id} -->\n\nMore.\n")
    assert f'data-question="{question.id}"' in out
    assert f'data-key="{question.digest()}"' in out
    assert f'data-answer="{question.key}"' in out
    assert out.count('type="radio"') == len(question.choices)
    assert out.count('role="status"') == 1
    assert '<details class="chapter-quiz__answer">' in out
    assert 'data-show="cart-total 0 2"' in out
    assert "data-quiz-chapter=" in out  # the first question on the page


def test_an_exercise_names_its_checks_and_hides_nothing_in_html(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The checks are a file the page fetches at the first Check, not part
    of the page's first load: the HTML names it and holds none of it."""
    monkeypatch.setattr(runtime, "absent", lambda: None)  # as with npm
    out = render("<!-- exercise: timer-leaf -->\n")
    assert 'data-exercise="timer-leaf"' in out and 'data-checks="timer_leaf.py"' in out
    assert "def check_three_timers" not in out  # a check the page does not show
    assert out.count("data-hint=") == len(EXERCISES["timer-leaf"].hints)
    assert 'class="chapter-exercise__solution"' in out


def test_without_the_pages_python_an_exercise_offers_no_check(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """A site built without the runtime (no npm) has no Python to check
    with: the exercise names no checks, so quiz.js adds no Check, and the
    page says why; the hints and solution are there to read. (Before, Check
    was offered and failed: "pyodide.asm.wasm is not on this site".)"""
    monkeypatch.setattr(runtime, "absent", lambda: "no runtime here")
    monkeypatch.setattr(runtime, "_said", set())
    with caplog.at_level(logging.INFO, logger=runtime.log.name):
        out = render("<!-- exercise: timer-leaf -->\n")
    assert 'data-exercise="timer-leaf"' in out and "data-checks" not in out
    assert "Checking your code needs Python in the page" in out
    assert out.count("data-hint=") == len(EXERCISES["timer-leaf"].hints)
    assert 'class="chapter-exercise__solution"' in out
    assert [r.getMessage() for r in caplog.records] == ["no runtime here"]
    quiz_js = (exercises.HARNESS_FILE.parent / "quiz.js").read_text(encoding="utf-8")
    assert 'fresh("[data-exercise][data-checks]")' in quiz_js


def test_a_bad_marker_fails_the_build() -> None:
    with pytest.raises(QuestionError, match="unknown question 'nope'"):
        render("<!-- question: nope -->\n")
    with pytest.raises(QuestionError, match="indented"):
        render("- item\n\n    <!-- question: async-fn-poll-two -->\n")


def test_a_marker_quoted_in_code_stays_as_written() -> None:
    out = render("```text\n<!-- question: async-fn-poll-two -->\n```\n")
    assert "data-question" not in out and "&lt;!-- question" in out


def test_quiz_js_reads_the_verdict_line_by_the_harness_mark() -> None:
    """quiz.js finds the verdict by the harness's MARK; a copy that drifts
    would leave every Check on the page without a verdict."""
    namespace: dict[str, Any] = {}
    exec(exercises.HARNESS_FILE.read_text(encoding="utf-8"), namespace)
    quiz_js = (exercises.HARNESS_FILE.parent / "quiz.js").read_text(encoding="utf-8")
    assert f"const MARK = {json.dumps(namespace['MARK'])};" in quiz_js


def test_every_exercise_checks_file_is_in_the_built_site(
    built_site: BuildResult,
) -> None:
    """What data-checks names is served beside quiz.js, and is the text the
    tests judge with."""
    for exercise in EXERCISES.values():
        served = built_site.site / "assets" / "quiz" / "checks" / exercise.checks_file
        assert served.read_text(encoding="utf-8").strip() == exercise.checks.strip()


def test_every_show_me_target_is_on_the_built_page(built_site: BuildResult) -> None:
    """A show-me link is raw HTML, which the strict build does not check:
    its anchor must be an id on the page the question is on, and its
    stepper one of that page's."""
    for question in BUILT.values():
        if question.show is None:
            continue
        page = html_path(built_site.site, question.page).read_text(encoding="utf-8")
        assert f'id="{question.show.anchor}"' in page, (question.id, question.show)
        if question.show.stepper:
            assert f'data-stepper="{question.show.stepper}"' in page, question.id
