"""Search sends a reader to the page that is about the term."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browsing import SEARCH_INDEX, SiteServer, Visit, visit
from tests.sitebuild import BuildResult


def expected_pages(site: Path, term: str) -> set[str]:
    """Where search should send a reader looking for ``term``.

    From the built search index: the pages with the term in a title (a page
    or section heading, which Material's search ranks first), else the pages
    that mention it most often. Empty if no page mentions it.
    """
    docs = json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8"))["docs"]
    word = re.compile(rf"(?<![\w]){re.escape(term)}", re.IGNORECASE)
    in_title: set[str] = set()
    counts: dict[str, int] = {}
    for doc in docs:
        location = doc["location"].split("#")[0]
        if word.search(doc["title"]):
            in_title.add(location)
        found = len(word.findall(doc["title"])) + len(word.findall(doc["text"]))
        counts[location] = counts.get(location, 0) + found
    if in_title:
        return in_title
    most = max(counts.values(), default=0)
    return {page for page, count in counts.items() if most and count == most}


@pytest.fixture(scope="module")
def searcher(browser: Browser, server: SiteServer) -> Iterator[Visit]:
    """One reader who searches several times, in the same browser."""
    with visit(browser, server) as v:
        yield v
        assert not v.trouble_since(), f"after the searches: {v.trouble_since()}"


@pytest.mark.parametrize("term", ["Waker", "ATM", "cart_total"])
def test_search_finds_the_right_page(
    searcher: Visit, server: SiteServer, built_site: BuildResult, term: str
) -> None:
    expected = expected_pages(built_site.site, term)
    if not expected:
        pytest.skip(f"no page of the built site mentions {term!r} yet")
    page, checkpoint = searcher.page, searcher.checkpoint()
    searcher.goto("")
    search = page.locator("input.md-search__input")
    search.click()
    search.press_sequentially(term)
    first = page.locator("a.md-search-result__link").first
    first.wait_for(timeout=10_000)
    with page.expect_navigation():
        first.click()
    opened = page.url.split("#")[0].split("?")[0]
    body = page.locator("article").inner_text()
    assert not searcher.trouble_since(checkpoint), searcher.trouble_since(checkpoint)
    wanted = sorted(server.root + location for location in expected)
    assert opened in wanted, f"search for {term!r} opened {opened}, wanted {wanted}"
    assert term.lower() in body.lower(), f"{opened} does not show {term!r}"
