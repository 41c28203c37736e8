"""The small extensions of chapter2.machine: guards per target and moves
described by state names (tests/sitetools/test_drawing.py draws the guarded arrows)."""

from __future__ import annotations

import pytest

from chapter2.machine import IllegalTarget, InvalidTransition, Move
from tests.support.lock_table import Code, Locked, Unlocked, lock


def test_one_guard_per_target_or_a_clear_error() -> None:
    with pytest.raises(ValueError, match=r"Locked \+ Code: 1 guards for 2 targets"):
        lock(("right",))


def test_a_move_is_checked_and_described_by_state_names() -> None:
    table = lock()
    assert table.move(Locked(), Code(), Unlocked()) == Move(
        "Locked", "code [right]", "Unlocked"
    )
    with pytest.raises(InvalidTransition):
        table.move(Unlocked(), Code(), Locked())
    with pytest.raises(IllegalTarget):
        lock(()).move(Locked(), Code(), Code())
