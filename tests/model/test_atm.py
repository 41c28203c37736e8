"""The ATM, one rule at a time: every error path names what went wrong."""

from __future__ import annotations

import copy
import dataclasses
import itertools
import re
from typing import Any, get_args

import pytest

from chapter2.atm import (
    AMOUNT_DIGITS,
    ATM,
    ATM_TABLE,
    Account,
    Authenticated,
    Bank,
    Cancel,
    Card,
    CardInserted,
    Digit,
    Dispense,
    Dispensing,
    Effect,
    Enter,
    Event,
    Idle,
    InsertCard,
    Outcome,
    RetainCard,
    ReturnCard,
    State,
    TakeCash,
    Withdraw,
    WithdrawalSelected,
    keys,
)
from chapter2.machine import IllegalTarget, InvalidTransition

ALICE = Card("alice")

# One example of every state and every event, to try each pairing.
STATES: list[State] = [
    Idle(),
    CardInserted(ALICE, "12"),
    Authenticated(ALICE),
    WithdrawalSelected(ALICE, 40),
    Dispensing(60),
]
EVENTS: list[Event] = [
    InsertCard(ALICE),
    Digit(7),
    Enter(),
    Withdraw(),
    Cancel(),
    TakeCash(),
]


def make_atm(state: State | None = None, cash: int = 200, balance: int = 300) -> ATM:
    atm = ATM(Bank({"alice": Account(pin="1234", balance=balance)}), cash=cash)
    if state is not None:
        atm.state = state
    return atm


def snapshot(atm: ATM) -> tuple[Any, ...]:
    return (
        atm.state,
        atm.cash,
        atm.dispensed,
        tuple(atm.returned),
        tuple(atm.retained),
        atm.bank.balance("alice"),
    )


def press(atm: ATM, *events: Event) -> str:
    """Send events in order; return the last screen."""
    screen = ""
    for event in events:
        screen = atm.handle(event)
    return screen


def authenticated(cash: int = 200, balance: int = 300) -> ATM:
    atm = make_atm(cash=cash, balance=balance)
    press(atm, InsertCard(ALICE), *keys("1234"), Enter())
    assert atm.state == Authenticated(ALICE)
    return atm


# Events that make no sense: refused by name, and nothing changes.

UNLISTED = [
    (state, event)
    for state, event in itertools.product(STATES, EVENTS)
    if (type(state), type(event))
    not in {(r.source, r.event) for r in ATM_TABLE.transitions}
]


def test_the_diagram_names_each_arrow_by_its_event() -> None:
    """The diagram's labels are the event names the table and prose use
    (guards in brackets), not other words for them."""
    for row in ATM_TABLE.transitions:
        assert row.label == row.event.__name__, row


def test_most_pairings_are_refused() -> None:
    # 5 states x 6 events, of which the table lists 10.
    assert len(UNLISTED) == 20


@pytest.mark.parametrize(("state", "event"), UNLISTED, ids=lambda x: type(x).__name__)
def test_an_unlisted_event_is_refused_and_changes_nothing(
    state: State, event: Event
) -> None:
    atm = make_atm(state)
    before = snapshot(atm)
    with pytest.raises(InvalidTransition) as refused:
        atm.handle(event)
    message = str(refused.value)
    assert f"{type(event).__name__} makes no sense in state {type(state).__name__}" in (
        message
    )
    assert refused.value.state == state and refused.value.event == event
    assert snapshot(atm) == before


def test_the_refusal_lists_what_the_state_accepts() -> None:
    with pytest.raises(InvalidTransition) as refused:
        authenticated().handle(Digit(5))
    assert str(refused.value) == (
        "atm: Digit makes no sense in state Authenticated; it accepts Withdraw, Cancel"
    )


def test_cancel_is_refused_once_the_cash_is_out() -> None:
    atm = make_atm(Dispensing(60))
    with pytest.raises(
        InvalidTransition,
        match="Cancel makes no sense in state Dispensing; it accepts TakeCash",
    ):
        atm.handle(Cancel())


@pytest.mark.parametrize(
    ("state", "event"),
    [(s, e) for s, e in itertools.product(STATES, EVENTS) if (s, e) not in UNLISTED],
    ids=lambda x: type(x).__name__,
)
def test_every_listed_pairing_has_a_handler(state: State, event: Event) -> None:
    make_atm(state).handle(event)  # neither InvalidTransition nor AssertionError


def test_a_handler_cannot_leave_the_table_and_moves_nothing() -> None:
    class Broken(ATM):
        def decide(self, event: Event) -> Outcome:
            return Outcome(Dispensing(100), "free money", (Dispense("alice", 100),))

    atm = Broken(Bank({"alice": Account(pin="1234", balance=300)}), cash=200)
    before = snapshot(atm)
    with pytest.raises(IllegalTarget, match="Idle \\+ InsertCard moved to Dispensing"):
        atm.handle(InsertCard(ALICE))
    assert snapshot(atm) == before


# The card.


