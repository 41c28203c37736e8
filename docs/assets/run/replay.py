"""Step through this run: the reader's cart_total run as the stepper's steps.

After the reader runs an edited cart_total example (or an edited listing
that cart_total reaches), the page offers "Step through this run". This
module, loaded as ``page_replay`` next to ``page_runner``, makes that run's
steps with the build's own code, ``sitetools.steppers.cart.replay()`` from
the wheel, and the page hands them to the cart-total stepper
(``docs/assets/stepper/stepper.js``, its ``stepper:replay`` event).

Which run: the block is run again, with the reader's edits in place, and
every call of ``chapter2.cart.cart_executor`` (which ``trace_for`` and
``run_cart`` make) is noted; the last one gives the scenario, the prices it
used and whether its channels forget their waker. A listing runs no
example: its run is the page's first scenario with the package as edited.
``chapter2`` and ``sitetools`` are imported afresh for the replay, so it sees
the edits of that moment. The tests run this module under CPython, the code
the worker runs. Standard library only (and the wheel's modules).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import sys
import traceback
from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import page_runner
from page_runner import Record, forget_package, run_script, run_session

page_runner.INTERNAL_FILES.add(__file__)

CART = "chapter2.cart"
STEPPER = "sitetools.steppers.cart"
TOOLS = "sitetools"
SCENARIO = "one-by-one"  # a listing's run: the page's first trace
CHANNELS = {"channel": False, "forgetful_channel": True}
NOT_CART = (
    "This run made no cart_total run (no call of chapter2.cart's"
    " cart_executor, which trace_for and run_cart make), so there is"
    " nothing to step through."
)


class Call(NamedTuple):
    """One run of cart_total, as ``cart_executor`` was asked for it."""

    scenario: object
    prices: object
    make_channel: object


def watching(calls: list[Call]) -> Callable[[], None]:
    """What ``run_session`` calls once the package is forgotten: import the
    cart module the run will use and note each ``cart_executor`` call."""

    def fresh() -> None:
        try:
            module = importlib.import_module(CART)
        except BaseException:  # the run shows this error itself
            return
        made = module.cart_executor
        signature = inspect.signature(made)

        @functools.wraps(made)
        def cart_executor(*args: Any, **kwargs: Any) -> Any:
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                pass  # the call itself says what is wrong
            else:
                bound.apply_defaults()
                given = bound.arguments
                prices = given["prices"]
                calls.append(
                    Call(
                        given["scenario"],
                        dict(prices) if isinstance(prices, Mapping) else prices,
                        given["make_channel"],
                    )
                )
            return made(*args, **kwargs)

        setattr(module, "cart_executor", cart_executor)  # noqa: B010

    return fresh


def _forget_tools() -> dict[str, Any]:
    """Take ``sitetools`` out of the imported modules; what was there."""
    names = [n for n in sys.modules if n == TOOLS or n.startswith(TOOLS + ".")]
    return {name: sys.modules.pop(name) for name in names}


def _failed(message: str) -> Record:
    return {"ok": False, "got": message.rstrip() + "\n"}


def steps(call: Call) -> str:
    """The stepper's JSON for one call, made by the build's code, afresh."""
    name = getattr(call.make_channel, "__name__", repr(call.make_channel))
    if name not in CHANNELS:
        raise ValueError(
            f"this run made its channels with {name}; the stepper replays"
            " runs made with channel or forgetful_channel"
        )
    forget_package()
    before = _forget_tools()
    try:
        stepper = importlib.import_module(STEPPER)
        return str(
            stepper.replay(call.scenario, forgetful=CHANNELS[name], prices=call.prices)
        )
    finally:
        _forget_tools()
        sys.modules.update(before)
        forget_package()


def replay_run(kind: str, source: str) -> Record:
    """The reader's run as the stepper's steps: ``{ok, steps}``, or
    ``{ok: False, got}`` saying why there are none.

    ``kind`` is the run's ("session", "script" or "listing"); ``source``
    the block the reader ran (a listing's edit is already in place).
    """
    calls: list[Call] = []
    try:
        if kind == "listing":
            cart = importlib.import_module(CART)
            calls.append(Call(SCENARIO, cart.PRICES, cart.channel))
        else:
            run = run_session if kind == "session" else run_script
            run(source, fresh=watching(calls))
        if not calls:
            return _failed(NOT_CART)
        return {"ok": True, "steps": steps(calls[-1])}
    except Exception as error:  # the model's own words: bad prices, say
        return _failed("".join(traceback.format_exception_only(error)))
    finally:
        page_runner.restore()
