# ruff: noqa: F401 (the reader will need these imports)
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
        # One more row goes here.
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
        # One more case goes here; ATM.decide does the rest.
        return super().decide(event)
