"""What search indexes: the prose, not code blocks or drawings (a hit was
previewed as a whole listing), and the API reference ranked after the
chapter. Where search sends a reader is checked in tests/browser."""

from __future__ import annotations

import json
import re

import yaml

from sitetools.searchable import mark
from tests.support.browsing import SEARCH_INDEX
from tests.support.sitebuild import ROOT, BuildResult


def test_code_blocks_and_drawings_are_marked() -> None:
    assert mark(
        '<div class="language-rust highlight"><span class="filename">x.rs</span>'
        '<div class="highlight"><table class="highlighttable"><tr>'
        '<td class="linenos"><div class="linenodiv">'
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1">'
    ) == (
        '<div data-search-exclude="true" class="language-rust highlight">'
        '<span class="filename">x.rs</span>'
        '<div data-search-exclude="true" class="highlight">'
        '<table data-search-exclude="true" class="highlighttable"><tr>'
        '<td class="linenos"><div class="linenodiv">'
        '<svg data-search-exclude="true" xmlns="http://www.w3.org/2000/svg"'
        ' viewBox="0 0 1 1">'
    )


def test_prose_and_inline_code_are_left_alone() -> None:
    prose = (
        '<p>A <code>Waker</code> <span class="highlighted">wakes</span> it.</p>'
        '<div class="admonition note"><p>See <code>poll</code>.</p></div>'
    )
    assert mark(prose) == prose


def test_the_index_holds_no_code_block_or_drawing(built_site: BuildResult) -> None:
    docs = json.loads((built_site.site / SEARCH_INDEX).read_text())["docs"]
    # Read, then taken off the pages: figures ship exactly as drawn.
    assert not any(
        "data-search-exclude" in page.read_text()
        for page in built_site.site.rglob("*.html")
    )
    assert len(docs) > 50
    listing = [doc["location"] for doc in docs if "<pre>" in doc["text"]]
    assert not listing, f"code blocks indexed in {listing[:5]}"
    # The state diagrams' SVG text names Graphviz's start node "__start".
    drawing = [doc["location"] for doc in docs if "__start" in doc["text"]]
    assert not drawing, f"drawings indexed in {drawing[:5]}"
    # The prose and its inline code are all still there.
    assert any("<code>Waker</code>" in doc["text"] for doc in docs)


def test_every_reference_page_ranks_after_the_chapter() -> None:
    """Material for MkDocs multiplies each hit's score by its page's boost;
    an entry titled Waker would otherwise outrank the chapter that explains
    wakers."""
    for page in sorted((ROOT / "docs" / "reference").glob("*.md")):
        front = re.match(r"---\n(.*?)\n---\n", page.read_text(), re.DOTALL)
        assert front, f"{page.name}: no front matter"
        assert yaml.safe_load(front[1])["search"]["boost"] <= 0.001, page.name
