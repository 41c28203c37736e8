"""At phone width (375 px) the page never scrolls sideways, copy buttons
cover no code, and no name in a table is cut in two."""

from __future__ import annotations

from pathlib import Path

from tests.browser.pages import (
    CUT_NAMES_JS,
    DESKTOP,
    NAV_PAGES,
    PHONE,
    Opened,
    on_pages,
    screenshot,
    slug,
)


@on_pages(NAV_PAGES)
def test_no_horizontal_scroll_at_phone_width(
    quiet: Opened, screenshots: Path | None
) -> None:
    """At 375 px the page never scrolls sideways (code blocks scroll inside)."""
    page = quiet.page
    page.set_viewport_size(PHONE)
    try:
        widths = page.evaluate(
            "({scroll: document.scrollingElement.scrollWidth,"
            " client: document.scrollingElement.clientWidth})"
        )
        if screenshots is not None and not quiet.name.startswith("reference/"):
            shot = screenshots / f"{slug(quiet.name)}-375px.jpg"
            screenshot(page, shot, whole=False)
        wide = page.evaluate(
            """() => [...document.querySelectorAll('.md-content *')]
                .filter((e) => e.getBoundingClientRect().right
                               > document.scrollingElement.clientWidth + 1)
                .slice(0, 5).map((e) => e.tagName + '.' + e.className)"""
        )
        covered = page.evaluate(COVERED_JS)
        cut = page.evaluate(CUT_NAMES_JS, ".md-content")
    finally:
        page.set_viewport_size(DESKTOP)
    assert widths["scroll"] <= widths["client"], (
        f"{quiet.name} scrolls sideways at 375 px: {widths}; too wide: {wide}"
    )
    assert not covered, f"{quiet.name}: at 375 px a copy button covers code: {covered}"
    assert not cut, f"{quiet.name}: at 375 px names in a table are cut: {cut}"


# Code blocks whose copy button reaches below the top of the code's text (a
# line wider than the screen runs under it). Hidden blocks (other tabs) are
# skipped: their boxes are empty.
COVERED_JS = """
() => [...document.querySelectorAll('.highlight')].flatMap((block) => {
  const button = block.querySelector('.md-code__button');
  const code = block.querySelector('pre > code');
  if (!button || !code || !code.getClientRects().length) return [];
  const text = code.getBoundingClientRect().top
    + parseFloat(getComputedStyle(code).paddingTop);
  const bottom = button.getBoundingClientRect().bottom;
  return bottom > text ? [code.textContent.split('\\n')[0].slice(0, 40)] : [];
})
"""
