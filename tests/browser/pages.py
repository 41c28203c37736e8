"""What the browser tests share: the pages, viewports, palettes, and how to
open a page and show a block that sits inside a tab or a details element.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, Route

from tests.support.browsing import Visit, page_url
from tests.support.sitebuild import ROOT, config, html_path, nav_pages

DOCS = ROOT / "docs"
NAV_PAGES = nav_pages(config()["nav"])
# Every page a reader can land on: the nav, and the page for a wrong address.
ALL_PAGES = [*NAV_PAGES, "404.html"]
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
# Material's two palettes, in the order a first visit on a light system shows
# them, each with the title of the toggle that leaves it for the other.
PALETTES = (("default", "Switch to dark mode"), ("slate", "Switch to light mode"))
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"
# How often a long wait (Python starting, a run) checks its condition, in ms.
# Playwright's default checks on every animation frame, which keeps Chromium
# drawing 60 frames a second for as long as the wait lasts: 1-2 CPU-s a start.
POLLING = 100


@dataclass
class Opened:
    """A page as a first-time reader opened it, shared by that page's tests."""

    name: str
    visit: Visit
    # What happened while it loaded, before any test touched it.
    load_requests: list[Any]
    load_trouble: list[str]
    # How far trouble on the page has been reported (see the ``quiet`` fixture).
    reported: tuple[int, int]

    @property
    def page(self) -> Page:
        return self.visit.page


def on_pages(pages: list[str]) -> pytest.MarkDecorator:
    """Run a test once per page, on the page the ``opened`` fixture opened.

    Every test module uses the same fixture, so each page is opened once for
    all of them: pytest runs every test of one page before the next page.
    """
    return pytest.mark.parametrize("opened", pages, indirect=True)


@contextmanager
def at_width(page: Page, viewport: dict[str, int]) -> Iterator[Page]:
    """``page`` at another viewport size, back at desktop size afterwards."""
    page.set_viewport_size(viewport)
    try:
        yield page
    finally:
        page.set_viewport_size(DESKTOP)


def slug(page: str) -> str:
    return page_url(page).strip("/").replace("/", "-").removesuffix(".html") or "index"


def built_html(site: Path, page: str) -> str:
    return html_path(site, page).read_text(encoding="utf-8")


def scheme(page: Page) -> str:
    return str(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))


def screenshot(page: Page, path: Path, *, whole: bool) -> None:
    """A JPEG for a reviewer: the whole page, or what the first screen shows.

    JPEG, not PNG: a chapter page is about 17,000 px tall, and encoding it as
    PNG took twice as long, for text a reviewer reads just as well. Only
    chapter pages are taken whole; the API reference is long and alike from
    page to page, and its top shows its palette.
    """
    page.screenshot(path=path, full_page=whole, type="jpeg", quality=85)


# Clicks whichever tab label hides an element, outermost first, and opens the
# details elements around it, so that the element is shown.
REVEAL_JS = """
(element) => {
  const labels = [];
  for (let block = element.closest('.tabbed-block'); block;
       block = block.parentElement.closest('.tabbed-block')) {
    const set = block.closest('.tabbed-set');
    const index = [...block.parentElement.children].indexOf(block);
    const label = set.querySelectorAll(':scope > .tabbed-labels > label')[index];
    labels.unshift(label);
  }
  for (const details of document.querySelectorAll('details:not([open])')) {
    if (details.contains(element)) details.open = true;
  }
  labels.forEach((label) => label.click());
  return labels.length;
}
"""


# The inline code in the tables that ``selector`` finds, header cells
# included, whose text is cut
# across lines between two wrap points (a space, or a <wbr> that
# sitetools/path_wrap.py put after "::" or before "."): a name broken inside.
# A table in a hidden tab has no lines, so nothing of it is cut.
CUT_NAMES_JS = """
(selector) => {
  const lines = (range) =>
    new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
  const cut = [];
  for (const code of document.querySelectorAll(`${selector} :is(td, th) code`)) {
    for (const text of code.childNodes) {
      if (text.nodeType !== Node.TEXT_NODE) continue;
      for (const word of text.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(text, word.index);
        range.setEnd(text, word.index + word[0].length);
        if (lines(range) > 1) cut.push(`${word[0]} in ${code.textContent}`);
      }
    }
  }
  return cut;
}
"""


class Held:
    """The requests for ``pattern`` that ``router`` (a page, or its context
    for a worker's requests too) keeps waiting, as a slow network would,
    until the test lets them go: for a Stop pressed while something loads."""

    def __init__(
        self, router: Page | BrowserContext, pattern: str | re.Pattern[str]
    ) -> None:
        self.router = router
        self.pattern = pattern
        self.routes: list[Route] = []
        router.route(pattern, self._hold)

    def _hold(self, route: Route) -> None:
        self.routes.append(route)

    def asked(self, page: Page, what: str) -> None:
        """Wait until a request is held; ``what`` names it if none comes."""
        for _ in range(1000):  # the route's handler runs while Playwright waits
            if self.routes:
                return
            page.wait_for_timeout(10)
        raise AssertionError(f"{what} was never asked for")

    def release(self, *, abort: bool = False) -> None:
        """Hold no more; the held requests go on to the visit's own routing
        (which serves the site), or fail with ``abort``."""
        self.router.unroute(self.pattern, self._hold)
        for route in self.routes:
            if abort:
                route.abort()
            else:
                route.fallback()


def palette_toggle(page: Page, name: str) -> Locator:
    """The header's button named ``name``, e.g. "Switch to dark mode".

    Found through its radio button's ``aria-label``, not its own ``title``:
    with ``content.tooltips``, Material moves the title of whatever the
    pointer rests on (the toggle just clicked) into a tooltip.
    """
    return page.locator(f'input[aria-label="{name}"] + label')


def reveal(handle: Any) -> None:
    handle.evaluate(REVEAL_JS)
