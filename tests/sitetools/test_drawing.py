"""sitetools.drawing: DOT from the model's tables and traces, and SVG fit for
a page. (Moved here with the code from chapter2/machine.py and steppers.py.)"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from chapter2.executor import PollRecord
from chapter2.machine import Transition, TransitionTable
from sitetools import drawing
from tests.support.lock_table import Code, Locked, Unlocked, lock


def test_guards_label_each_arrow() -> None:
    dot = drawing.table_dot(lock())
    assert '"Locked" -> "Unlocked" [label="code [right]"];' in dot
    assert '"Locked" -> "Locked" [label="code [wrong]"];' in dot


def test_rows_without_guards_keep_the_plain_label() -> None:
    dot = drawing.table_dot(lock(()))
    assert '"Locked" -> "Unlocked" [label="code"];' in dot
    assert '"Locked" -> "Locked" [label="code"];' in dot


def test_parallel_rows_share_one_arrow_with_stacked_labels() -> None:
    @dataclass(frozen=True)
    class Key: ...

    table = TransitionTable(
        "lock",
        initial=Locked,
        transitions=[
            Transition(Locked, Code, (Unlocked,), "code"),
            Transition(Locked, Key, (Unlocked,), "key"),
        ],
        final=[Unlocked],
    )
    dot = drawing.table_dot(table)
    assert dot.count('"Locked" -> "Unlocked"') == 1
    assert '"Locked" -> "Unlocked" [label="code\\nkey"];' in dot
    assert '"Unlocked" [label="Unlocked", peripheries=2];' in dot
    assert '__start -> "Locked";' in dot


def test_rankdir_defaults_to_left_to_right_and_can_change() -> None:
    assert "rankdir=LR;" in drawing.table_dot(lock())
    assert "rankdir=TB;" in drawing.table_dot(lock(), "TB")


def test_an_unknown_rankdir_is_refused() -> None:
    with pytest.raises(ValueError, match="rankdir must be LR, RL, TB or BT, got 'up'"):
        drawing.table_dot(lock(), "up")


def test_quoted_keeps_line_breaks_and_escapes_quotes() -> None:
    assert drawing.quoted('a "b"\\c\nd') == '"a \\"b\\"\\\\c\\nd"'


def poll(number: int, task: str, before: str, after: str, result: str) -> PollRecord:
    return PollRecord(
        number, task, "spawn" if before == "Start" else "timer", before, after, result
    )


def test_lanes_draw_each_tasks_states_in_a_row_of_its_own() -> None:
    trace = [
        poll(1, "a", "Start", "awaiting Sleep", "Pending"),
        poll(2, "b", "Start", "Done", "Ready(1)"),
        poll(3, "a", "awaiting Sleep", "Done", "Ready(2)"),
    ]
    dot = drawing.lanes_dot("run", ["a", "b"], trace)
    assert '"a: Start" [label="a\\nStart"];' in dot
    assert '"a: awaiting Sleep" [label="awaiting\\nSleep"];' in dot
    assert '"a: Done" [label="Done", peripheries=2];' in dot
    assert '"a: awaiting Sleep" -> "a: Done" [label="timer:\\nReady(2)"];' in dot
    assert "{rank=same; __start0 -> __start1 [style=invis];}" in dot
    assert drawing.lane("a", "Done") == "a: Done"


def test_a_failing_renderer_says_so() -> None:
    with pytest.raises(drawing.DrawingError, match="graphviz-pure failed"):
        drawing.render_dot("digraph {")


def test_inline_svg_names_nodes_and_edges_by_the_models_names() -> None:
    svg = drawing.draw(drawing.table_dot(lock(())), "lock", "The lock")
    assert 'data-node="Locked"' in svg and 'data-node="Unlocked"' in svg
    assert 'data-edge="Locked-&gt;Unlocked"' in svg
    assert re.search(r'<svg role="img" aria-labelledby="lock-title"', svg)


def test_no_other_module_writes_dot() -> None:
    """issue 21: one home for drawing. A digraph or rankdir written anywhere
    else in the site's code or the model is a second home."""
    from tests.support.sitebuild import ROOT

    found = [
        str(path.relative_to(ROOT))
        for folder in ("chapter2", "sitetools")
        for path in (ROOT / folder).rglob("*.py")
        if path.name != "drawing.py"
        and re.search(r"digraph|rankdir=[A-Z]|-Tsvg", path.read_text(encoding="utf-8"))
    ]
    assert not found, f"DOT written outside sitetools/drawing.py: {found}"
