"""Glossary terms show their definition on keyboard focus and on hover.

Which terms are marked, and with which words, is checked on the built HTML
(``tests/sitetools/test_glossary.py``); here, that a reader sees the definition.
"""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.pages import Opened, on_pages
from tests.browser.widgets import shows_definition

# The focusable element just before the first glossary term, in tab order
# (document order: the terms and everything before them have tabindex 0).
FOCUS_THE_ONE_BEFORE_JS = """
(term) => {
  const focusable = [...document.querySelectorAll(
    'a[href], button, input, select, textarea, [tabindex]')]
    .filter((e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length);
  const at = focusable.indexOf(term);
  if (at < 1) return 'the term cannot take keyboard focus';
  focusable[at - 1].focus();
  return document.activeElement === focusable[at - 1] ? '' : 'no focus before it';
}
"""


@on_pages(["waiting.md"])
def test_tab_reaches_a_glossary_term_and_shows_its_definition(quiet: Opened) -> None:
    page = quiet.page
    term = page.locator("abbr.glossary-term").first
    title = term.get_attribute("title")
    assert title
    trouble = term.evaluate(FOCUS_THE_ONE_BEFORE_JS)
    assert not trouble, trouble
    page.keyboard.press("Tab")
    expect(term).to_be_focused()
    shows_definition(page, term, title)
    term.evaluate("(term) => term.blur()")
    expect(page.locator(".md-tooltip2--active")).to_have_count(0)


@on_pages(["waiting.md"])
def test_pointing_at_a_glossary_term_shows_its_definition(quiet: Opened) -> None:
    page = quiet.page
    term = page.locator("abbr.glossary-term").nth(1)
    title = term.get_attribute("title")
    assert title
    term.hover()
    shows_definition(page, term, title)
    page.mouse.move(0, 0)
    expect(page.locator(".md-tooltip2--active")).to_have_count(0)