def test_an_unknown_card_comes_straight_back() -> None:
    atm = make_atm()
    stranger = Card("mallory")
    assert atm.handle(InsertCard(stranger)) == "Card not recognised: take your card"
    assert atm.state == Idle() and atm.returned == [stranger]


@pytest.mark.parametrize(
    "state",
    [CardInserted(ALICE, "12", 2), Authenticated(ALICE), WithdrawalSelected(ALICE, 40)],
    ids=lambda s: type(s).__name__,
)
def test_cancel_returns_the_card_from_any_state_that_holds_one(state: State) -> None:
    atm = make_atm(state)
    assert atm.handle(Cancel()) == "Cancelled: take your card"
    assert atm.state == Idle() and atm.returned == [ALICE]
    assert (atm.cash, atm.bank.balance("alice")) == (200, 300)


def test_wrong_pins_count_down_then_the_card_is_kept() -> None:
    atm = make_atm()
    atm.handle(InsertCard(ALICE))
    assert press(atm, *keys("1111"), Enter()) == "Wrong PIN: 2 tries left"
    assert atm.state == CardInserted(ALICE, "", 2)
    assert press(atm, *keys("2222"), Enter()) == "Wrong PIN: 1 try left"
    assert press(atm, *keys("3333"), Enter()) == (
        "Wrong PIN 3 times: card retained, call your bank"
    )
    assert atm.state == Idle()
    assert atm.retained == [ALICE] and atm.returned == []


def test_the_right_pin_after_wrong_ones_still_opens() -> None:
    atm = make_atm()
    atm.handle(InsertCard(ALICE))
    press(atm, *keys("1111"), Enter(), *keys("2222"), Enter())
    assert press(atm, *keys("1234"), Enter()) == "PIN accepted. Choose a service"


def test_a_fresh_card_gets_three_tries_again() -> None:
    atm = make_atm()
    press(atm, InsertCard(ALICE), *keys("1111"), Enter(), Cancel())
    atm.handle(InsertCard(ALICE))
    assert atm.state == CardInserted(ALICE, "", 3)


# Each state holds what the next step needs and nothing more (the ATM page,
# "What each state holds").


def test_no_pin_digit_survives_authentication() -> None:
    atm = make_atm()
    press(atm, InsertCard(ALICE), *keys("1234"))
    assert atm.state == CardInserted(ALICE, "1234", 3)
    atm.handle(Enter())
    assert [f.name for f in dataclasses.fields(atm.state)] == ["card"]
    assert "1234" not in repr(atm.state)


def test_each_state_carries_only_its_own_fields() -> None:
    fields = {
        state.__name__: [f.name for f in dataclasses.fields(state)]
        for state in ATM_TABLE.states()
    }
    assert fields == {
        "Idle": [],
        "CardInserted": ["card", "pin", "tries_left"],
        "Authenticated": ["card"],
        "WithdrawalSelected": ["card", "amount"],
        "Dispensing": ["amount"],
    }


# The pages say a state never changes: a step makes a new one. Every state,
# event and effect, the card and the account refuse to be altered in place.
VALUES: list[object] = [
    *STATES,
    *EVENTS,
    ReturnCard(ALICE),
    RetainCard(ALICE),
    Dispense("alice", 20),
    ALICE,
    Account(pin="1234", balance=5),
]


def test_the_frozen_values_cover_every_state_event_and_effect() -> None:
    kinds = {type(value) for value in VALUES}
    assert {type(state) for state in STATES} == set(ATM_TABLE.states())
    assert kinds >= {*get_args(State), *get_args(Event), *get_args(Effect)}


@pytest.mark.parametrize("value", VALUES, ids=lambda value: type(value).__name__)
def test_a_state_event_or_effect_cannot_be_changed(value: object) -> None:
    before = copy.deepcopy(value)
    names = [field.name for field in dataclasses.fields(value)]  # type: ignore[arg-type]
    for name in [*names, "extra"]:
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(value, name, None)
    assert value == before


# The same key, two meanings (the ATM page, "One key, two meanings").


def test_a_digit_is_a_pin_digit_or_an_amount_digit() -> None:
    pin_entry = make_atm(CardInserted(ALICE, "12"))
    amount_entry = make_atm(WithdrawalSelected(ALICE, 4))
    assert pin_entry.handle(Digit(0)) == "PIN: ***"
    assert amount_entry.handle(Digit(0)) == "Amount: 40"
    assert pin_entry.state == CardInserted(ALICE, "120")
    assert amount_entry.state == WithdrawalSelected(ALICE, 40)


