"""A first visit: nothing leaves the site, nothing errors, the page stays small."""

from __future__ import annotations

import pytest

from tests.browser.pages import ALL_PAGES, NAV_PAGES, Opened, on_pages
from tests.browsing import SEARCH_INDEX, SiteServer
from tests.report import note

PAGE_WEIGHT_LIMIT = 500 * 1000  # bytes, search index excluded


@on_pages(ALL_PAGES)
def test_first_load_is_offline_clean_and_light(
    opened: Opened, server: SiteServer, request: pytest.FixtureRequest
) -> None:
    """No request leaves the site, nothing errors, and the page stays small."""
    assert not opened.load_trouble, f"{opened.name}: {opened.load_trouble}"
    assert opened.load_requests, f"{opened.name}: no request finished"
    weight = 0
    for finished in opened.load_requests:
        if finished.url.endswith(SEARCH_INDEX):
            continue
        served = server.file_for(finished.url)
        assert served.is_file(), f"{opened.name} loaded {finished.url}"
        # Files are sent as they are (no compression here), so the file size
        # is what crossed the wire; GitHub Pages gzips, so readers get less.
        weight += finished.sizes()["responseHeadersSize"] + served.stat().st_size
    if opened.name in NAV_PAGES:
        note(
            request.config,
            "first-load weight (all requests but the search index, uncompressed)",
            f"{opened.name:<28} {weight / 1000:7.1f} KB"
            f"  ({len(opened.load_requests)} requests)",
        )
        assert weight <= PAGE_WEIGHT_LIMIT, (
            f"{opened.name} weighs {weight / 1000:.1f} KB on first load,"
            f" over {PAGE_WEIGHT_LIMIT / 1000:.0f} KB"
        )
