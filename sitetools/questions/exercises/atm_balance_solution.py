from dataclasses import dataclass
from typing import Any

from chapter2.atm import ATM, ATM_TABLE, Authenticated, Idle, Outcome
from chapter2.machine import Transition, TransitionTable


@dataclass(frozen=True)
class ShowBalance:
    """The menu choice to see the balance of the account."""


TABLE = TransitionTable(
    "atm",
    initial=Idle,
    transitions=[
        *ATM_TABLE.transitions,
        Transition(
            Authenticated,
            ShowBalance,
            (Authenticated,),
            "ShowBalance",
        ),
    ],
)


class BalanceATM(ATM):
    """The chapter's ATM, with one more event: ShowBalance."""

    def handle(self, event: Any) -> str:
        # ATM.handle, reading TABLE, not ATM_TABLE: leave it as it is.
        row = TABLE.lookup(self.state, event)
        outcome = self.decide(event)
        TABLE.check_target(row, outcome.state)
        for effect in outcome.effects:
            self.apply(effect)
        self.state = outcome.state
        return outcome.screen

    def decide(self, event: Any) -> Outcome:
        match self.state, event:
            case Authenticated(card), ShowBalance():
                balance = self.bank.balance(card.account)
                screen = f"Balance: {balance}"
                return Outcome(Authenticated(card), screen)
        return super().decide(event)
