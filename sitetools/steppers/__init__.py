"""Steppers: the model's runs, one step at a time, for the pages' widgets.

A stepper replays a run of the model on the page's state diagram: press
Next and the diagram marks the state the machine is in now and the arrows it
just took, and the widget says what led there and what the state holds.
Every step is computed when the site is built, by running the model through
the same API the pages' examples call, so a change to the model changes the
steppers in the same build. Nothing is written by hand.

One module per story: :mod:`~sitetools.steppers.cart` (cart_total, poll by
poll), :mod:`~sitetools.steppers.clients` (three clients on one thread) and
:mod:`~sitetools.steppers.atm` (the ATM session); :mod:`~sitetools.steppers.step`
holds the data they tell, and :mod:`~sitetools.steppers.widget` writes it into
the page. A page asks for one with a line ``<!-- stepper: NAME -->``, which
:mod:`sitetools.generated` replaces with the widget: the figure it marks and,
hidden until ``docs/assets/stepper/stepper.js`` sets them up, its controls.
"""

from __future__ import annotations

from collections.abc import Callable

from sitetools.steppers import atm, cart, clients
from sitetools.steppers.step import Step, Stepper, StepperError, Track

__all__ = ["STEPPERS", "Step", "Stepper", "StepperError", "Track", "build"]

STEPPERS: dict[str, Callable[[], Stepper]] = {
    "cart-total": cart.stepper,
    "clients": clients.stepper,
    "atm-session": atm.stepper,
}


def build(name: str) -> Stepper:
    """Build the stepper called ``name`` from the model."""
    try:
        make = STEPPERS[name]
    except KeyError:
        known = ", ".join(sorted(STEPPERS))
        raise StepperError(
            f"unknown stepper {name!r}; known steppers: {known}"
        ) from None
    return make()
