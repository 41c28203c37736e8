"""Line charts as inline SVG, written with the standard library.

Charts on the site plot numbers the model computes at build time (see
:mod:`sitetools.figures`), so they cannot drift from it. The SVG is meant to
sit inside a page and read in both of Material's palettes:

* text, axes and grid lines use ``currentColor``;
* each series has its own dash pattern and marker shape, so the series stay
  apart in grey-scale and for readers who cannot tell the colours apart;
* series colours come from CSS variables (``--chapter-series-1`` ...) that
  ``docs/assets/chapter.css`` sets for each palette, with ``currentColor``
  as the fallback;
* ``<title>`` and ``<desc>`` give the chart an accessible name and a text
  version of its data, and each marker has a tooltip with its values.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 360
LEFT, RIGHT, TOP, BOTTOM = 64, 24, 20, 56

# (dash pattern, marker) per series, in order; colour is --chapter-series-N.
STYLES = (("", "triangle"), ("7 4", "square"), ("2 3", "circle"))


@dataclass(frozen=True)
class Series:
    """One line: a label for the legend and its (x, y) points."""

    label: str
    points: tuple[tuple[float, float], ...]


def nice_ticks(largest: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least ``largest``: steps of 1, 2 or 5
    times a power of ten.
    """
    if largest <= 0:
        return [0.0, 1.0]
    raw = largest / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < largest - 1e-12:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def number(value: float) -> str:
    """A tick or tooltip number without float noise (0.3, not 0.30000000000000004)."""
    return f"{value:.6g}"


def marker(shape: str, x: float, y: float, style: str, tooltip: str) -> str:
    tip = f"<title>{escape(tooltip)}</title>"
    match shape:
        case "triangle":
            points = (
                f"{x:.1f},{y - 5:.1f} {x + 5:.1f},{y + 4:.1f} {x - 5:.1f},{y + 4:.1f}"
            )
            return f'<polygon points="{points}" style="{style}">{tip}</polygon>'
        case "square":
            return (
                f'<rect x="{x - 5.5:.1f}" y="{y - 5.5:.1f}" width="11" height="11" '
                f'fill="none" stroke-width="1.5" style="{style}">{tip}</rect>'
            )
        case _:
            return (
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" style="{style}">'
                f"{tip}</circle>"
            )


def line_chart(
    name: str,
    title: str,
    series: Sequence[Series],
    *,
    x_label: str,
    y_label: str,
    tooltip: Callable[[Series, float, float], str],
) -> str:
    """An SVG line chart of ``series``, both axes starting at zero.

    ``name`` prefixes every id; ``tooltip(series, x, y)`` is each marker's
    text. The chart's ``<desc>`` lists every series' points.
    """
    if not series or any(not s.points for s in series):
        raise ValueError(f"chart {name}: every series needs at least one point")
    if len(series) > len(STYLES):
        raise ValueError(f"chart {name}: at most {len(STYLES)} series")
    xs = nice_ticks(max(x for s in series for x, _ in s.points))
    ys = nice_ticks(max(y for s in series for _, y in s.points))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + plot_w * x / xs[-1]

    def py(y: float) -> float:
        return TOP + plot_h * (1 - y / ys[-1])

    description = "; ".join(
        f"{s.label}: " + ", ".join(f"{tooltip(s, x, y)}" for x, y in s.points)
        for s in series
    )
    parts = [
        # width and height give the chart its natural size; the page's CSS
        # shrinks it to fit narrow screens (max-width: 100%, height: auto).
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="{name}-title {name}-desc" '
        f'class="chapter-svg chapter-chart" font-size="13" fill="currentColor">',
        f'<title id="{name}-title">{escape(title)}</title>',
        f'<desc id="{name}-desc">{escape(description)}</desc>',
        '<g stroke="currentColor" stroke-opacity="0.15">',
    ]
    parts += [
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{py(y):.1f}" y2="{py(y):.1f}"/>'
        for y in ys[1:]
    ]
    parts.append("</g>")
    parts.append(
        f'<path d="M{LEFT},{TOP} V{TOP + plot_h} H{WIDTH - RIGHT}" fill="none" '
        'stroke="currentColor"/>'
    )
    for x in xs:
        parts.append(
            f'<line x1="{px(x):.1f}" x2="{px(x):.1f}" y1="{TOP + plot_h}" '
            f'y2="{TOP + plot_h + 5}" stroke="currentColor"/>'
            f'<text x="{px(x):.1f}" y="{TOP + plot_h + 20}" '
            f'text-anchor="middle">{number(x)}</text>'
        )
    for y in ys:
        parts.append(
            f'<text x="{LEFT - 8}" y="{py(y) + 4:.1f}" '
            f'text-anchor="end">{number(y)}</text>'
        )
    parts.append(
        f'<text x="{LEFT + plot_w / 2:.1f}" y="{HEIGHT - 10}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text transform="translate(16 {TOP + plot_h / 2:.1f}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    for index, (s, (dash, shape)) in enumerate(zip(series, STYLES, strict=False), 1):
        colour = f"var(--chapter-series-{index}, currentColor)"
        stroke = f"stroke: {colour}"
        fill = f"fill: {colour}; stroke: {colour}"
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in s.points)
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="chapter-series-{index}">')
        parts.append(
            f'<polyline points="{points}" fill="none" stroke-width="2"{dashes} '
            f'style="{stroke}"/>'
        )
        marker_style = stroke if shape == "square" else fill
        parts += [
            marker(shape, px(x), py(y), marker_style, tooltip(s, x, y))
            for x, y in s.points
        ]
        # Legend entry, one per row in the plot's top-left corner (empty when
        # the lines start at the bottom left): a sample of the line and its
        # marker, then the label.
        lx, ly = LEFT + 16, TOP + 4 + 22 * index
        parts.append(
            f'<line x1="{lx}" x2="{lx + 36}" y1="{ly}" y2="{ly}" stroke-width="2"'
            f'{dashes} style="{stroke}"/>'
        )
        parts.append(marker(shape, lx + 18, ly, marker_style, s.label))
        parts.append(f'<text x="{lx + 44}" y="{ly + 4}">{escape(s.label)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts)
