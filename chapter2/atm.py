"""A cash machine as a state machine: the states, the events, and one table.

Every ATM session moves through the same few states. Each state is a small
frozen dataclass that holds exactly what the next step needs, and the legal
moves live in ``ATM_TABLE``, which dispatch, error messages and the diagram
on the site all read. The same key press means different things in different
states, and a key press that means nothing in the current state is refused
with ``InvalidTransition`` before anything changes.

Models a Rust ``enum State`` whose variants carry their data, driven by one
``match (state, event)``; ``docs/listings/atm.rs`` is that Rust.

Examples:
    >>> from chapter2.atm import ATM, Account, Bank, Card, InsertCard
    >>> atm = ATM(Bank({"alice": Account(pin="1234", balance=300)}), cash=200)
    >>> atm.handle(InsertCard(Card("alice")))
    'Enter your PIN'
    >>> atm.state
    CardInserted(card=Card(account='alice'), pin='', tries_left=3)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from chapter2.machine import InvalidTransition, Transition, TransitionTable

PIN_TRIES = 3
"""Wrong PINs in a row after which the machine keeps the card."""

AMOUNT_DIGITS = 9
"""The most digits an amount takes: a keypad stops somewhere, and nine
digits always fit the Rust listing's ``u32``. A further digit is ignored."""


def is_whole(value: object) -> bool:
    """Money and keys are whole numbers (and ``True`` is not one)."""
    return isinstance(value, int) and not isinstance(value, bool)


# --8<-- [start:bank]
@dataclass(frozen=True)
class Card:
    """A bank card. It names the account it belongs to, and nothing more."""

    account: str

    def __post_init__(self) -> None:
        if not self.account:
            raise ValueError("a card must name an account")


@dataclass(frozen=True)
class Account:
    """What the bank knows about one account: its PIN and its balance."""

    pin: str
    balance: int

    def __post_init__(self) -> None:
        pin = self.pin
        if not (
            isinstance(pin, str)
            and len(pin) == 4
            and pin.isascii()
            and pin.isdigit()
        ):
            raise ValueError(f"a PIN is 4 digits, got {pin!r}")
        if not is_whole(self.balance) or self.balance < 0:
            raise ValueError(
                f"a balance is a whole amount >= 0, got {self.balance!r}"
            )


class Bank:
    """The bank behind the machine.

    The ATM never sees a PIN: it asks the bank whether the digits typed are
    right, the way a real machine asks the card issuer.
    """

    def __init__(self, accounts: Mapping[str, Account]) -> None:
        self._accounts = checked_accounts(accounts)

    def knows(self, account: str) -> bool:
        """Whether ``account`` exists at this bank."""
        return account in self._accounts

    def pin_matches(self, account: str, digits: str) -> bool:
        """Whether ``digits`` is the PIN of ``account``; the PIN stays here."""
        return self._accounts[account].pin == digits

    def balance(self, account: str) -> int:
        """The money in ``account`` now."""
        return self._accounts[account].balance

    def debit(self, account: str, amount: int) -> None:
        """Take ``amount`` out of ``account``; refuses to overdraw it."""
        held = self._accounts[account]
        if not 0 < amount <= held.balance:
            raise ValueError(
                f"cannot debit {amount} from {account}:"
                f" balance is {held.balance}"
            )
        self._accounts[account] = replace(held, balance=held.balance - amount)


# --8<-- [end:bank]


def checked_accounts(accounts: Mapping[str, Account]) -> dict[str, Account]:
    """A copy of ``accounts``, or an error naming the first entry that is not
    an account name with an :class:`Account`."""
    if not isinstance(accounts, Mapping):
        raise TypeError(
            "a bank needs a mapping of account names to Account, got "
            f"{type(accounts).__name__}"
        )
    for name, account in accounts.items():
        if not isinstance(name, str) or not name:
            raise TypeError(f"an account name is a non-empty str, got {name!r}")
        if not isinstance(account, Account):
            raise TypeError(
                f"account {name!r} must be an Account, got {account!r}"
                f" ({type(account).__name__})"
            )
    return dict(accounts)


# --8<-- [start:states]
@dataclass(frozen=True)
class Idle:
    """No card in the machine. Nothing to remember."""


@dataclass(frozen=True)
class CardInserted:
    """A card is in; the PIN is being typed. Holds the card, the digits so
    far, and how many wrong PINs are still allowed."""

    card: Card
    pin: str = ""
    tries_left: int = PIN_TRIES


@dataclass(frozen=True)
class Authenticated:
    """The PIN was right. Holds the card (which names the account); the PIN
    digits and the count of tries are gone."""

    card: Card


@dataclass(frozen=True)
class WithdrawalSelected:
    """A withdrawal was chosen. Holds the card and the amount typed so far."""

    card: Card
    amount: int = 0


@dataclass(frozen=True)
class Dispensing:
    """The card is back with its owner; the notes wait in the tray."""

    amount: int


State = Idle | CardInserted | Authenticated | WithdrawalSelected | Dispensing
# --8<-- [end:states]


