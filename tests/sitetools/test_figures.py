"""Generated figures: built from the model, inline, and what the site shows."""

from __future__ import annotations

import re
from dataclasses import dataclass

import markdown
import pytest

from chapter2.machine import Transition, TransitionTable
from sitetools import steppers
from sitetools.figures import (
    FIGURES,
    NARROWEST_COLUMN,
    FigureError,
    as_html,
    diagram,
    drawn_width,
    render,
)
from sitetools.generated import MAKERS, MisplacedMarker
from tests.support.sitebuild import ROOT, config


@dataclass(frozen=True)
class Closed: ...


@dataclass(frozen=True)
class Open: ...


@dataclass(frozen=True)
class Push: ...


def door(label: str = "push") -> TransitionTable:
    return TransitionTable(
        "door",
        initial=Closed,
        transitions=[
            Transition(Closed, Push, (Open,), label),
            Transition(Open, Push, (Closed,), label),
        ],
    )


def test_diagram_shows_every_state_and_label() -> None:
    figure = diagram("door", door(), "The door", "A door")
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", figure.svg)
    assert {"Closed", "Open", "push"} <= set(texts)


def test_diagram_changes_when_the_table_changes() -> None:
    before = diagram("door", door("push"), "t", "c").svg
    after = diagram("door", door("pull"), "t", "c").svg
    assert before != after
    assert "pull" in after


def test_inline_svg_fits_any_palette_and_page() -> None:
    svg = diagram("door", door(), "The door", "A door").svg
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert '"black"' not in svg and 'fill="white"' not in svg
    assert 'role="img"' in svg and '<title id="door-title">The door</title>' in svg
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("door-") for i in ids)
    assert "\n\n" not in svg, "a blank line would end the raw HTML block"


def test_inline_svg_keeps_its_drawn_size() -> None:
    svg = diagram("door", door(), "The door", "A door").svg
    opening = re.search(r"<svg[^>]*>", svg)
    assert opening is not None
    assert re.search(r'\bwidth="[\d.]+pt"', opening[0]), opening[0]
    assert re.search(r'\bheight="[\d.]+pt"', opening[0]), opening[0]


def test_unknown_figure_names_the_known_ones() -> None:
    with pytest.raises(FigureError, match="unknown figure 'nope'"):
        render("nope")


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_every_figure_is_used_by_a_page(name: str) -> None:
    """By its own marker, or by the marker of a stepper, which shows the
    figure it marks."""
    markers = [f"<!-- figure: {name} -->"] + [
        f"<!-- stepper: {stepper} -->"
        for stepper in steppers.STEPPERS
        if steppers.build(stepper).figure == name
    ]
    pages = [
        p
        for p in (ROOT / "docs").rglob("*.md")
        if any(marker in p.read_text() for marker in markers)
    ]
    assert pages, f"figure {name} is registered but no page shows it"


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_built_site_shows_the_figure_the_model_produces(
    name: str, built_site: object
) -> None:
    site = built_site.site  # type: ignore[attr-defined]
    expected = as_html(render(name))
    assert any(expected in page.read_text() for page in site.rglob("*.html")), (
        f"no built page contains the current rendering of figure {name}"
    )


def convert(text: str) -> str:
    """``text`` as Markdown with the site's extensions that matter here."""
    return markdown.markdown(
        text, extensions=["pymdownx.superfences", "sitetools.generated"]
    )


def test_the_extension_replaces_a_marker_with_its_figure() -> None:
    page = convert("Before.\n\n<!-- figure: atm-states -->\n\nAfter.\n")
    assert as_html(render("atm-states")) in page
    assert "<!--" not in page
    assert page.startswith("<p>Before.</p>") and page.endswith("<p>After.</p>")


def test_a_marker_quoted_in_code_stays_as_written() -> None:
    page = convert("```html\n<!-- figure: atm-states -->\n```\n")
    assert "&lt;!-- figure: atm-states --&gt;" in page
    assert "<svg" not in page


def test_an_unknown_figure_fails_the_conversion() -> None:
    with pytest.raises(FigureError, match="unknown figure 'nope'"):
        convert("<!-- figure: nope -->\n")


def test_figures_come_from_an_extension_both_builders_run() -> None:
    """Zensical ignores ``hooks:`` and MkDocs plugins: a figure made there
    would vanish from a Zensical build without an error."""
    site = config()
    assert "hooks" not in site
    extensions = site["markdown_extensions"]
    assert isinstance(extensions, list)
    names = [next(iter(e)) if isinstance(e, dict) else e for e in extensions]
    assert "sitetools.generated" in names


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_no_built_page_keeps_a_marker(kind: str, built_site: object) -> None:
    """A marker left in the HTML is a figure the build did not draw."""
    site = built_site.site  # type: ignore[attr-defined]
    left = [
        str(page.relative_to(site))
        for page in site.rglob("*.html")
        if f"<!-- {kind}:" in page.read_text()
    ]
    assert not left, f"pages still holding a {kind} marker: {left}"


@pytest.mark.parametrize(
    "page",
    [
        '=== "Tab"\n\n    <!-- figure: atm-states -->\n',
        "!!! note\n\n    <!-- figure: atm-states -->\n",
        '=== "Tab"\n\n    <!-- stepper: cart-total -->\n',
    ],
    ids=["figure in a tab", "figure in an admonition", "stepper in a tab"],
)
def test_an_indented_marker_fails_the_build(page: str) -> None:
    """Through the extension the site runs (checked above), with the tabs and
    admonitions it nests in: a scratch site build costs a second or more."""
    with pytest.raises(MisplacedMarker, match="must stand at the left margin"):
        markdown.markdown(
            "Before.\n\n" + page,
            extensions=["admonition", "pymdownx.tabbed", "sitetools.generated"],
        )


def test_a_figure_wider_than_a_phone_scrolls_in_a_box_the_keyboard_reaches() -> None:
    wide, narrow = render("atm-states"), render("cart-total-states")
    assert drawn_width(wide.svg) > NARROWEST_COLUMN >= drawn_width(narrow.svg)
    assert '<div class="chapter-figure__scroll" tabindex="0" role="group"' in (
        as_html(wide)
    )
    assert '<div class="chapter-figure__scroll">' in as_html(narrow)
    with pytest.raises(FigureError, match="needs a width"):
        drawn_width('<svg viewBox="0 0 10 10"></svg>')


def test_diagram_nodes_and_arrows_carry_the_models_names() -> None:
    """What a stepper looks for: data-node and data-edge by state names."""
    svg = diagram("door", door(), "The door", "A door").svg
    assert 'data-node="Closed"' in svg and 'data-node="Open"' in svg
    assert 'data-edge="Closed-&gt;Open"' in svg
