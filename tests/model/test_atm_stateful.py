"""The ATM under random sessions: Hypothesis presses keys, invariants must hold.

A customer holds some cards and presses keys at random, with a bias towards
keys that make progress (the right PIN, plausible amounts) so that withdrawals,
retained cards and refused amounts all happen often. After every event the
test checks what a bank would insist on:

* money is conserved: balances plus cash paid out never change, and the
  machine's cash goes down by exactly what it paid out;
* no cash leaves without the right PIN, typed since that card went in, and
  only from that card's account;
* every card is in exactly one place: the customer's hand, the machine, or
  kept by the machine;
* an event the table refuses changes nothing at all, and its message names
  the state and the event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import ClassVar, NamedTuple

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from chapter2.atm import (
    ATM,
    ATM_TABLE,
    Account,
    Bank,
    Cancel,
    Card,
    CardInserted,
    Digit,
    Enter,
    Event,
    InsertCard,
    State,
    TakeCash,
    Withdraw,
)
from chapter2.machine import InvalidTransition

PINS = {"alice": "1234", "bob": "9070"}
CARDS = [Card("alice"), Card("bob"), Card("mallory")]  # mallory: no such account
# How far a visit gets before Cancel; most customers see it through (3).
PATIENCE = st.sampled_from([0, 1, 2, 3, 3, 3])
AMOUNTS = st.sampled_from([20, 40, 60, 70, 100, 200, 260, 500])
# Single keys pressed at random. Two digits are enough here: other rules type
# whole PINs and amounts, and a stray digit only needs to be some digit.
KEYS: list[Event] = [Digit(0), Digit(7), Enter(), Withdraw(), Cancel(), TakeCash()]

# At least 1,000 random sessions of up to 10 steps (a step is a key press or a
# customer move of several presses): about three seconds on a small machine.
SESSIONS = settings(
    max_examples=1000,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


class Snapshot(NamedTuple):
    state: State
    cash: int
    dispensed: int
    returned: tuple[Card, ...]
    retained: tuple[Card, ...]
    balances: dict[str, int]


class ATMSessions(RuleBasedStateMachine):
    # Across the whole run: how many sessions, and which arrows were taken.
    sessions_started: ClassVar[int] = 0
    seen: ClassVar[Counter[tuple[type, type, type]]] = Counter()

    @initialize(
        cash=st.integers(0, 20).map(lambda n: n * 20),
        balances=st.tuples(st.integers(0, 400), st.integers(0, 400)),
    )
    def open_the_bank(self, cash: int, balances: tuple[int, int]) -> None:
        type(self).sessions_started += 1
        accounts = {
            name: Account(pin=pin, balance=balance)
            for (name, pin), balance in zip(PINS.items(), balances, strict=True)
        }
        self.atm = ATM(Bank(accounts), cash=cash)
        self.start_cash = cash
        self.start_total = sum(balances)
        self.hand = list(CARDS)  # the customer's cards
        self.typed = ""  # PIN digits typed since the card went in
        self.verified: Card | None = None  # card whose right PIN was entered

    def balances(self) -> dict[str, int]:
        return {name: self.atm.bank.balance(name) for name in PINS}

    def snapshot(self) -> Snapshot:
        atm = self.atm
        return Snapshot(
            atm.state,
            atm.cash,
            atm.dispensed,
            tuple(atm.returned),
            tuple(atm.retained),
            self.balances(),
        )

    def send(self, event: Event) -> bool:
        """Press one key; check a refusal changed nothing. True if accepted."""
        before = self.snapshot()
        try:
            self.atm.handle(event)
        except InvalidTransition as refused:
            assert self.snapshot() == before, f"{event} was refused but changed things"
            message = str(refused)
            assert type(event).__name__ in message, message
            assert type(before.state).__name__ in message, message
            return False
        self.follow(before, event)
        self.hand.extend(self.atm.returned[len(before.returned) :])
        self.seen[type(before.state), type(event), type(self.atm.state)] += 1
        return True

    def follow(self, before: Snapshot, event: Event) -> None:
        """Track from outside whether the right PIN was typed; check every payout."""
        match before.state, event:
            case CardInserted(card), Digit(key):
                self.typed += str(key)
            case CardInserted(card), Enter():
                if self.typed == PINS.get(card.account):
                    self.verified = card
                self.typed = ""
        paid = self.atm.dispensed - before.dispensed
        if paid:
            assert self.verified is not None, "cash paid out with no right PIN"
            debited = {
                name: before.balances[name] - balance
                for name, balance in self.balances().items()
                if balance != before.balances[name]
            }
            assert debited == {self.verified.account: paid}, debited
        if getattr(self.atm.state, "card", None) is None:
            # No card in the machine: whatever was typed belongs to the past.
            self.typed = ""
            self.verified = None

    # What the customer can do: single keys in any order, plus the purposeful
    # moves a real customer makes, so that sessions get somewhere.

    @precondition(lambda self: bool(self.hand))
    @rule(data=st.data())
    def insert_a_card(self, data: st.DataObject) -> None:
        card = data.draw(st.sampled_from(self.hand))
        self.hand.remove(card)
        if not self.send(InsertCard(card)):
            self.hand.append(card)  # the slot was taken: still in hand

    @rule(event=st.sampled_from(KEYS))
    def press_a_key(self, event: Event) -> None:
        self.send(event)

    @rule(right=st.booleans())
    def type_a_pin_and_enter(self, right: bool) -> None:
        card = getattr(self.atm.state, "card", CARDS[0])
        pin = PINS.get(card.account, "0000")
        if not right:
            pin = pin[::-1] if pin != pin[::-1] else "1111"
        self.type(pin)
        self.send(Enter())

    @rule(amount=AMOUNTS)
    def type_an_amount_and_enter(self, amount: int) -> None:
        self.type(str(amount))
        self.send(Enter())

    @precondition(lambda self: bool(self.hand))
    @rule(data=st.data(), right=st.booleans(), amount=AMOUNTS, patience=PATIENCE)
    def make_a_visit(
        self, data: st.DataObject, right: bool, amount: int, patience: int
    ) -> None:
        """Card, PIN, Withdraw, amount; Cancel after ``patience`` of those three."""
        self.insert_a_card(data)
        steps: list[Callable[[], object]] = [
            lambda: self.type_a_pin_and_enter(right),
            lambda: self.send(Withdraw()),
            lambda: self.type_an_amount_and_enter(amount),
        ]
        for step in steps[:patience]:
            step()
        self.send(TakeCash() if patience == len(steps) else Cancel())

    def type(self, digits: str) -> None:
        for key in digits:
            self.send(Digit(int(key)))

    # What must hold after every step.

    @invariant()
    def money_is_conserved(self) -> None:
        atm = self.atm
        assert sum(self.balances().values()) + atm.dispensed == self.start_total
        assert atm.cash == self.start_cash - atm.dispensed >= 0
        assert all(balance >= 0 for balance in self.balances().values())

    @invariant()
    def every_card_is_in_exactly_one_place(self) -> None:
        in_machine = getattr(self.atm.state, "card", None)
        for card in CARDS:
            places = (
                self.hand.count(card)
                + (in_machine == card)
                + self.atm.retained.count(card)
            )
            assert places == 1, f"{card} is in {places} places"


def test_random_sessions_keep_every_invariant() -> None:
    ATMSessions.sessions_started = 0
    ATMSessions.seen.clear()
    run_state_machine_as_test(ATMSessions, settings=SESSIONS)
    assert ATMSessions.sessions_started >= 1000, ATMSessions.sessions_started
    # Invariants that held only because nothing happened would prove nothing:
    # every arrow of the diagram must have been taken.
    arrows = {
        (row.source, row.event, target)
        for row in ATM_TABLE.transitions
        for target in row.targets
    }
    missed = arrows - set(ATMSessions.seen)
    assert not missed, [
        f"{s.__name__} + {e.__name__} -> {t.__name__}" for s, e, t in missed
    ]
