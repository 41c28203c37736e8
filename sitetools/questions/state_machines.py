"""Questions for "State machines, with an ATM" (docs/state-machines.md).

Each answer is what :class:`chapter2.atm.ATM` does when handed the event:
the state it moves to (or the refusal it raises), read from ``handle``.
"""

from __future__ import annotations

import contextlib
from dataclasses import fields

from chapter2.atm import (
    ATM,
    ATM_TABLE,
    PIN_TRIES,
    Account,
    Authenticated,
    Bank,
    Cancel,
    Card,
    CardInserted,
    Digit,
    Dispensing,
    Enter,
    Event,
    State,
    WithdrawalSelected,
    keys,
)
from chapter2.machine import InvalidTransition
from sitetools.questions.core import Answer, Question, QuestionError, Show, Wrong
from sitetools.questions.helpers import stepper_show

PAGE = "state-machines.md"
STEPPER = "atm-session"
CARD = Card("alice")


def machine(state: State) -> ATM:
    """The walk-through's machine (alice, PIN 1234, 300 in the bank, 200 in
    notes), put in ``state``."""
    return ATM(Bank({"alice": Account(pin="1234", balance=300)}), cash=200, state=state)


def outcome(state: State, *events: Event) -> tuple[str, object]:
    """What the machine ends in after ``events``: its state, or the refusal."""
    atm = machine(state)
    try:
        for event in events:
            atm.handle(event)
    except InvalidTransition as refused:
        return ("refused", str(refused))
    return (type(atm.state).__name__, atm.state)


def amount_digit() -> Question:
    start = WithdrawalSelected(CARD, amount=4)
    kind, after = outcome(start, Digit(5))
    amount = getattr(after, "amount", None)
    _, pin_after = outcome(CardInserted(CARD, pin="4"), Digit(5))
    return Question(
        "atm-amount-digit",
        PAGE,
        "a digit while choosing an amount",
        f"The machine is in `{start!r}` and the `5` key is pressed "
        "(`Digit(5)`). Where does it end up?",
        Answer(
            (kind, amount),
            f"{kind}, amount {amount}",
            f"In {type(start).__name__} a digit is part of the amount: "
            f"`amount * 10 + key`, so the model's state is `{after!r}`.",
        ),
        (
            Wrong(
                "a key means the same in every state",
                ("CardInserted", None),
                "It types a PIN digit, as the same key does in CardInserted",
                f"The same key gives a different row in each state. In "
                f"CardInserted it types a PIN digit (`{pin_after!r}`); here "
                f"the model moves to `{after!r}`.",
            ),
            Wrong(
                "a new key replaces what was typed",
                (kind, 5),
                f"{kind}, amount 5",
                f"The digits add up to a number, as on a calculator: the "
                f"model's amount is {amount}.",
            ),
        ),
        stepper_show(
            STEPPER, 0, "Event", "Step to a second digit", contains="Amount: 70"
        ),
    )


def authenticated_holds() -> Question:
    held = tuple(f.name for f in fields(Authenticated))
    before = tuple(f.name for f in fields(CardInserted))
    kind, after = outcome(CardInserted(CARD, pin="1234"), Enter())
    return Question(
        "atm-authenticated-holds",
        PAGE,
        "what Authenticated holds",
        "The right PIN has just been entered, and the machine moved from "
        "`CardInserted` to `Authenticated`. What does the new state hold?",
        Answer(
            held,
            ", ".join(f"`{name}`" for name in held),
            f"The PIN has done its job; only the card is needed from here on. "
            f"The model's state after `Enter` is `{after!r}`.",
        ),
        (
            Wrong(
                "a state keeps everything from the states before",
                before,
                ", ".join(f"`{name}`" for name in before),
                "Those are CardInserted's fields. The move to "
                f"{kind} builds a new state with only what the next "
                f"step needs: `{after!r}`.",
            ),
            Wrong(
                "the PIN is kept to check it again later",
                ("card", "pin"),
                "`card`, `pin`",
                f"Nothing after this state checks the PIN: {kind} has "
                f"no field for it (`{after!r}`), so the digits are dropped.",
            ),
        ),
        stepper_show(
            STEPPER, 0, "Event", "Step to the right PIN", contains="Authenticated"
        ),
    )


def digit_when_authenticated() -> Question:
    start = Authenticated(CARD)
    kind, said = outcome(start, Digit(5))
    refused = machine(start)
    with contextlib.suppress(InvalidTransition):
        refused.handle(Digit(5))
    unchanged = refused.state == start
    if kind != "refused" or not unchanged:
        raise QuestionError(
            f"the model no longer refuses Digit in {start!r} and stays put: "
            f"{kind}, state {refused.state!r}"
        )
    return Question(
        "atm-digit-refused",
        PAGE,
        "a key that means nothing",
        f"The machine is in `{start!r}`: the screen offers Withdraw and "
        "Cancel. The `5` key is pressed. What happens?",
        Answer(
            (kind, unchanged),
            "It is refused, and the machine stays exactly as it was",
            f"The table has no row for Digit in Authenticated. The model says: "
            f'"{said}", and its state is still `{refused.state!r}`.',
        ),
        (
            Wrong(
                "any key is taken as input",
                ("WithdrawalSelected", False),
                "It starts a withdrawal of 5",
                "A withdrawal starts only with the Withdraw event. The model "
                f'refuses the key: "{said}".',
            ),
            Wrong(
                "a wrong key ends the session",
                ("Idle", False),
                "It cancels the session and returns the card",
                "Only Cancel ends the session. A refused event changes "
                f"nothing: the model's state is still `{refused.state!r}`.",
            ),
        ),
        stepper_show(
            STEPPER, 0, "Event", "Step to the refused key", contains="Refused: Digit"
        ),
    )


