"""Rust and Python tabs: one click switches every pair on the page."""

from __future__ import annotations

import re

from tests.browser.pages import NAV_PAGES, Opened, built_html, on_pages
from tests.browser.widgets import TAB_STATE_JS
from tests.support.sitebuild import BuildResult

# The same in the built HTML, before any script runs: one set's labels.
RUST_AND_PYTHON_TABS = re.compile(
    r'<div class="tabbed-labels">(?=(?:(?!</div>).)*>Rust</label>)'
    r"(?=(?:(?!</div>).)*>Python</label>)",
    re.DOTALL,
)


def test_some_page_has_rust_and_python_tabs(built_site: BuildResult) -> None:
    """So that the check below has something to switch."""
    assert any(
        RUST_AND_PYTHON_TABS.search(built_html(built_site.site, page))
        for page in NAV_PAGES
    ), "no page has Rust/Python tabs"


@on_pages(NAV_PAGES)
def test_rust_and_python_tabs_switch_together(quiet: Opened) -> None:
    """One click on "Python" (or "Rust") switches every pair on the page."""
    page = quiet.page
    if not page.evaluate(TAB_STATE_JS):
        return  # nothing to switch on this page
    labels = page.locator(".tabbed-set > .tabbed-labels > label")
    # Click in the last set, then in the first: every set must follow.
    for language, which in (("Python", -1), ("Rust", 0)):
        chosen = labels.filter(has_text=re.compile(rf"^\s*{language}\s*$"))
        chosen.nth(which).click()
        states = page.evaluate(TAB_STATE_JS)
        wrong = [s for s in states if (s["chosen"], s["shown"]) != (language,) * 2]
        assert not wrong, (
            f"{quiet.name}: after clicking {language}, {len(wrong)} of"
            f" {len(states)} tab sets did not follow: {wrong}"
        )
