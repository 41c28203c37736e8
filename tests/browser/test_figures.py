"""Every figure a page asks for is drawn, visible, with text."""

from __future__ import annotations

import re

from tests.browser.pages import DOCS, NAV_PAGES, Opened, on_pages, reveal

# A page's request for a figure, wherever it stands: the build replaces only
# markers on a line of their own, so an indented one (inside a tab, say) stays
# a comment, and the count below catches it.
FIGURE_MARKER = re.compile(r"<!--\s*figure:\s*[\w-]+\s*-->")


def test_pages_with_figures_are_in_the_nav() -> None:
    """So the per-page check below sees every figure a page asks for."""
    asking = {
        str(path.relative_to(DOCS))
        for path in DOCS.rglob("*.md")
        if FIGURE_MARKER.search(path.read_text(encoding="utf-8"))
    }
    assert asking <= set(NAV_PAGES), asking - set(NAV_PAGES)


@on_pages(NAV_PAGES)
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
        f"{quiet.name} asks for {markers} figures (<!-- figure: NAME -->)"
        f" but shows {len(figures)}"
    )
