"""Drawing: the one place that turns the model's data into diagrams.

The model holds data: transition tables (:class:`~chapter2.machine.TransitionTable`)
and the executor's traces (:class:`~chapter2.executor.PollRecord`). This
module writes Graphviz DOT for them (:func:`table_dot`, :func:`lanes_dot`),
renders it to SVG with ``graphviz-pure`` (:func:`render_dot`), and makes the
SVG fit to sit inside a page (:func:`inline_svg`). Every diagram on the site
is drawn here, in one style; :mod:`sitetools.figures` names the figures and
:mod:`sitetools.charts` draws the line charts, which are not graphs.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from chapter2.executor import PollRecord
from chapter2.machine import TransitionTable

# How every diagram looks (fonts, spacing, boxes).
STYLE = (
    '  graph [fontname="Arial", fontsize=12, nodesep=0.4, ranksep=0.5];',
    '  node [fontname="Arial", fontsize=12, shape=box, style=rounded];',
    '  edge [fontname="Arial", fontsize=10];',
)
RANKDIRS = ("LR", "RL", "TB", "BT")


class DrawingError(RuntimeError):
    """A diagram could not be drawn (bad request, or the renderer failed)."""


def quoted(text: str) -> str:
    """``text`` as a quoted DOT string; a line break stays one."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\n", "\\n") + '"'


def _graph(name: str, rankdir: str) -> list[str]:
    if rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be LR, RL, TB or BT, got {rankdir!r}")
    return [f"digraph {quoted(name)} {{", f"  rankdir={rankdir};", *STYLE]


def _start(point: str, first: str) -> list[str]:
    """The dot an initial state's arrow comes from."""
    return [
        f'  {point} [shape=point, width=0.12, label=""];',
        f"  {point} -> {quoted(first)};",
    ]


def _edges(edges: dict[tuple[str, str], list[str]]) -> list[str]:
    lines = []
    for (source, target), labels in edges.items():
        label = quoted("\n".join(labels))
        lines.append(f"  {quoted(source)} -> {quoted(target)} [label={label}];")
    return lines


def _add(
    edges: dict[tuple[str, str], list[str]], key: tuple[str, str], label: str
) -> None:
    """One arrow per pair of states; parallel moves stack their labels."""
    labels = edges.setdefault(key, [])
    if label not in labels:
        labels.append(label)


def table_dot(table: TransitionTable, rankdir: str = "LR") -> str:
    """DOT for a transition table's state diagram.

    One box per state (a final state's box doubled), one arrow per pair of
    states with the labels of every row between them stacked, and an arrow
    into the initial state. ``rankdir`` is the way the arrows mostly run:
    ``"LR"`` (left to right), ``"TB"`` (top to bottom), or their reverses.
    """
    lines = _graph(table.name, rankdir)
    lines += _start("__start", table.initial.__name__)
    for state in table.states():
        final = ", peripheries=2" if state in table.final else ""
        lines.append(
            f"  {quoted(state.__name__)} [label={quoted(state.__name__)}{final}];"
        )
    edges: dict[tuple[str, str], list[str]] = {}
    for row in table.transitions:
        for target in row.targets:
            _add(edges, (row.source.__name__, target.__name__), row.arrow_label(target))
    lines += _edges(edges)
    return "\n".join([*lines, "}"]) + "\n"


def lane(task: str, state: str) -> str:
    """The node of a lanes diagram for one task in one state."""
    return f"{task}: {state}"


