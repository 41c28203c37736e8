"""Step through this run: the reader's cart_total run as the stepper's steps.

After the reader runs an edited cart_total example (or an edited listing
that cart_total reaches), the page offers "Step through this run". This
module, loaded as ``page_replay`` next to ``page_runner``, makes that run's
steps with the build's own code, ``sitetools.steppers.cart.replay()`` from
the wheel, and the page hands them to the cart-total stepper
(``docs/assets/stepper/stepper.js``, its ``stepper:replay`` event).

Which run: the block is run again, with the reader's edits in place, and
at every call of ``chapter2.cart.cart_executor`` (which ``trace_for`` and
``run_cart`` make) the stepper's steps are made for the same scenario,
prices and channels, then and there: with the package as the block has it
at that moment, so what the block itself changed in it (a method replaced
in the session, say) is in the steps too. The last call is the run. A
listing runs no example: its run is the page's first scenario with the
package as edited. ``sitetools`` is imported afresh for each, so it sees
the package of that moment.

The block runs a second time, so a block that draws random numbers (or
reads anything else that changes) may run differently: when the page sends
what the reader's run printed (``seen``) and the second run printed
something else, there are no steps, and the reader is told why. The tests
run this module under CPython, the code the worker runs. Standard library
only (and the wheel's modules).
"""

from __future__ import annotations

import functools
import importlib
import inspect
import json
import re
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
ADDRESS = re.compile(r"(?<= at )0x[0-9a-fA-F]+(?=>)")
NOT_THE_SAME = (
    "Making the steps runs the block again, and this time it printed"
    " something else than the run you saw (it draws random numbers, or reads"
    " something that changes), so the steps would not be of your run. Give"
    " it fixed values to step through it."
)
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


# The steps of one call, or why there are none (the model's own error).
Steps = str | Exception


def watching(made_steps: list[Steps]) -> Callable[[], None]:
    """What ``run_session`` calls once the package is forgotten: import the
    cart module the run will use, and at each ``cart_executor`` call make
    the steps of that call (:func:`steps`)."""

    def fresh() -> None:
        try:
            module = importlib.import_module(CART)
        except BaseException:  # the run shows this error itself
            return
        made = module.cart_executor
        signature = inspect.signature(made)
        stepping = False  # the stepper's own calls are not the run's

        @functools.wraps(made)
        def cart_executor(*args: Any, **kwargs: Any) -> Any:
            nonlocal stepping
            try:
                bound = signature.bind(*args, **kwargs)
            except TypeError:
                pass  # the call itself says what is wrong
            else:
                if not stepping:
                    bound.apply_defaults()
                    given = bound.arguments
                    prices = given["prices"]
                    call = Call(
                        given["scenario"],
                        dict(prices) if isinstance(prices, Mapping) else prices,
                        given["make_channel"],
                    )
                    stepping = True
                    try:
                        made_steps.append(steps(call))
                    except Exception as error:  # bad prices, say
                        made_steps.append(error)
                    finally:
                        stepping = False
            return made(*args, **kwargs)

        setattr(module, "cart_executor", cart_executor)  # noqa: B010

    return fresh


def _forget_tools() -> dict[str, Any]:
    """Take ``sitetools`` out of the imported modules; what was there."""
    names = [n for n in sys.modules if n == TOOLS or n.startswith(TOOLS + ".")]
    return {name: sys.modules.pop(name) for name in names}


def _unplaced(printed: str) -> str:
    """Output with the memory addresses of default reprs left out: they
    differ from run to run of the same code."""
    return ADDRESS.sub("0x…", printed)


def _failed(message: str) -> Record:
    return {"ok": False, "got": message.rstrip() + "\n"}


def steps(call: Call) -> str:
    """The stepper's JSON for one call, made by the build's code (imported
    afresh) with the package as it is now."""
    name = getattr(call.make_channel, "__name__", repr(call.make_channel))
    if name not in CHANNELS:
        raise ValueError(
            f"this run made its channels with {name}; the stepper replays"
            " runs made with channel or forgetful_channel"
        )
    before = _forget_tools()
    try:
        stepper = importlib.import_module(STEPPER)
        return str(
            stepper.replay(call.scenario, forgetful=CHANNELS[name], prices=call.prices)
        )
    finally:
        _forget_tools()
        sys.modules.update(before)


def replay_run(kind: str, source: str, seen: str | None = None) -> Record:
    """The reader's run as the stepper's steps: ``{ok, steps}``, or
    ``{ok: False, got}`` saying why there are none.

    ``kind`` is the run's ("session", "script" or "listing"); ``source``
    the block the reader ran (a listing's edit is already in place);
    ``seen``, a JSON list of what each of its examples printed in the run
    the reader saw, if the page sends it.
    """
    made_steps: list[Steps] = []
    try:
        if kind == "listing":
            forget_package()
            cart = importlib.import_module(CART)
            made_steps.append(steps(Call(SCENARIO, cart.PRICES, cart.channel)))
        else:
            run = run_session if kind == "session" else run_script
            records = run(source, fresh=watching(made_steps))
            printed = [_unplaced(record["got"]) for record in records]
            if seen is not None and printed != [_unplaced(g) for g in json.loads(seen)]:
                return _failed(NOT_THE_SAME)
        if not made_steps:
            return _failed(NOT_CART)
        last = made_steps[-1]
        if isinstance(last, Exception):
            raise last
        return {"ok": True, "steps": last}
    except Exception as error:  # the model's own words: bad prices, say
        return _failed("".join(traceback.format_exception_only(error)))
    finally:
        page_runner.restore()
