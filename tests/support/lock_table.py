"""A two-state lock with a guarded move: the table both the model's tests
(tests/model/test_machine_guards.py) and the drawing's tests
(tests/sitetools/test_drawing.py) use."""

from __future__ import annotations

from dataclasses import dataclass

from chapter2.machine import Transition, TransitionTable


@dataclass(frozen=True)
class Locked: ...


@dataclass(frozen=True)
class Unlocked: ...


@dataclass(frozen=True)
class Code: ...


def lock(guards: tuple[str, ...] = ("right", "wrong")) -> TransitionTable:
    """Code moves Locked to Unlocked or back to Locked, one guard per target."""
    return TransitionTable(
        "lock",
        initial=Locked,
        transitions=[Transition(Locked, Code, (Unlocked, Locked), "code", guards)],
    )