# --8<-- [start:events]
@dataclass(frozen=True)
class InsertCard:
    """A card pushed into the slot."""

    card: Card


@dataclass(frozen=True)
class Digit:
    """A number key: a PIN digit or an amount digit, depending on the state."""

    key: int

    def __post_init__(self) -> None:
        if not is_whole(self.key) or self.key not in range(10):
            raise ValueError(f"a digit key is 0-9, got {self.key!r}")


@dataclass(frozen=True)
class Enter:
    """The Enter key: confirm the PIN or the amount typed."""


@dataclass(frozen=True)
class Withdraw:
    """The menu choice to withdraw cash."""


@dataclass(frozen=True)
class Cancel:
    """The Cancel key: end the session and get the card back."""


@dataclass(frozen=True)
class TakeCash:
    """The customer takes the notes from the tray."""


Event = InsertCard | Digit | Enter | Withdraw | Cancel | TakeCash
# --8<-- [end:events]


# Laid out by hand, one row per legal move, so it reads as the table it is.
# fmt: off
# --8<-- [start:table]
ATM_TABLE = TransitionTable("atm", initial=Idle, transitions=[
    Transition(
        Idle, InsertCard, (CardInserted, Idle),
        "InsertCard", ("known", "unknown"),
    ),
    Transition(CardInserted, Digit, (CardInserted,), "Digit"),
    Transition(
        CardInserted, Enter, (Authenticated, CardInserted, Idle),
        "Enter", ("PIN right", "PIN wrong", "3rd wrong: keep card"),
    ),
    Transition(CardInserted, Cancel, (Idle,), "Cancel"),
    Transition(Authenticated, Withdraw, (WithdrawalSelected,), "Withdraw"),
    Transition(Authenticated, Cancel, (Idle,), "Cancel"),
    Transition(WithdrawalSelected, Digit, (WithdrawalSelected,), "Digit"),
    Transition(
        WithdrawalSelected, Enter, (Dispensing, WithdrawalSelected),
        "Enter", ("amount OK", "refused"),
    ),
    Transition(WithdrawalSelected, Cancel, (Idle,), "Cancel"),
    Transition(Dispensing, TakeCash, (Idle,), "TakeCash"),
])
# --8<-- [end:table]
# fmt: on
"""Every legal move of the ATM: what dispatch, errors and the diagram read."""


# What a step does to the world outside the state, applied only after every
# check has passed: a refused or failing step cannot move money or cards.
@dataclass(frozen=True)
class ReturnCard:
    """Effect: push the card back out of the slot."""

    card: Card


@dataclass(frozen=True)
class RetainCard:
    """Effect: keep the card inside the machine."""

    card: Card


@dataclass(frozen=True)
class Dispense:
    """Effect: debit the account and count the notes out of the machine."""

    account: str
    amount: int


Effect = ReturnCard | RetainCard | Dispense


class Outcome(NamedTuple):
    """What one event decides: the next state, the screen, and the effects."""

    state: State
    screen: str
    effects: tuple[Effect, ...] = ()


