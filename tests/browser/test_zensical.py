"""One page of the Zensical build, in the browser: it behaves as Material's does.

tests/pages/test_zensical.py compares the two builds' HTML; this opens the chapter
page that holds the most of what the site generates, as Zensical's theme and
scripts present it, the way a first-time reader would: nothing may leave the
site or fail, every figure is drawn, its stepper steps, Run runs an example
with Python from the site (served on the machine's network address, where
the page is not a secure context), a question answers and shows its step, a
glossary term shows its definition, one click switches every Rust/Python tab
pair, instant navigation sets up the next page's stepper without a reload,
and search (Zensical's own component) takes the reader to a page.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser

from tests.browser.pages import DESKTOP, DOCS, POLLING, reveal
from tests.browser.widgets import (
    RUN_TIMEOUT,
    TAB_STATE_JS,
    question,
    reach,
    same,
    shown,
    shows_definition,
    summary,
    tracks_of,
)
from tests.support.browsing import (
    FINISHED,
    SETTLE_TIMEOUT,
    SiteServer,
    Visit,
    lan_address,
    page_url,
    site_prefix,
    visit,
)
from tests.support.sitebuild import BuildResult, needs_runtime

PAGE = "state-machines.md"


# Served on this machine's network address where it has one: not a secure
# context, as on a phone opening a laptop's make serve.
LAN = lan_address()


@pytest.fixture(scope="module")
def zensical_server(zensical_site: BuildResult) -> Iterator[SiteServer]:
    with SiteServer(zensical_site.site, site_prefix(), LAN or "127.0.0.1") as running:
        yield running


@pytest.mark.skipif(LAN is None, reason="this machine has no network address")
def test_the_page_is_not_a_secure_context(reader: Visit) -> None:
    """So the Run test below runs Python where the browser withholds
    crypto.subtle and Cache Storage (Run failed there at once, found in
    review: the worker digested files with crypto.subtle)."""
    assert reader.page.evaluate("isSecureContext") is False
    assert reader.page.evaluate("typeof caches") == "undefined"


@pytest.fixture(scope="module")
def reader(browser: Browser, zensical_server: SiteServer) -> Iterator[Visit]:
    """The page, opened once with nothing cached, after all it asked for."""
    with visit(browser, zensical_server, viewport=DESKTOP, color_scheme="light") as v:
        v.goto(page_url(PAGE))
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while v.in_flight:
            assert time.monotonic() < deadline, f"still loading: {v.in_flight}"
            v.page.wait_for_timeout(10)
        yield v


def test_page_loads_from_the_site_alone_without_errors(reader: Visit) -> None:
    assert reader.finished, "no request finished"
    assert not reader.trouble_since(), reader.trouble_since()


def test_every_figure_is_drawn(reader: Visit) -> None:
    # A stepper shows the figure it marks.
    markers = r"<!-- (?:figure|stepper): [\w-]+ -->"
    asked = len(re.findall(markers, (DOCS / PAGE).read_text()))
    figures = reader.page.locator("figure.chapter-figure svg").all()
    boxes = [svg.bounding_box() for svg in figures if svg.is_visible()]
    drawn = [box for box in boxes if box and box["width"] > 0 and box["height"] > 0]
    assert asked and len(drawn) == asked, f"{PAGE}: {len(drawn)} of {asked} drawn"


def test_stepper_steps(reader: Visit) -> None:
    """Next, then End: the script is Material's and Zensical's alike, so two
    moves show it is set up and answers (tests/browser/test_steppers.py walks
    every step under Material)."""
    page, checkpoint = reader.page, reader.checkpoint()
    roots = page.locator("[data-stepper]").all()
    assert roots, f"{PAGE} has no stepper"
    for root in roots:
        name = root.get_attribute("data-stepper")
        steps = tracks_of(root)[0]["steps"]
        assert root.locator(".chapter-stepper__bar").is_visible(), name
        assert same(shown(root), steps[0]), f"{name}: {shown(root)}"
        root.get_by_role("button", name="Next").click()
        assert same(shown(root), steps[1]), f"{name}, after Next: {shown(root)}"
        page.keyboard.press("End")
        assert same(shown(root), steps[-1]), f"{name}, after End: {shown(root)}"
    assert not reader.trouble_since(checkpoint), reader.trouble_since(checkpoint)


@needs_runtime
def test_run_runs_an_example_from_the_site(reader: Visit) -> None:
    """Python starts from the site's own files, under the page's CSP, and the
    first example on the page prints what the page shows."""
    page, checkpoint = reader.page, reader.checkpoint()
    block = page.locator('[data-run="session"]').first
    assert block.count(), f"{PAGE} has no Run button"
    reveal(block.element_handle())
    block.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        FINISHED, arg=block.element_handle(), timeout=RUN_TIMEOUT, polling=POLLING
    )
    status = block.locator(".chapter-run__status").inner_text()
    assert block.get_attribute("data-state") == "done", status
    assert "the output is the page's" in status, status
    assert not reader.trouble_since(checkpoint), reader.trouble_since(checkpoint)


def test_a_question_answers_explains_and_shows_its_step(reader: Visit) -> None:
    """Zensical runs the same extension and quiz.js: the right answer to an
    ATM question is accepted, and "show me" puts the stepper on the step
    the build chose, with its narration."""
    page, checkpoint = reader.page, reader.checkpoint()
    root = question(page, "atm-digit-refused")
    reach(page, root)
    right = root.get_attribute("data-answer")
    root.locator(f'input[value="{right}"]').check()
    root.get_by_role("button", name="Check").click()
    assert str(root.locator("[role=status]").text_content()).startswith("Right.")
    _, track, step = str(
        root.locator("a[data-show]").get_attribute("data-show")
    ).split()
    stepper = page.locator('[data-stepper="atm-session"]')
    tracks = json.loads(str(stepper.get_attribute("data-tracks")))
    root.locator(".chapter-quiz__show-me").click()
    said = stepper.locator("[role=status]").text_content()
    assert said == tracks[int(track)]["steps"][int(step)]["narration"]
    assert "This page: 1 of" in summary(page)
    assert not reader.trouble_since(checkpoint), reader.trouble_since(checkpoint)


def test_rust_and_python_tabs_switch_together(reader: Visit) -> None:
    page, checkpoint = reader.page, reader.checkpoint()
    assert page.evaluate(TAB_STATE_JS), f"{PAGE} has no Rust/Python tabs"
    page.locator(".tabbed-labels > label", has_text="Python").last.click()
    states = page.evaluate(TAB_STATE_JS)
    assert all(s["chosen"] == s["shown"] == "Python" for s in states), states
    assert not reader.trouble_since(checkpoint), reader.trouble_since(checkpoint)


def test_pointing_at_a_glossary_term_shows_its_definition(reader: Visit) -> None:
    page, checkpoint = reader.page, reader.checkpoint()
    term = page.locator("abbr.glossary-term").first
    title = term.get_attribute("title")
    assert title, f"{PAGE} has no glossary term"
    term.scroll_into_view_if_needed()
    term.hover()
    shows_definition(page, term, title)
    page.mouse.move(0, 0)
    assert not reader.trouble_since(checkpoint), reader.trouble_since(checkpoint)


def test_instant_navigation_sets_up_the_next_pages_stepper(reader: Visit) -> None:
    """navigation.instant: the next page arrives without a reload (so Python
    started by a Run button keeps running), and its stepper is set up."""
    page, checkpoint = reader.page, reader.checkpoint()
    page.evaluate("window.sameDocument = true")
    nav = page.locator(".md-nav--primary")
    nav.get_by_role("link", name="What async fn compiles into").click()
    # By name: the page it leaves has a stepper too, which "the first
    # stepper" found before the new page came (Next was pressed there, tried).
    root = page.locator('[data-stepper="cart-total"]')
    root.wait_for(state="visible", timeout=10_000)
    assert page.evaluate("window.sameDocument"), "the page was reloaded"
    root.get_by_role("button", name="Next").click()
    steps = tracks_of(root)[0]["steps"]
    assert same(shown(root), steps[1]), shown(root)
    assert not reader.trouble_since(checkpoint), reader.trouble_since(checkpoint)


def test_search_takes_the_reader_to_a_page(
    reader: Visit, zensical_server: SiteServer
) -> None:
    page, checkpoint = reader.page, reader.checkpoint()
    heading = page.locator("article h1").inner_text()
    page.locator(".md-search__button").click(timeout=10_000)
    page.keyboard.type("ATM")
    first = page.locator('a[role="option"]').first
    first.wait_for(timeout=10_000)
    first.click()
    # Instant navigation: the address changes before the article does.
    page.wait_for_function(
        "(before) => document.querySelector('article h1')?.innerText !== before",
        arg=heading,
        timeout=10_000,
    )
    assert page.url.startswith(zensical_server.root), page.url
    assert "ATM" in page.locator("article").inner_text()
    assert not reader.trouble_since(checkpoint), reader.trouble_since(checkpoint)
