"""Figures generated from the model when the site is built.

A page asks for a figure with a line of its own::

    <!-- figure: atm-states -->

and the Markdown extension :mod:`sitetools.generated` replaces it with the SVG that
:func:`render` returns, inline, so it is drawn in the page's own colours and
needs nothing from outside the site. Figures are functions of the model, so a
change to a transition table changes the diagram in the same build: nothing is
drawn by hand and nothing can drift.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Callable
from dataclasses import dataclass

from chapter2 import waiting
from chapter2.atm import ATM_TABLE
from chapter2.cart import CART_TOTAL
from chapter2.machine import TransitionTable
from sitetools import drawing
from sitetools.charts import Series, line_chart, number
from sitetools.steppers.clients import clients_run


@dataclass(frozen=True)
class Figure:
    """An inline SVG with the text a screen reader announces for it."""

    name: str
    svg: str
    title: str
    caption: str


class FigureError(RuntimeError):
    """A figure could not be produced (unknown name, or no size to fit)."""


def diagram(
    name: str, table: TransitionTable, title: str, caption: str, rankdir: str = "LR"
) -> Figure:
    """A state diagram drawn from a transition table."""
    svg = drawing.draw(drawing.table_dot(table, rankdir), name, title)
    return Figure(name, svg, title, caption)


# The waiting page's charts: serve 1 to 100 clients that each wait 0.1 s,
# three ways, on the virtual clock (chapter2.waiting.compare), at build time;
# 100 clients and 0.1 s are what the table beside them shows (a test checks).
CHART_CLIENTS = (1, 20, 40, 60, 80, 100)
CHART_LATENCY = 0.1
WAITING_LABELS = {
    "blocking": "one blocking thread",
    "threads": "a thread per client",
    "async": "async tasks, one thread",
}


def plural(count: float, noun: str) -> str:
    return f"{number(count)} {noun}{'' if count == 1 else 's'}"


def clients(count: float) -> str:
    return plural(count, "client")


@functools.cache
def waiting_runs(clients: tuple[int, ...], latency: float) -> list[list[waiting.Run]]:
    """The model's runs for the charts, computed once per build: both charts
    plot them, and every thread-per-client run starts real threads.
    """
    return [waiting.compare(n, latency) for n in clients]


def waiting_series(value: Callable[[waiting.Run], float]) -> list[Series]:
    """One series per strategy: ``value`` of each run against its clients."""
    runs = waiting_runs(CHART_CLIENTS, CHART_LATENCY)
    return [
        Series(
            WAITING_LABELS[column[0].strategy],
            tuple((run.clients, value(run)) for run in column),
        )
        for column in zip(*runs, strict=True)
    ]


def shared_flat_value(series: list[Series], *keys: str) -> float | None:
    """The one value that the series for ``keys`` all take at every point, if
    there is one: then their lines coincide and are flat, and the caption
    says so.
    """
    chosen = [s for s in series if s.label in {WAITING_LABELS[k] for k in keys}]
    values = {y for s in chosen for _, y in s.points}
    same = len(chosen) == len(keys) and len({s.points for s in chosen}) == 1
    return values.pop() if same and len(values) == 1 else None


def waiting_chart(
    name: str,
    title: str,
    metric: Callable[[waiting.Run], float],
    *,
    y_label: str,
    say: Callable[[float], str],
    caption: str,
    overlap: tuple[str, str],
    overlap_note: Callable[[float], str],
) -> Figure:
    """A line per strategy of ``metric`` against clients, from the model.

    ``say`` words a value for the tooltips. When the two ``overlap``
    strategies draw the same flat line, one hides the other, so the caption
    adds ``overlap_note`` of their value.
    """
    series = waiting_series(metric)
    svg = line_chart(
        name,
        title,
        series,
        x_label="clients",
        y_label=y_label,
        tooltip=lambda s, x, y: f"{clients(x)}: {say(y)}",
    )
    flat = shared_flat_value(series, *overlap)
    if flat is not None:
        caption += " " + overlap_note(flat)
    return Figure(name, svg, title, caption)


def waiting_elapsed() -> Figure:
    """C2-C4: time to serve every client, by strategy."""
    return waiting_chart(
        "waiting-elapsed",
        f"Time to serve clients that each wait {number(CHART_LATENCY)} s",
        lambda run: run.elapsed,
        y_label="seconds until every client is served",
        say=lambda seconds: f"{number(seconds)} s",
        caption="Computed by the virtual-clock model each time the site is built.",
        overlap=("threads", "async"),
        overlap_note=lambda seconds: (
            "The thread-per-client and async lines lie on top of each other: "
            f"both finish in {number(seconds)} s however many clients there are."
        ),
    )


def waiting_threads() -> Figure:
    """C3-C4: what the thread-per-client speed costs."""
    return waiting_chart(
        "waiting-threads",
        "Threads used to serve the same clients",
        lambda run: run.threads,
        y_label="threads",
        say=lambda threads: plural(threads, "thread"),
        caption="The same runs of the model.",
        overlap=("blocking", "async"),
        overlap_note=lambda threads: (
            "The blocking and async lines lie on top of each other: "
            f"{plural(threads, 'thread')} each, however many clients there are."
        ),
    )


# The narrowest column a page gives a figure, in CSS px (a 320 px phone).
NARROWEST_COLUMN = 288
PX_PER_UNIT = {"pt": 4 / 3, "px": 1.0, "": 1.0}


def drawn_width(svg: str) -> float:
    """The width the SVG is drawn at, in CSS px (its ``width`` attribute)."""
    width = re.search(r'<svg\b[^>]*?\bwidth="([\d.]+)(pt|px|)"', svg)
    if width is None:
        raise FigureError("an SVG figure needs a width in pt or px")
    return float(width[1]) * PX_PER_UNIT[width[2]]


def as_html(figure: Figure) -> str:
    """The ``<figure>`` element the extension puts on the page.

    Figures are drawn at their own size, never shrunk: that keeps every
    label at 11 CSS px or more. One wider than the narrowest column sits in
    a box that scrolls sideways (chapter.css shades the side that has more),
    which the keyboard can reach and scroll.
    """
    box = '<div class="chapter-figure__scroll">'
    if drawn_width(figure.svg) > NARROWEST_COLUMN:
        label = html.escape(f"{figure.title} (scrolls sideways on narrow screens)")
        box = (
            f'<div class="chapter-figure__scroll" tabindex="0" role="group"'
            f' aria-label="{label}">'
        )
    return (
        f'<figure class="chapter-figure" id="figure-{figure.name}">\n'
        f"{box}\n{figure.svg}\n</div>\n"
        f"<figcaption>{figure.caption}</figcaption>\n"
        "</figure>"
    )


def waiting_clients() -> Figure:
    """The states each client task of the waiting page's run went through."""
    run = clients_run()
    title = "The states of three client tasks on one executor"
    svg = drawing.draw(
        drawing.lanes_dot("clients", run.names, run.trace), "waiting-clients", title
    )
    return Figure(
        "waiting-clients",
        svg,
        title,
        "One row per client task: the states it went through and the polls "
        "that moved it, from the executor's trace of the run above, drawn "
        "when the site is built. Each arrow says who woke the task and what "
        "<code>poll</code> returned.",
    )


# Every figure the site can show, by the name pages use. Each entry builds the
# figure from the model at build time.
FIGURES: dict[str, Callable[[], Figure]] = {
    "waiting-elapsed": waiting_elapsed,
    "waiting-threads": waiting_threads,
    "waiting-clients": waiting_clients,
    "atm-states": lambda: diagram(
        "atm-states",
        ATM_TABLE,
        "State diagram of the ATM",
        "The ATM's states and moves, drawn from <code>ATM_TABLE</code>. "
        "A label in brackets is the condition that picks one of several moves.",
        # Top to bottom: a session reads downwards and the figure fits the column.
        rankdir="TB",
    ),
    "cart-total-states": lambda: diagram(
        "cart-total-states",
        CART_TOTAL,
        "State diagram of the CartTotal future",
        "The states of <code>CartTotal</code> and the moves <code>poll</code> "
        "may make, drawn from <code>CART_TOTAL</code>, the table every move is "
        "checked against. A loop is a poll that returns <code>Pending</code>.",
        # Top to bottom: the states in the order of the function's lines.
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