def returned_by(state: State, event: Event) -> tuple[str, int]:
    """The state ``event`` leads to from ``state`` ("refused" if none), and
    how many cards it gives back."""
    atm = machine(state)
    try:
        atm.handle(event)
    except InvalidTransition:
        return ("refused", len(atm.returned))
    return (type(atm.state).__name__, len(atm.returned))


def cancel_too_late() -> Question:
    start = Dispensing(amount=60)
    kind, said = outcome(start, Cancel())
    result = returned_by(start, Cancel())
    # Cancel in the last state that holds a card: what Cancel does where it
    # has a row, which each misconception carries over to Dispensing.
    cancel_row, cards = returned_by(WithdrawalSelected(CARD, amount=60), Cancel())
    if result[0] != "refused":
        raise QuestionError(f"the model accepts Cancel in {start!r}: {kind}")
    return Question(
        "atm-cancel-too-late",
        PAGE,
        "Cancel after the card came out",
        f"The machine is in `{start!r}`: the card is back with its owner "
        "and the notes wait in the tray. The customer presses Cancel. What "
        "does the machine do?",
        Answer(
            result,
            "It refuses the key: there is nothing left to cancel",
            f'Dispensing accepts only TakeCash. The model says: "{said}".',
        ),
        (
            Wrong(
                "Cancel always ends the session",
                (cancel_row, 0),
                f"It goes back to {cancel_row} and keeps the notes",
                f"Cancel has a row in the states that hold a card; Dispensing "
                f'holds none. The model: "{said}".',
            ),
            Wrong(
                "Cancel returns the card in any state",
                (cancel_row, cards),
                "It returns the card again",
                f"The card went back when the amount was accepted; Dispensing "
                f'holds only the amount (`{start!r}`). The model: "{said}".',
            ),
        ),
        stepper_show(
            STEPPER, 0, "Event", "Step to the late Cancel", contains="Cancel arrives"
        ),
    )


def last_wrong_pin() -> Question:
    start = CardInserted(CARD, pin="", tries_left=1)
    atm = machine(start)
    screen = ""
    events: list[Event] = [*keys("9999"), Enter()]
    for event in events:
        screen = atm.handle(event)
    kind = type(atm.state).__name__
    retained = tuple(card.account for card in atm.retained)
    returned = tuple(card.account for card in atm.returned)
    if retained == (CARD.account,) and not returned:
        done = "keeps the card"
    elif returned == (CARD.account,) and not retained:
        done = "gives the card back"
    else:
        raise QuestionError(f"last wrong PIN: kept {retained}, returned {returned}")
    # What "the tries count down" predicts: the row for a wrong PIN with
    # tries left, applied once more.
    counted = machine(CardInserted(CARD, pin="", tries_left=2))
    for event in events:
        counted.handle(event)
    still = type(counted.state).__name__
    enter = next(
        row
        for row in ATM_TABLE.transitions
        if row.source is CardInserted and row.event is Enter
    )
    targets = " or ".join(target.__name__ for target in enter.targets)
    return Question(
        "atm-last-wrong-pin",
        PAGE,
        "the last wrong PIN",
        f"The machine is in `{start!r}`: one try left. The customer types "
        "`9999`, a wrong PIN, and presses Enter. What happens?",
        Answer(
            (kind, retained, returned),
            f"It goes to {kind} and {done}",
            f'The screen says "{screen}". After {PIN_TRIES} wrong PINs in '
            f"a row the machine {done}; the state it moves to holds nothing.",
        ),
        (
            Wrong(
                "the tries count down but never run out",
                (still, (), ()),
                f"It stays in {still} with no tries left",
                f"A wrong PIN leads back to {still} only while a try is "
                f"left. Enter in CardInserted can lead to {targets}, and the "
                f'last wrong try is the case for {kind}: "{screen}".',
            ),
            Wrong(
                "a failed session gives the card back",
                (kind, (), (CARD.account,)),
                f"It goes to {kind} and gives the card back",
                f"{PIN_TRIES} wrong PINs suggest that whoever holds the card may not "
                "be its owner, so the machine does not hand it back: the "
                f'model keeps it and says "{screen}".',
            ),
        ),
        Show("Read the rows for Enter", "the-machine-at-a-glance"),
    )


QUESTIONS = (
    amount_digit,
    authenticated_holds,
    digit_when_authenticated,
    cancel_too_late,
    last_wrong_pin,
)