def lanes_dot(name: str, tasks: Sequence[str], trace: Iterable[PollRecord]) -> str:
    """DOT for the states each task of a run went through, a row per task.

    Drawn from an executor's trace: a task's row starts at its name in state
    ``Start``; each poll is an arrow from the state before to the state
    after, labelled with who woke the task and what ``poll`` returned. Rows
    are in the order of ``tasks``, top to bottom; labels break over two
    lines, so the figure fits the page's column. Node ids are
    :func:`lane` (``"client 0: Start"``), which steppers mark.
    """
    lines = _graph(name, "LR")
    states = {lane(task, "Start"): f"{task}\nStart" for task in tasks}
    edges: dict[tuple[str, str], list[str]] = {}
    for poll in trace:
        states[lane(poll.task, poll.after)] = poll.after.replace(
            "awaiting ", "awaiting\n"
        )
        key = (lane(poll.task, poll.before), lane(poll.task, poll.after))
        _add(edges, key, f"{poll.woken_by}:\n{poll.result}")
    starts = [f"__start{number}" for number in range(len(tasks))]
    for start, task in zip(starts, tasks, strict=True):
        lines += _start(start, lane(task, "Start"))
    # The rows in the tasks' order: their start points in one rank, chained.
    lines.append(f"  {{rank=same; {' -> '.join(starts)} [style=invis];}}")
    for node, label in states.items():
        final = ", peripheries=2" if label == "Done" else ""
        lines.append(f"  {quoted(node)} [label={quoted(label)}{final}];")
    lines += _edges(edges)
    return "\n".join([*lines, "}"]) + "\n"


def dot_command() -> str:
    """The Graphviz ``dot`` replacement installed by ``graphviz-pure``."""
    beside_python = Path(sys.executable).with_name("graphviz-pure")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("graphviz-pure")
    if found is None:
        raise DrawingError("graphviz-pure is not installed (it is a docs dependency)")
    return found


def render_dot(dot: str) -> str:
    """SVG text for Graphviz ``dot`` source."""
    completed = subprocess.run(
        [dot_command(), "-Tsvg"],
        input=dot,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    if completed.returncode != 0:
        raise DrawingError(f"graphviz-pure failed: {completed.stderr.strip()}")
    return completed.stdout


def inline_svg(svg: str, name: str, title: str) -> str:
    """Make renderer output fit to sit inside a page, in either palette.

    Drops the XML prolog and comments, paints in ``currentColor`` instead of
    black on white, prefixes ids so two figures on one page never clash, and
    gives the drawing an accessible name. Its width and height stay as drawn.
    """
    svg = re.sub(r"<\?xml.*?\?>|<!DOCTYPE.*?>|<!--.*?-->", "", svg, flags=re.DOTALL)
    svg = re.sub(r'<polygon fill="white" stroke="none"[^>]*/>', "", svg, count=1)
    svg = svg.replace('"black"', '"currentColor"')
    svg = re.sub(r"<text(?![^>]*\bfill=)", '<text fill="currentColor"', svg)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{name}-\1"', svg)
    # Name each state and arrow by the model's names, so a stepper on the
    # page can find the one to mark: data-node="Start",
    # data-edge="Start->WaitingForSocks".
    svg = re.sub(
        r'(<g id="[^"]+" class="(node|edge)")>\s*<title>([^<]*)</title>',
        lambda m: (
            f'{m[1]} data-{m[2]}="{html.escape(html.unescape(m[3]))}">'
            f"<title>{m[3]}</title>"
        ),
        svg,
    )
    # width/height stay: without them the SVG gets whatever width Material's
    # fit-content <figure> offers (the caption decides it), and labels shrink.
    # A drawing wider than its column scrolls sideways in its box instead.
    svg = re.sub(
        r"<svg\b",
        f'<svg role="img" aria-labelledby="{name}-title" class="chapter-svg"',
        svg,
        count=1,
    )
    svg = re.sub(
        r"(<svg[^>]*>)",
        rf'\1<title id="{name}-title">{title}</title>',
        svg,
        count=1,
    )
    lines = [line.strip() for line in svg.splitlines()]
    return "\n".join(line for line in lines if line)


def draw(dot: str, name: str, title: str) -> str:
    """DOT source, rendered and made fit for a page (see :func:`inline_svg`)."""
    return inline_svg(render_dot(dot), name, title)
