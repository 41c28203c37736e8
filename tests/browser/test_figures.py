"""Every figure a page asks for is drawn, visible, with text."""

from __future__ import annotations

import re

from tests.browser.pages import (
    DOCS,
    NAV_PAGES,
    PHONE,
    Opened,
    at_width,
    on_pages,
    reveal,
)

# A page's request for a figure, wherever it stands: the build replaces only
# markers on a line of their own, so an indented one (inside a tab, say) stays
# a comment, and the count below catches it. A stepper shows the figure it
# marks, so its marker asks for one too.
FIGURE_MARKER = re.compile(r"<!--\s*(?:figure|stepper):\s*[\w-]+\s*-->")


# The pages that ask for a figure; the others have nothing to check here.
PAGES_WITH_FIGURES = [
    page
    for page in NAV_PAGES
    if FIGURE_MARKER.search((DOCS / page).read_text(encoding="utf-8"))
]


def test_pages_with_figures_are_in_the_nav() -> None:
    """So the per-page check below sees every figure a page asks for."""
    asking = {
        str(path.relative_to(DOCS))
        for path in DOCS.rglob("*.md")
        if FIGURE_MARKER.search(path.read_text(encoding="utf-8"))
    }
    assert asking <= set(NAV_PAGES), asking - set(NAV_PAGES)


@on_pages(PAGES_WITH_FIGURES)
def test_every_generated_figure_is_drawn(quiet: Opened) -> None:
    """Each figure a page asks for is an SVG of non-zero size a reader can see."""
    markdown = (DOCS / quiet.name).read_text(encoding="utf-8")
    markers = len(FIGURE_MARKER.findall(markdown))
    figures = quiet.page.locator("figure.chapter-figure").all()
    problems: list[str] = []
    for figure in figures:
        reveal(figure.element_handle())
        name = figure.get_attribute("id")
        svg = figure.locator("svg").first
        box = svg.bounding_box() if svg.count() else None
        if box is None or not svg.is_visible():
            problems.append(f"{name} is not drawn or not visible")
        elif box["width"] <= 0 or box["height"] <= 0:
            problems.append(f"{name} is drawn at size {box}")
        elif svg.locator("text").count() == 0:
            problems.append(f"{name} has no text")
    assert not problems, f"{quiet.name}: {problems}"
    assert len(figures) == markers, (
        f"{quiet.name} asks for {markers} figures (<!-- figure: NAME -->"
        " or <!-- stepper: NAME -->)"
        f" but shows {len(figures)}"
    )


# Each figure at the current width: its smallest text as drawn (font size
# times the scale the SVG is drawn at; hypot, as an axis label is rotated),
# and whether its box scrolls sideways and can be reached by the keyboard.
FIGURE_TEXT_JS = """
() => [...document.querySelectorAll('figure.chapter-figure')].map((figure) => {
  const box = figure.querySelector('.chapter-figure__scroll');
  const sizes = [...figure.querySelectorAll('svg text')]
    .filter((text) => text.textContent.trim() && text.getScreenCTM())
    .map((text) => {
      const m = text.getScreenCTM();
      return parseFloat(getComputedStyle(text).fontSize) * Math.hypot(m.a, m.b);
    });
  return {
    name: figure.id,
    smallest: Math.min(...sizes),
    scrolls: box.scrollWidth > box.clientWidth
      && ['auto', 'scroll'].includes(getComputedStyle(box).overflowX),
    focusable: box.tabIndex >= 0,
  };
})
"""
SMALLEST_TEXT = 11  # CSS px


@on_pages(PAGES_WITH_FIGURES)
def test_figure_text_is_legible_at_phone_width(quiet: Opened) -> None:
    """At 375 px no figure text is under 11 CSS px unless its box scrolls
    sideways; a box that scrolls can be reached by the keyboard."""
    with at_width(quiet.page, PHONE) as page:
        figures = page.evaluate(FIGURE_TEXT_JS)
    problems = [
        f"{f['name']}: text at {f['smallest']:.1f} px"
        for f in figures
        if f["smallest"] < SMALLEST_TEXT and not f["scrolls"]
    ]
    problems += [
        f"{f['name']} scrolls but the keyboard cannot reach it"
        for f in figures
        if f["scrolls"] and not f["focusable"]
    ]
    assert not problems, f"{quiet.name}: {problems}"
