"""Search sends a reader to the page that is about the term."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.support.browsing import SEARCH_INDEX, SiteServer, Visit, visit
from tests.support.sitebuild import BuildResult


def expected_pages(site: Path, term: str) -> set[str]:
    """Where search should send a reader looking for ``term``.

    From the built search index: the chapter's prose first (the API
    reference only if no chapter page mentions the term), and of those the
    pages with the term in a title (a page or section heading, which
    Material's search ranks first), else the pages that mention it most
    often. Empty if no page mentions it.
    """
    docs = json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8"))["docs"]
    word = re.compile(rf"(?<![\w]){re.escape(term)}", re.IGNORECASE)
    prose = [doc for doc in docs if not doc["location"].startswith("reference/")]
    if any(word.search(doc["title"] + doc["text"]) for doc in prose):
        docs = prose
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


# Whether the first page in the results marks a part of the term (cart_total
# is two words to search: cart, total; a mark may end with a full stop).
FIRST_HIT_MARKS_TERM_JS = """
(term) => {
  const hit = document.querySelector('li.md-search-result__item');
  return hit !== null && [...hit.querySelectorAll('mark')].some((mark) => {
    const word = mark.textContent.toLowerCase().replace(/[^\\w]/g, '');
    return word !== '' && term.includes(word);
  });
}
"""


@pytest.fixture(scope="module")
def searcher(browser: Browser, server: SiteServer) -> Iterator[Visit]:
    """One reader who searches several times, in the same browser."""
    with visit(browser, server) as v:
        yield v
        assert not v.trouble_since(), f"after the searches: {v.trouble_since()}"


def search_and_open_first_hit(searcher: Visit, term: str) -> tuple[str, str]:
    """Type ``term`` into search, open the first hit: its address and text."""
    page = searcher.page
    if not page.url.startswith(searcher.server.root):
        searcher.goto("")  # the first search; later ones start where they left
    search = page.locator("input.md-search__input")
    search.click()
    # Search runs on key presses: type the last character as a key.
    search.fill(term[:-1])
    search.press(term[-1])
    # Wait for results of this search: on a busy machine, the list may still
    # show the previous search's hits, which mark other words.
    page.wait_for_function(
        FIRST_HIT_MARKS_TERM_JS, arg=term.lower(), timeout=10_000, polling=100
    )
    first = page.locator("a.md-search-result__link").first
    # Material's instant navigation swaps the page's article for the next
    # page's (unless the hit is on the page already shown).
    target = str(first.get_attribute("href")).split("#")[0]
    article = page.locator("article.md-content__inner")
    before = article.element_handle()
    same = page.evaluate("(href) => new URL(href, location).href", target)
    same = same == page.url.split("#")[0]
    with page.expect_navigation():
        first.click()
    if not same:
        page.wait_for_function("(old) => !old.isConnected", arg=before)
    # The page's own article: the search results stay in the DOM.
    return page.url.split("#")[0].split("?")[0], article.inner_text()


def highlighted(searcher: Visit) -> list[str]:
    """The words search highlighted on the page it opened."""
    mark = searcher.page.locator("article mark[data-md-highlight]")
    return [text.lower() for text in mark.all_inner_texts()]


@pytest.mark.parametrize("term", ["waker", "Pending"])
def test_search_ranks_the_chapter_before_the_api_reference(
    searcher: Visit, server: SiteServer, term: str
) -> None:
    """The reference has entries titled Waker and Pending; a reader
    searching for the idea wants the chapter that explains it, which links
    to the entry. Opening the page's own hit highlights the term on it."""
    checkpoint = searcher.checkpoint()
    opened, body = search_and_open_first_hit(searcher, term)
    assert not searcher.trouble_since(checkpoint), searcher.trouble_since(checkpoint)
    assert opened.startswith(server.root), opened
    assert not opened.startswith(server.root + "reference/"), (
        f"search for {term!r} opened the API reference first: {opened}"
    )
    assert term.lower() in body.lower(), f"{opened} does not show {term!r}"
    assert term.lower() in highlighted(searcher), (
        f"search for {term!r} opened {opened} with {highlighted(searcher)[:5]}"
        " highlighted"
    )


@pytest.mark.parametrize("term", ["Waker", "ATM", "cart_total"])
def test_search_finds_the_right_page(
    searcher: Visit, server: SiteServer, built_site: BuildResult, term: str
) -> None:
    expected = expected_pages(built_site.site, term)
    if not expected:
        pytest.skip(f"no page of the built site mentions {term!r} yet")
    checkpoint = searcher.checkpoint()
    opened, body = search_and_open_first_hit(searcher, term)
    assert not searcher.trouble_since(checkpoint), searcher.trouble_since(checkpoint)
    wanted = sorted(server.root + location for location in expected)
    assert opened in wanted, f"search for {term!r} opened {opened}, wanted {wanted}"
    assert term.lower() in body.lower(), f"{opened} does not show {term!r}"
    assert term.lower() in highlighted(searcher), f"{term!r} not highlighted"