def test_the_keypad_takes_so_many_amount_digits_and_ignores_the_rest() -> None:
    # Past 4,300 digits an amount could not even be shown (int to str
    # conversion limit): handle() raised ValueError.
    atm = make_atm(WithdrawalSelected(ALICE))
    screens = [atm.handle(key) for key in keys("9" * 5000)]
    nines = 10**AMOUNT_DIGITS - 1
    assert screens[AMOUNT_DIGITS - 1] == f"Amount: {nines}"
    assert set(screens[AMOUNT_DIGITS:]) == {
        f"Amount: {nines} (at most {AMOUNT_DIGITS} digits)"
    }
    assert atm.state == WithdrawalSelected(ALICE, nines)
    assert nines <= 2**32 - 1  # the Rust listing's amount is a u32
    assert atm.handle(Enter()).startswith(f"Refused: {nines} is not a multiple")


# Amounts: refused with a reason, and the session goes on.


@pytest.mark.parametrize(
    ("amount", "cash", "balance", "reason"),
    [
        ("", 200, 300, "no amount typed"),
        ("70", 200, 300, "70 is not a multiple of 20"),
        ("320", 400, 300, "320 is more than your balance of 300"),
        ("240", 200, 300, "240 is more than this machine holds (200)"),
        ("0", 200, 300, "no amount typed"),
    ],
)
def test_an_amount_that_cannot_be_paid_is_refused_with_its_reason(
    amount: str, cash: int, balance: int, reason: str
) -> None:
    atm = authenticated(cash=cash, balance=balance)
    atm.handle(Withdraw())
    before = (atm.cash, atm.dispensed, atm.bank.balance("alice"), atm.returned[:])
    screen = press(atm, *keys(amount), Enter())
    assert screen == f"Refused: {reason}; enter another amount"
    assert atm.state == WithdrawalSelected(ALICE, 0)
    assert (atm.cash, atm.dispensed, atm.bank.balance("alice"), atm.returned) == before
    # The session continues: a good amount now goes through.
    assert press(atm, *keys("20"), Enter()) == "Take your card, then your cash: 20"


def test_a_withdrawal_pays_returns_the_card_and_ends_idle() -> None:
    atm = authenticated()
    screen = press(atm, Withdraw(), *keys("160"), Enter())
    assert screen == "Take your card, then your cash: 160"
    assert atm.state == Dispensing(160)
    assert atm.returned == [ALICE]
    assert (atm.bank.balance("alice"), atm.cash, atm.dispensed) == (140, 40, 160)
    assert atm.handle(TakeCash()) == "Insert your card"
    assert atm.state == Idle()


def test_the_whole_balance_and_the_whole_machine_can_be_paid() -> None:
    atm = authenticated(cash=300, balance=300)
    press(atm, Withdraw(), *keys("300"), Enter())
    assert (atm.bank.balance("alice"), atm.cash) == (0, 0)


# Bad input to constructors.


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda: make_atm(cash=-20),
            "cash in the machine is a whole amount >= 0, got -20",
        ),
        (
            lambda: make_atm(cash=10.5),
            "cash in the machine is a whole amount >= 0, got 10.5",
        ),
        (lambda: make_atm(cash=130), "must be whole notes of 20, got 130"),
        (
            lambda: ATM(Bank({}), cash=0, note=0),
            "smallest note must be positive, got 0",
        ),
        (lambda: Account(pin="12a4", balance=0), "a PIN is 4 digits, got '12a4'"),
        (lambda: Account(pin="123", balance=0), "a PIN is 4 digits, got '123'"),
        (lambda: Account(pin="1234", balance=-1), "a whole amount >= 0, got -1"),
        (lambda: Account(pin="1234", balance=2.5), "a whole amount >= 0, got 2.5"),
        (lambda: Account(pin=1234, balance=0), "a PIN is 4 digits, got 1234"),
        (lambda: Account(pin="١٢٣٤", balance=0), "a PIN is 4 digits, got '١٢٣٤'"),
        (lambda: Digit(10), "a digit key is 0-9, got 10"),
        (lambda: Digit(-1), "a digit key is 0-9, got -1"),
        (lambda: Digit("5"), "a digit key is 0-9, got '5'"),
        (lambda: Digit(True), "a digit key is 0-9, got True"),
        (lambda: Card(""), "a card must name an account"),
    ],
)
def test_bad_construction_is_refused_with_a_clear_message(
    make: Any, message: str
) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        make()


@pytest.mark.parametrize(
    ("accounts", "message"),
    [
        ({"alice": 300}, "account 'alice' must be an Account, got 300 (int)"),
        ({"alice": None}, "account 'alice' must be an Account, got None"),
        ({"": Account("1234", 0)}, "an account name is a non-empty str, got ''"),
        ({7: Account("1234", 0)}, "an account name is a non-empty str, got 7"),
        ([("alice", Account("1234", 0))], "a mapping of account names to Account"),
    ],
)
def test_a_bank_refuses_what_is_not_an_account(accounts: Any, message: str) -> None:
    with pytest.raises(TypeError, match=re.escape(message)):
        Bank(accounts)


def test_the_bank_will_not_overdraw() -> None:
    bank = Bank({"alice": Account(pin="1234", balance=50)})
    with pytest.raises(ValueError, match="cannot debit 60 from alice: balance is 50"):
        bank.debit("alice", 60)
    assert bank.balance("alice") == 50
