from typing import Any

from chapter2.atm import (
    ATM,
    ATM_TABLE,
    DEMO_EVENTS,
    Account,
    Bank,
    Card,
    Enter,
    Event,
    InsertCard,
    TakeCash,
    Withdraw,
    demo_atm,
    keys,
    transcript,
)
from chapter2.machine import InvalidTransition

SIGN_IN: list[Event] = [InsertCard(Card("alice")), *keys("1234"), Enter()]


Namespace = dict[str, Any]  # what the reader's code defined


def machine(ns: Namespace, balance: int = 300) -> ATM:
    bank = Bank({"alice": Account(pin="1234", balance=balance)})
    made: ATM = ns["BalanceATM"](bank, cash=200)
    return made


def check_shows_balance(ns: Namespace) -> None:
    """signed in, ShowBalance shows the balance, stays Authenticated"""
    atm = machine(ns)
    for event in SIGN_IN:
        atm.handle(event)
    before = atm.state
    screen = atm.handle(ns["ShowBalance"]())
    assert "300" in screen, f"the screen says {screen!r}, not 300"
    assert atm.state == before, f"the state became {atm.state!r}"


# A way into every state but Authenticated, from a fresh machine.
ELSEWHERE: list[list[Event]] = [
    [],
    [InsertCard(Card("alice"))],
    [*SIGN_IN, Withdraw()],
    [*SIGN_IN, Withdraw(), *keys("60"), Enter()],
]


def check_refused_elsewhere(ns: Namespace) -> None:
    """in every other state ShowBalance is refused and changes nothing"""
    reached = set()
    for events in ELSEWHERE:
        atm = machine(ns)
        for event in events:
            atm.handle(event)
        before = atm.state
        reached.add(type(before).__name__)
        try:
            atm.handle(ns["ShowBalance"]())
        except InvalidTransition:
            pass
        else:
            raise AssertionError(f"{before!r} accepted it: now {atm.state!r}")
        assert atm.state == before, f"refused, but {before!r} became {atm.state!r}"
    others = {state.__name__ for state in ATM_TABLE.states()} - {"Authenticated"}
    assert reached == others, f"the check reached {sorted(reached)}"


def check_session_unchanged(ns: Namespace) -> None:
    """the page's whole session runs exactly as on the chapter's ATM"""
    old, new = demo_atm(), machine(ns)
    want, got = transcript(old, DEMO_EVENTS), transcript(new, DEMO_EVENTS)
    for line, expected in enumerate(want):
        assert got[line] == expected, f"event {line + 1}: {got[line]!r}"


def check_after_withdrawal(ns: Namespace) -> None:
    """after a withdrawal of 60, ShowBalance shows 240 and moves no money"""
    atm = machine(ns)
    withdrawal: list[Event] = [*SIGN_IN, Withdraw(), *keys("60"), Enter()]
    for event in withdrawal:
        atm.handle(event)
    atm.handle(TakeCash())
    for event in SIGN_IN:
        atm.handle(event)
    screen = atm.handle(ns["ShowBalance"]())
    assert "240" in screen, f"the screen says {screen!r}, not 240"
    assert isinstance(atm, ATM) and atm.dispensed == 60, "money moved again"


CHECKS = [
    check_shows_balance,
    check_refused_elsewhere,
    check_session_unchanged,
    check_after_withdrawal,
]
