"""Figures generated from the model when the site is built.

A page asks for a figure with a line of its own::

    <!-- figure: atm-states -->

and the build hook (:mod:`sitetools.hooks`) replaces it with the SVG that
:func:`render` returns, inline, so it is drawn in the page's own colours and
needs nothing from outside the site. Figures are functions of the model, so a
change to a transition table changes the diagram in the same build: nothing is
drawn by hand and nothing can drift.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from chapter2.atm import ATM_TABLE
from chapter2.machine import TransitionTable


@dataclass(frozen=True)
class Figure:
    """An inline SVG with the text a screen reader announces for it."""

    name: str
    svg: str
    title: str
    caption: str


class FigureError(RuntimeError):
    """A figure could not be produced (unknown name, or the renderer failed)."""


def dot_command() -> str:
    """The Graphviz ``dot`` replacement installed by ``graphviz-pure``."""
    beside_python = Path(sys.executable).with_name("graphviz-pure")
    if beside_python.exists():
        return str(beside_python)
    found = shutil.which("graphviz-pure")
    if found is None:
        raise FigureError("graphviz-pure is not installed (it is a docs dependency)")
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
        raise FigureError(f"graphviz-pure failed: {completed.stderr.strip()}")
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
    # width/height stay: without them the SVG gets whatever width Material's
    # fit-content <figure> offers (the caption decides it), and labels shrink.
    # chapter.css scales it down on screens narrower than the drawing.
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


def diagram(
    name: str, table: TransitionTable, title: str, caption: str, rankdir: str = "LR"
) -> Figure:
    """A state diagram drawn from a transition table."""
    svg = render_dot(table.to_dot(rankdir))
    return Figure(name, inline_svg(svg, name, title), title, caption)


# Every figure the site can show, by the name pages use. Each entry builds the
# figure from the model at build time.
FIGURES: dict[str, Callable[[], Figure]] = {
    "atm-states": lambda: diagram(
        "atm-states",
        ATM_TABLE,
        "State diagram of the ATM",
        "The ATM's states and moves, drawn from <code>ATM_TABLE</code>. "
        "A label in brackets is the condition that picks one of several moves.",
        # Top to bottom: a session reads downwards and the figure fits the column.
        rankdir="TB",
    ),
}


def render(name: str) -> Figure:
    """Build the figure called ``name``."""
    try:
        make = FIGURES[name]
    except KeyError:
        known = ", ".join(sorted(FIGURES)) or "none"
        raise FigureError(f"unknown figure {name!r}; known figures: {known}") from None
    return make()


def as_html(figure: Figure) -> str:
    """The ``<figure>`` element the hook puts on the page."""
    return (
        f'<figure class="chapter-figure" id="figure-{figure.name}">\n'
        f"{figure.svg}\n"
        f"<figcaption>{figure.caption}</figcaption>\n"
        "</figure>"
    )


def _cart_total_states() -> Figure:
    # Imported here so this registration stays one self-contained block.
    from chapter2.cart import CART_TOTAL

    return diagram(
        "cart-total-states",
        CART_TOTAL,
        "State diagram of the CartTotal future",
        "The states of <code>CartTotal</code> and the moves <code>poll</code> "
        "may make, drawn from <code>CART_TOTAL</code>, the table every move is "
        "checked against. A loop is a poll that returns <code>Pending</code>.",
        # Top to bottom: the states in the order of the function's lines.
        rankdir="TB",
    )


FIGURES["cart-total-states"] = _cart_total_states