@dataclass
class ATM:
    """One cash machine: its state, its notes, and what it has handed out.

    Models a Rust ``struct Atm { state: State, cash: u32, .. }`` whose
    ``handle`` method matches on ``(state, event)``. ``cash`` is the money in
    the machine and must be a whole number of ``note``, the smallest note it
    pays out. ``returned`` and ``retained`` list the cards given back and
    kept, in order; ``dispensed`` is the total paid out.
    """

    bank: Bank
    cash: int
    note: int = 20
    state: State = field(default_factory=Idle)
    dispensed: int = 0
    returned: list[Card] = field(default_factory=list)
    retained: list[Card] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not is_whole(self.note) or self.note <= 0:
            raise ValueError(
                f"the smallest note must be positive, got {self.note!r}"
            )
        if not is_whole(self.cash) or self.cash < 0:
            raise ValueError(
                f"cash in the machine is a whole amount >= 0, got {self.cash!r}"
            )
        if self.cash % self.note:
            raise ValueError(
                f"cash in the machine must be whole notes of {self.note}, "
                f"got {self.cash}"
            )

    # --8<-- [start:handle]
    def handle(self, event: Event) -> str:
        """Apply one event and return what the screen shows.

        Raises ``InvalidTransition`` if the table has no
        row for this event in this state; nothing has changed then.
        """
        row = ATM_TABLE.lookup(self.state, event)
        outcome = self.decide(event)
        ATM_TABLE.check_target(row, outcome.state)
        for effect in outcome.effects:
            self.apply(effect)
        self.state = outcome.state
        return outcome.screen

    # --8<-- [end:handle]

    # --8<-- [start:decide]
    def decide(self, event: Event) -> Outcome:
        """The next state, screen and effects; reads the world, changes nothing."""
        match self.state, event:
            case Idle(), InsertCard(card):
                if not self.bank.knows(card.account):
                    return Outcome(
                        Idle(),
                        "Card not recognised: take your card",
                        (ReturnCard(card),),
                    )
                return Outcome(CardInserted(card), "Enter your PIN")
            # The same key, two meanings: a PIN digit here...
            case CardInserted(card, pin, tries_left), Digit(key):
                pin += str(key)
                return Outcome(
                    CardInserted(card, pin, tries_left),
                    "PIN: " + "*" * len(pin),
                )
            # ...and an amount digit here.
            case WithdrawalSelected(card, amount), Digit(key):
                if len(str(amount)) == AMOUNT_DIGITS:
                    return Outcome(
                        self.state,
                        f"Amount: {amount} (at most {AMOUNT_DIGITS} digits)",
                    )
                amount = amount * 10 + key
                return Outcome(
                    WithdrawalSelected(card, amount), f"Amount: {amount}"
                )
            case CardInserted(card, pin, tries_left), Enter():
                if self.bank.pin_matches(card.account, pin):
                    # The next state has no field for the PIN: it stays behind.
                    return Outcome(
                        Authenticated(card), "PIN accepted. Choose a service"
                    )
                if tries_left > 1:
                    left = tries_left - 1
                    tries = "try" if left == 1 else "tries"
                    return Outcome(
                        CardInserted(card, "", left),
                        f"Wrong PIN: {left} {tries} left",
                    )
                return Outcome(
                    Idle(),
                    f"Wrong PIN {PIN_TRIES} times: card retained, call your bank",
                    (RetainCard(card),),
                )
            case Authenticated(card), Withdraw():
                return Outcome(
                    WithdrawalSelected(card),
                    f"Amount? (multiples of {self.note})",
                )
            case WithdrawalSelected(card, amount), Enter():
                reason = self.refusal(card.account, amount)
                if reason:
                    return Outcome(
                        WithdrawalSelected(card),
                        f"Refused: {reason}; enter another amount",
                    )
                return Outcome(
                    Dispensing(amount),
                    f"Take your card, then your cash: {amount}",
                    (ReturnCard(card), Dispense(card.account, amount)),
                )
            case (
                (
                    CardInserted(card)
                    | Authenticated(card)
                    | WithdrawalSelected(card)
                ),
                Cancel(),
            ):
                return Outcome(
                    Idle(), "Cancelled: take your card", (ReturnCard(card),)
                )
            case Dispensing(), TakeCash():
                return Outcome(Idle(), "Insert your card")
        state, event_name = type(self.state).__name__, type(event).__name__
        raise AssertionError(
            f"ATM_TABLE lists {state} + {event_name},"
            " but decide() has no case for it"
        )

    # --8<-- [end:decide]

    def refusal(self, account: str, amount: int) -> str | None:
        """Why ``amount`` cannot be paid from ``account`` now, or ``None``."""
        if amount == 0:
            return "no amount typed"
        if amount % self.note:
            return f"{amount} is not a multiple of {self.note}"
        if amount > self.bank.balance(account):
            return f"{amount} is more than your balance of {self.bank.balance(account)}"
        if amount > self.cash:
            return f"{amount} is more than this machine holds ({self.cash})"
        return None

    def apply(self, effect: Effect) -> None:
        """Carry out one effect that ``decide`` asked for."""
        match effect:
            case ReturnCard(card):
                self.returned.append(card)
            case RetainCard(card):
                self.retained.append(card)
            case Dispense(account, amount):
                self.bank.debit(account, amount)
                self.cash -= amount
                self.dispensed += amount


def show(event: Event) -> str:
    """A short name for an event, the way the Rust listing prints it."""
    match event:
        case InsertCard(card):
            return f"InsertCard({card.account})"
        case Digit(key):
            return f"Digit({key})"
        case _:
            return type(event).__name__


def transcript(atm: ATM, events: Iterable[Event]) -> list[str]:
    """One line per event: the state it led to and the screen, or the refusal."""
    lines = []
    for event in events:
        try:
            screen = atm.handle(event)
        except InvalidTransition as refused:
            event_name = type(refused.event).__name__
            state_name = type(refused.state).__name__
            lines.append(
                f"{show(event):<17} refused: {event_name} makes no sense in state "
                f"{state_name}"
            )
        else:
            lines.append(
                f"{show(event):<17} -> {type(atm.state).__name__:<18} {screen}"
            )
    return lines


def keys(digits: str) -> list[Digit]:
    """The key presses that type ``digits``: ``keys("60")`` is two presses."""
    return [Digit(int(d)) for d in digits]


# --8<-- [start:demo]
def demo_atm() -> ATM:
    """The machine of the walk-through: one account, 200 in 20s."""
    return ATM(Bank({"alice": Account(pin="1234", balance=300)}), cash=200)


DEMO_EVENTS: tuple[Event, ...] = (
    InsertCard(Card("alice")),
    *keys("1235"),
    Enter(),  # a wrong PIN
    *keys("1234"),
    Enter(),  # the right one
    Digit(5),  # no menu item has a number: refused
    Withdraw(),
    *keys("70"),
    Enter(),  # not a multiple of 20
    *keys("60"),
    Enter(),
    Cancel(),  # too late: the card is already out
    TakeCash(),
)
# --8<-- [end:demo]
"""The session the page walks through, and ``docs/listings/atm.rs`` replays."""
