"""The ATM stepper: the state-machines page's session, event by event.

Feeds :data:`~chapter2.atm.DEMO_EVENTS` to the ATM the page's examples build
(:func:`~chapter2.atm.demo_atm`) through :meth:`~chapter2.atm.ATM.handle`.
An event the current state refuses (:class:`~chapter2.machine.InvalidTransition`)
changes nothing; the step names it, and the diagram marks it on the state.
"""

from __future__ import annotations

from chapter2.atm import ATM_TABLE, DEMO_EVENTS, InsertCard, demo_atm, show
from chapter2.machine import InvalidTransition
from sitetools.steppers.step import Step, Stepper, Track

WAITING_SCREEN = "(waiting for a card)"


def stepper() -> Stepper:
    atm = demo_atm()
    account = next(e.card.account for e in DEMO_EVENTS if isinstance(e, InsertCard))
    total = len(DEMO_EVENTS)

    def fields(screen: str) -> tuple[tuple[str, str], ...]:
        returned = ", ".join(repr(card) for card in atm.returned) or "none"
        return (
            ("state", repr(atm.state)),
            ("screen", screen),
            ("cards returned", returned),
            ("cash paid out", str(atm.dispensed)),
            (f"{account}'s balance", str(atm.bank.balance(account))),
        )

    steps = [
        Step(
            "Before the first event",
            "The machine waits for a card.",
            "It is in state Idle.",
            type(atm.state).__name__,
            fields=fields(WAITING_SCREEN),
        )
    ]
    screen = WAITING_SCREEN
    for number, event in enumerate(DEMO_EVENTS, 1):
        before = atm.state
        source = type(before).__name__
        try:
            screen = atm.handle(event)
        except InvalidTransition as refused:
            steps.append(
                Step(
                    f"Event {number} of {total}",
                    f"{show(event)} arrives.",
                    f"Refused: {type(refused.event).__name__} makes no sense in"
                    f" state {type(refused.state).__name__}, so nothing changed.",
                    source,
                    refused=show(event),
                    fields=fields(screen),
                )
            )
            continue
        move = ATM_TABLE.move(before, event, atm.state)
        if move.source == move.target:
            moved = f"The machine stays in {move.target} ({move.label})."
        else:
            moved = f"{move.label}: the machine moves to {move.target}."
        steps.append(
            Step(
                f"Event {number} of {total}",
                f"{show(event)} arrives.",
                f"{moved} The screen says: {screen}",
                move.target,
                edges=((move.source, move.target),),
                fields=fields(screen),
            )
        )
    return Stepper(
        "atm-session",
        "atm-states",
        "Step through the ATM session, event by event",
        (Track("the session on this page", tuple(steps)),),
    )
