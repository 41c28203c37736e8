"""Step your own run: the steps the page's Python makes are the build's.

``docs/assets/run/replay.py`` runs here under CPython, the code the worker
runs, on the page's cart_total trace example: as the page shows it, its
steps are the build's one-by-one run, step for step; with the socks price
edited they differ, and end in the new total. A run with no cart_total in
it, and a price the model refuses, say why there is nothing to step.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType

from sitetools import runtime
from sitetools.steppers import cart as cart_stepper
from tests.support.pyodide_check import PyodideCheck, trace_session
from tests.support.sessions import RUNNER, _load, load_runner


def load_replay() -> ModuleType:
    load_runner()
    return _load("page_replay", RUNNER.with_name("replay.py"))


def steps_of(record: dict[str, object]) -> list[dict[str, object]]:
    assert record["ok"], record
    [track] = json.loads(str(record["steps"]))["tracks"]
    return list(track["steps"])


def test_the_pages_run_replays_as_the_build_steps_it() -> None:
    record = load_replay().replay_run("session", trace_session().source)
    built = cart_stepper.track("one-by-one").data()["steps"]
    assert steps_of(record) == built
    [track] = json.loads(str(record["steps"]))["tracks"]
    assert track["label"].startswith("your run: one-by-one"), track["label"]


def test_an_edited_price_replays_the_edited_run() -> None:
    source = trace_session().source.replace('"socks": 12', '"socks": 20')
    steps = steps_of(load_replay().replay_run("session", source))
    built = cart_stepper.track("one-by-one").data()["steps"]
    assert steps != built
    assert "Ready(78)" in steps[-1]["values"], steps[-1]
    assert (
        steps
        == cart_stepper.track("one-by-one", prices={"socks": 20, "shoes": 58}).data()[
            "steps"
        ]
    )


def test_the_forgetful_run_replays_its_stall() -> None:
    source = (
        ">>> from chapter2.cart import run_cart\n"
        ">>> from chapter2.oneshot import forgetful_channel\n"
        '>>> run_cart("other-order", "async-fn", make_channel=forgetful_channel)\n'
    )
    steps = steps_of(load_replay().replay_run("session", source))
    assert steps == cart_stepper.track("other-order", forgetful=True).data()["steps"]


# A receiver that forgets the waker, put in place by the session itself.
FORGETFUL_POLL = """\
>>> from chapter2.oneshot import Receiver
>>> from chapter2.task import Pending
>>> def poll(self, cx):
...     ready = self._take()
...     return ready if ready is not None else Pending()
>>> Receiver.poll = poll
"""


def test_what_the_session_changes_in_the_package_is_in_its_steps() -> None:
    """A session that replaces Receiver.poll with one that keeps no waker
    stalls, and so do its steps (they ended in Ready(70), made from the
    package as it ships, tried)."""
    source = FORGETFUL_POLL + trace_session().source
    steps = steps_of(load_replay().replay_run("session", source))
    assert steps[-1]["narration"].startswith("Stalled."), steps[-1]
    assert not [step for step in steps if "Ready(70)" in str(step["values"])]


def test_of_two_cart_total_runs_the_last_is_stepped() -> None:
    """The run the reader stepped through is the block's last: a session
    that runs the page's trace, then the same with socks at 20, steps the
    second (the stepper's own calls in between are not counted)."""
    source = trace_session().source
    twice = source + source.replace('"socks": 12', '"socks": 20')
    steps = steps_of(load_replay().replay_run("session", twice))
    edited = cart_stepper.track("one-by-one", prices={"socks": 20, "shoes": 58})
    assert steps == edited.data()["steps"]


def test_a_run_that_prints_otherwise_the_second_time_has_no_steps() -> None:
    """Random prices: the second run, which the steps are made from, is not
    the reader's (the stepper showed other prices and another total, tried).
    Given what the reader's run printed, the replay refuses when the second
    run prints otherwise, and makes the steps when it prints the same."""
    replay = load_replay()

    def seen(source: str) -> str:
        """What the reader's run of ``source`` printed, as the page sends it."""
        return json.dumps([r["got"] for r in load_runner().run_session(source)])

    source = (
        ">>> import random\n>>> from chapter2.cart import trace_for\n"
        '>>> print(trace_for("one-by-one", "async-fn",'
        ' prices={"socks": random.randint(1, 10**9), "shoes": 58}))\n'
    )
    refused = replay.replay_run("session", source, seen(source))
    assert not refused["ok"] and refused["got"] == replay.NOT_THE_SAME + "\n"
    fixed = trace_session().source
    assert steps_of(replay.replay_run("session", fixed, seen(fixed)))
    # An object's default repr holds its address, which differs from run to
    # run of the same code: that is not printing otherwise (it was, tried).
    placed = (
        ">>> from chapter2.cart import cart_executor\n"
        '>>> executor = cart_executor("one-by-one", "async-fn")\n'
        ">>> object.__repr__(executor)\n"
    )
    assert "0x" in seen(placed)
    assert steps_of(replay.replay_run("session", placed, seen(placed)))
    # Only an address is: other hexadecimal the run prints is compared (a
    # random number printed with hex() made the steps, tried).
    hexed = source + ">>> hex(random.randint(1, 10**9))\n"
    hexed = hexed.replace("random.randint(1, 10**9), ", "1, ")
    refused = replay.replay_run("session", hexed, seen(hexed))
    assert not refused["ok"] and refused["got"] == replay.NOT_THE_SAME + "\n"


def test_a_run_without_cart_total_or_with_a_refused_price_says_why() -> None:
    replay = load_replay()
    none = replay.replay_run("session", ">>> 6 * 7\n42\n")
    assert not none["ok"] and "no cart_total run" in none["got"], none
    bad = trace_session().source.replace('"socks": 12', '"socks": -1')
    refused = replay.replay_run("session", bad)
    assert not refused["ok"] and "ValueError" in refused["got"], refused
    assert "socks" in refused["got"], refused


def test_the_wheel_holds_what_the_replay_imports() -> None:
    """Every sitetools module replay() imports ships in the wheel, and none
    that needs a renderer or MkDocs (widget.py, figures.py stay out)."""
    saved = {n: m for n, m in sys.modules.items() if _tools(n)}
    for name in saved:
        del sys.modules[name]
    try:
        importlib.import_module("sitetools.steppers.cart")
        imported = {
            Path(str(sys.modules[n].__file__)).relative_to(runtime.ROOT).as_posix()
            for n in sys.modules
            if _tools(n)
        }
    finally:
        for name in [n for n in sys.modules if _tools(n)]:
            del sys.modules[name]
        sys.modules.update(saved)
    assert imported == set(runtime.REPLAY_MODULES)


def _tools(name: str) -> bool:
    return name == "sitetools" or name.startswith("sitetools.")


def test_the_pages_python_makes_the_same_steps(pyodide_check: PyodideCheck) -> None:
    """In pyodide (under Node, the runtime the page loads): the wheel's
    sitetools modules import there, and an edited price, or a listing of a
    receiver that forgets its waker, replay as the build steps them."""
    jobs = pyodide_check.answer().jobs
    [priced] = jobs["replay price"]
    prices = {"socks": 20, "shoes": 58}
    built = cart_stepper.track("one-by-one", prices=prices).data()["steps"]
    assert steps_of(priced) == built
    [forgetful] = jobs["replay forgetful"]
    stalled = cart_stepper.track("one-by-one", forgetful=True).data()["steps"]
    steps = steps_of(forgetful)
    assert [s["node"] for s in steps] == [s["node"] for s in stalled]
    assert str(steps[-1]["narration"]).startswith("Stalled."), steps[-1]
