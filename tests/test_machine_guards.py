"""The small extensions of chapter2.machine: guards per target, rankdir, and
moves described by state names."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from chapter2.machine import (
    IllegalTarget,
    InvalidTransition,
    Move,
    Transition,
    TransitionTable,
)


@dataclass(frozen=True)
class Locked: ...


@dataclass(frozen=True)
class Unlocked: ...


@dataclass(frozen=True)
class Code: ...


def lock(guards: tuple[str, ...] = ("right", "wrong")) -> TransitionTable:
    return TransitionTable(
        "lock",
        initial=Locked,
        transitions=[Transition(Locked, Code, (Unlocked, Locked), "code", guards)],
    )


def test_guards_label_each_arrow() -> None:
    dot = lock().to_dot()
    assert 'Locked -> Unlocked [label="code [right]"];' in dot
    assert 'Locked -> Locked [label="code [wrong]"];' in dot


def test_rows_without_guards_keep_the_plain_label() -> None:
    dot = lock(()).to_dot()
    assert 'Locked -> Unlocked [label="code"];' in dot
    assert 'Locked -> Locked [label="code"];' in dot


def test_one_guard_per_target_or_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"Locked \+ Code: 1 guards for 2 targets"):
        lock(("right",))


def test_rankdir_defaults_to_left_to_right_and_can_change() -> None:
    assert "rankdir=LR;" in lock().to_dot()
    assert "rankdir=TB;" in lock().to_dot("TB")


def test_an_unknown_rankdir_is_refused() -> None:
    with pytest.raises(ValueError, match="rankdir must be LR, RL, TB or BT, got 'up'"):
        lock().to_dot("up")


def test_a_move_is_checked_and_described_by_state_names() -> None:
    table = lock()
    assert table.move(Locked(), Code(), Unlocked()) == Move(
        "Locked", "code [right]", "Unlocked"
    )
    with pytest.raises(InvalidTransition):
        table.move(Unlocked(), Code(), Locked())
    with pytest.raises(IllegalTarget):
        lock(()).move(Locked(), Code(), Code())
