"""A first visit: nothing leaves the site, nothing errors, the page stays small."""

from __future__ import annotations

import functools
import gzip
from pathlib import Path

import pytest

from tests.browser.pages import ALL_PAGES, NAV_PAGES, Opened, on_pages
from tests.support.browsing import SEARCH_INDEX, SiteServer, page_url
from tests.support.report import note

# What a first visit may download, search index excluded, compressed as GitHub
# Pages serves it (gzip). 100 to 150 KB today: Material's script and styles are
# most of it, a long chapter page 30 KB, and the Run, stepper and question
# scripts up to 20 KB (async-fn, the heaviest, 150.1 KB in December 2026).
# The limit catches what would change the order of magnitude, such as a
# vendored diagram library or a runtime loaded before the reader asks for
# it (pyodide is 8 MB), with a fifth of room over the heaviest page.
PAGE_WEIGHT_LIMIT = 180 * 1000  # bytes


@functools.cache
def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


@on_pages(ALL_PAGES)
def test_first_load_is_offline_clean_and_light(
    opened: Opened, server: SiteServer, request: pytest.FixtureRequest
) -> None:
    """No request leaves the site, nothing errors, and the page stays small."""
    assert not opened.load_trouble, f"{opened.name}: {opened.load_trouble}"
    assert opened.load_requests, f"{opened.name}: no request finished"
    # The stepper's script and styles load where a stepper is, and only there.
    stepper = opened.page.evaluate("!!document.querySelector('[data-stepper]')")
    for name in ("/stepper/stepper.js", "/stepper/stepper.css"):
        loaded = [r.url for r in opened.load_requests if r.url.endswith(name)]
        assert len(loaded) == stepper, f"{opened.name}: {loaded}"
    raw = compressed = 0
    loaded = [r.url for r in opened.load_requests]
    for finished in opened.load_requests:
        if finished.url.endswith(SEARCH_INDEX):
            continue
        served = server.file_for(finished.url)
        assert served.is_file(), f"{opened.name} loaded {finished.url}"
        headers = finished.sizes()["responseHeadersSize"]
        raw += headers + served.stat().st_size
        compressed += headers + gzipped_size(served)
    # The browser fetched the icon on the first page it opened (see the
    # ``opened`` fixture), if it fetches icons at all; a reader's browser,
    # arriving on this page, fetches it here.
    icon = opened.visit.icon_address(page_url(opened.name))
    if icon not in loaded:
        served = server.file_for(icon)
        assert served.is_file(), f"{opened.name}: its icon {icon} is not served"
        raw += served.stat().st_size
        compressed += gzipped_size(served)
        loaded.append(icon)
    if opened.name in NAV_PAGES:
        note(
            request.config,
            "first-load weight (all requests but the search index):"
            " gzipped as served, and raw",
            f"{opened.name:<28} {compressed / 1000:6.1f} KB gzipped"
            f"  {raw / 1000:6.1f} KB raw  ({len(loaded)} requests)",
        )
        assert compressed <= PAGE_WEIGHT_LIMIT, (
            f"{opened.name} weighs {compressed / 1000:.1f} KB gzipped on first"
            f" load, over {PAGE_WEIGHT_LIMIT / 1000:.0f} KB"
        )
