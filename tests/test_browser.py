"""The site as readers see it, in a real browser with no network.

The built site is served on 127.0.0.1 (:mod:`tests.browsing`) and driven by
Playwright in Debian's Chromium. On the main thread, each page is opened once,
in a fresh context (a first visit: no cache, nothing stored), and the per-page
tests below take turns on it: pytest runs every test of one page before
opening the next. Meanwhile two worker threads, each with a browser of its
own, run axe and take screenshots of every page in both palettes
(:class:`PalettesInBackground`); the axe tests at the end collect their
findings. Every request that leaves the server is aborted and fails the test
that caused it; so does any console error.

Checks iterate over what exists (the nav pages in mkdocs.yml, the figures,
tabs and doctest blocks on them) and fail where something must be and is not.
Screenshots of every page in both palettes, and of chapter pages at phone
width, go to ``.cache/screenshots/``; the terminal summary says where, and
lists each page's first-load weight.
"""

from __future__ import annotations

import ast
import doctest
import importlib
import json
import queue
import re
import shutil
import threading
import traceback
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from doctest import ELLIPSIS
from itertools import accumulate
from pathlib import Path
from types import CodeType
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from sybil import Document, Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from sitetools.snippets import expand
from sitetools.sybil_blocks import PYTHON_FENCE_INFO, PythonBlockParser
from tests.browsing import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    CHROMIUM_MISSING,
    SCREENSHOTS,
    SEARCH_INDEX,
    SiteServer,
    Visit,
    fetches_icons,
    page_url,
    site_prefix,
    visit,
)
from tests.report import note
from tests.sitebuild import ROOT, BuildResult, config, html_path, nav_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=CHROMIUM_MISSING),
]

DOCS = ROOT / "docs"
NAV_PAGES = nav_pages(config()["nav"])
# Every page a reader can land on: the nav, and the page for a wrong address.
ALL_PAGES = [*NAV_PAGES, "404.html"]
PAGE_WEIGHT_LIMIT = 500 * 1000  # bytes, search index excluded
SERIOUS = {"serious", "critical"}
MIN_CONTRAST = 4.5  # WCAG AA, normal text
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}
# A page's request for a figure, wherever it stands: the build hook replaces
# only markers on a line of their own, so an indented one (inside a tab, say)
# stays a comment, and the count below catches it.
FIGURE_MARKER = re.compile(r"<!--\s*figure:\s*[\w-]+\s*-->")


# --- fixtures ----------------------------------------------------------------


@pytest.fixture(scope="session")
def server(built_site: BuildResult) -> Iterator[SiteServer]:
    with SiteServer(built_site.site, site_prefix()) as running:
        yield running


# Module scope, not session: Playwright's sync API keeps an asyncio loop
# marked as running on this thread while it is open, which would break any
# later test that calls asyncio.run().
@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest) -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    note(
        request.config,
        "screenshots",
        f"every page in both palettes, chapter pages also at 375 px: {SCREENSHOTS}",
    )
    return SCREENSHOTS


@pytest.fixture(scope="module", autouse=True)
def palettes(
    request: pytest.FixtureRequest, server: SiteServer, screenshots: Path
) -> Iterator[PalettesInBackground]:
    """Starts axe and screenshots as soon as the module's first test runs.

    Only for the pages whose axe tests were selected (all, unless ``-k`` or
    a node id picks fewer); the workers stop when the module is done.
    """
    axe_test = test_axe_finds_nothing_serious.__name__
    selected = {
        item.callspec.params["name"]
        for item in request.session.items
        if getattr(item, "originalname", None) == axe_test
    }
    workers = PalettesInBackground(
        server, [name for name in ALL_PAGES if name in selected], screenshots
    )
    yield workers
    workers.stop()


@pytest.fixture(scope="module")
def icons(browser: Browser, server: SiteServer) -> bool:
    """Whether the browser fetches page icons, so a first load waits for one."""
    return fetches_icons(browser, server)


@dataclass
class Opened:
    """A page as a first-time reader opened it, shared by that page's tests."""

    name: str
    visit: Visit
    # What happened while it loaded, before any test touched it.
    load_requests: list[Any]
    load_trouble: list[str]
    # How far trouble on the page has been reported (see ``quiet``).
    reported: tuple[int, int]

    @property
    def page(self) -> Page:
        return self.visit.page


@pytest.fixture(scope="module")
def opened(
    request: pytest.FixtureRequest, browser: Browser, server: SiteServer, icons: bool
) -> Iterator[Opened]:
    """The page named by the test's parameter, with everything it asked for."""
    name: str = request.param
    with visit(
        browser,
        server,
        viewport=DESKTOP,
        color_scheme="light",
        permissions=["clipboard-read", "clipboard-write"],
    ) as v:
        v.goto_everything(page_url(name), icon=icons)
        yield Opened(name, v, list(v.finished), v.trouble_since(), v.checkpoint())


@pytest.fixture
def quiet(opened: Opened) -> Iterator[Opened]:
    """The opened page; the test fails if it errors or leaves the site.

    Trouble is reported from where the last test on the page left off, so
    nothing that happens between two tests goes unseen.
    """
    yield opened
    trouble = opened.visit.trouble_since(opened.reported)
    opened.reported = opened.visit.checkpoint()
    assert not trouble, f"{opened.name}: {trouble}"


def on_pages(pages: list[str]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize("opened", pages, indirect=True)


def slug(page: str) -> str:
    return page_url(page).strip("/").replace("/", "-").removesuffix(".html") or "index"


def built_html(site: Path, page: str) -> str:
    return html_path(site, page).read_text(encoding="utf-8")


# Contrast of text against what is really behind it: walks up to the first
# opaque background, blending translucent layers on the way, as WCAG defines.
CONTRAST_JS = """
(samples) => {
  const parse = (css) => {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  };
  const over = (top, bottom) =>
    [0, 1, 2].map((i) => top[i] * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const background = (element) => {
    const layers = [];
    for (let e = element; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c && c[3] > 0) { layers.push(c); if (c[3] >= 1) break; }
    }
    return layers.reverse().reduce((bg, layer) => over(layer, bg), [255, 255, 255, 1]);
  };
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const out = [];
  for (const [selector, property] of samples) {
    const element = document.querySelector(selector);
    if (!element || !element.getClientRects().length) continue;
    const bg = background(element);
    const fg = over(parse(getComputedStyle(element)[property]), bg);
    const [hi, lo] = [luminance(fg), luminance(bg)].sort((a, b) => b - a);
    out.push({selector, ratio: (hi + 0.05) / (lo + 0.05)});
  }
  return out;
}
"""

# What a reader reads on a page, in each palette: body text, links, code,
# navigation, the header, and the text inside generated figures.
CONTRAST_SAMPLES = [
    (".md-content .md-typeset p", "color"),
    (".md-content .md-typeset p a", "color"),
    (".md-content .md-typeset p code", "color"),
    (".md-content .md-typeset pre code", "color"),
    (".md-nav__link--active", "color"),
    (".md-header__topic .md-ellipsis", "color"),
    (".chapter-figure svg text", "fill"),
    (".chapter-figure figcaption", "color"),
]

NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; }"


def screenshot(page: Page, path: Path, *, whole: bool) -> None:
    """A JPEG for a reviewer: the whole page, or what the first screen shows.

    JPEG, not PNG: a chapter page is about 17,000 px tall, and encoding it as
    PNG took twice as long, for text a reviewer reads just as well. Only
    chapter pages are taken whole; the API reference is long and alike from
    page to page, and its top shows its palette.
    """
    page.screenshot(path=path, full_page=whole, type="jpeg", quality=85)


def scheme(page: Page) -> str:
    return str(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))


def low_contrast(page: Page) -> list[str]:
    samples = page.evaluate(CONTRAST_JS, CONTRAST_SAMPLES)
    assert samples, "no text found to measure"
    return [
        f"{s['selector']}: {s['ratio']:.2f}:1"
        for s in samples
        if s["ratio"] < MIN_CONTRAST
    ]


# The only axe rules whose outcome depends on colour. The dark palette changes
# colours and nothing else, so there it needs only these, in half the time.
COLOUR_RULES = {
    "runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}
}
# Material's two palettes, in the order a first visit on a light system shows
# them, each with the title of the toggle that leaves it for the other.
PALETTES = (("default", "Switch to dark mode"), ("slate", "Switch to light mode"))


def serious_violations(page: Page, options: dict[str, Any] | None = None) -> list[str]:
    """axe-core's serious and critical findings, from the copy pinned on PyPI."""
    # Only violations get full details: the same findings, in half the time.
    options = {"resultTypes": ["violations"], **(options or {})}
    results = Axe().run(page, options=options).response
    assert results["testEngine"]["name"] == "axe-core", "axe-core did not run"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]


class PalettesInBackground:
    """axe findings and screenshots for every page in each palette, off the main thread.

    axe and full-page screenshots are most of the browser tests' work, so
    they run while the main thread does the other checks. Playwright allows
    one instance per thread: each worker thread has its own browser and one
    context, reused from page to page as a reader's browser would be (the
    main thread's fresh contexts are what check a first visit), and takes
    pages from a shared queue until none are left. On each page it runs axe
    and takes the screenshot, switches to the dark palette with the toggle
    and does the same, then switches back, so the next page opens light.
    """

    WORKERS = 2  # one per core of the machine the time budget is set for

    def __init__(self, server: SiteServer, pages: list[str], shots: Path) -> None:
        self._findings: dict[tuple[str, str], list[str]] = {}
        self._ready = threading.Condition()
        self._failure: BaseException | None = None
        self._pages: queue.SimpleQueue[str] = queue.SimpleQueue()
        for name in pages:
            self._pages.put(name)
        self._threads = [
            threading.Thread(target=self._work, args=(server, shots), daemon=True)
            for _ in range(self.WORKERS if pages else 0)
        ]
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Drops the pages not started yet and waits for the workers to end."""
        while not self._pages.empty():
            try:
                self._pages.get_nowait()
            except queue.Empty:
                break
        for thread in self._threads:
            thread.join(timeout=60)

    def _work(self, server: SiteServer, shots: Path) -> None:
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
                )
                with visit(
                    browser, server, viewport=DESKTOP, color_scheme="light"
                ) as reader:
                    while True:
                        try:
                            name = self._pages.get_nowait()
                        except queue.Empty:
                            break
                        for palette, findings in self._check(reader, name, shots):
                            with self._ready:
                                self._findings[name, palette] = findings
                                self._ready.notify_all()
                browser.close()
        except BaseException as error:  # reported by findings(), not lost
            with self._ready:
                self._failure = error
                self._ready.notify_all()

    @staticmethod
    def _check(
        reader: Visit, name: str, shots: Path
    ) -> Iterator[tuple[str, list[str]]]:
        """Each palette's findings on one page, light first."""
        page = reader.page
        checkpoint = reader.checkpoint()
        reader.goto(page_url(name))
        page.add_style_tag(content=NO_TRANSITIONS)
        for number, (palette, toggle) in enumerate(PALETTES):
            shown = scheme(page)
            if shown != palette:
                findings = [f"palette {shown} is shown where {palette} should be"]
            else:
                # The dark palette is the same HTML with other colours
                # (Material's slate scheme sets colour variables only), so
                # there only the colour rules can find what the light run
                # did not.
                rules = None if number == 0 else COLOUR_RULES
                findings = serious_violations(page, rules)
                shot = shots / f"{slug(name)}-{palette}.jpg"
                screenshot(page, shot, whole=not name.startswith("reference/"))
                page.get_by_title(toggle).first.click()
            if number == len(PALETTES) - 1 and scheme(page) != PALETTES[0][0]:
                findings.append("the toggle did not switch back to the light palette")
            yield palette, findings + reader.trouble_since(checkpoint)
            checkpoint = reader.checkpoint()

    def findings(self, name: str, palette: str) -> list[str]:
        """axe's serious findings for one page and palette (waits for them)."""
        with self._ready:
            done = self._ready.wait_for(
                lambda: (name, palette) in self._findings or self._failure is not None,
                timeout=300,
            )
            if self._failure is not None:
                raise AssertionError("a palette worker failed") from self._failure
            assert done, f"axe did not finish {name} ({palette}) in 300 s"
            return self._findings[name, palette]


# Clicks whichever tab label hides an element, outermost first, so that the
# element is shown. Returns how many labels it clicked.
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


def reveal(handle: Any) -> None:
    handle.evaluate(REVEAL_JS)


# --- loading: offline, clean, light ------------------------------------------


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


# --- palettes: toggle, contrast, accessibility, screenshots ------------------


@on_pages(ALL_PAGES)
def test_readable_in_both_palettes(quiet: Opened) -> None:
    """The toggle switches palette and back, and text reads well in each.

    axe's colour rules and the screenshots in each palette come from
    :class:`PalettesInBackground`; this is the reader's own switch.
    """
    page = quiet.page
    page.add_style_tag(content=NO_TRANSITIONS)
    problems: list[str] = []
    for expected, toggle in PALETTES:
        assert scheme(page) == expected, f"{quiet.name}: palette is {scheme(page)}"
        problems += [f"{expected}: low contrast {c}" for c in low_contrast(page)]
        page.get_by_title(toggle).first.click()
    assert scheme(page) == "default", f"{quiet.name}: toggle did not switch back"
    assert not problems, f"{quiet.name}:\n" + "\n".join(problems)


def test_axe_reports_what_it_should(browser: Browser, server: SiteServer) -> None:
    """The accessibility check can fail: a page with known faults fails it."""
    with visit(browser, server) as v:
        v.page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main>'
            '<img src="data:,"><button></button></main></body></html>'
        )
        found = " ".join(serious_violations(v.page))
    assert "image-alt" in found and "button-name" in found, found


# --- phone width -------------------------------------------------------------


@on_pages(NAV_PAGES)
def test_no_horizontal_scroll_at_phone_width(quiet: Opened, screenshots: Path) -> None:
    """At 375 px the page never scrolls sideways (code blocks scroll inside)."""
    page = quiet.page
    page.set_viewport_size(PHONE)
    try:
        widths = page.evaluate(
            "({scroll: document.scrollingElement.scrollWidth,"
            " client: document.scrollingElement.clientWidth})"
        )
        if not quiet.name.startswith("reference/"):
            screenshot(page, screenshots / f"{slug(quiet.name)}-375px.jpg", whole=False)
        wide = page.evaluate(
            """() => [...document.querySelectorAll('.md-content *')]
                .filter((e) => e.getBoundingClientRect().right
                               > document.scrollingElement.clientWidth + 1)
                .slice(0, 5).map((e) => e.tagName + '.' + e.className)"""
        )
    finally:
        page.set_viewport_size(DESKTOP)
    assert widths["scroll"] <= widths["client"], (
        f"{quiet.name} scrolls sideways at 375 px: {widths}; too wide: {wide}"
    )


# --- generated figures -------------------------------------------------------


def test_pages_with_figures_are_in_the_nav() -> None:
    """So the per-page check below sees every figure a page asks for."""
    asking = {
        str(path.relative_to(DOCS))
        for path in DOCS.rglob("*.md")
        if FIGURE_MARKER.search(path.read_text(encoding="utf-8"))
    }
    assert asking <= set(NAV_PAGES), asking - set(NAV_PAGES)


@on_pages(NAV_PAGES)
def test_every_generated_figure_is_drawn(quiet: Opened) -> None:
    """Each figure a page asks for is an SVG of non-zero size a reader can see."""
    markdown = (DOCS / quiet.name).read_text(encoding="utf-8")
    markers = len(FIGURE_MARKER.findall(markdown))
    figures = quiet.page.locator("figure.chapter-figure").all()
    problems: list[str] = []
    for figure in figures:
        reveal(figure.element_handle())
        name = figure.get_attribute("id")
        svg = figure.locator("svg").first
        box = svg.bounding_box() if svg.count() else None
        if box is None or not svg.is_visible():
            problems.append(f"{name} is not drawn or not visible")
        elif box["width"] <= 0 or box["height"] <= 0:
            problems.append(f"{name} is drawn at size {box}")
        elif svg.locator("text").count() == 0:
            problems.append(f"{name} has no text")
    assert not problems, f"{quiet.name}: {problems}"
    assert len(figures) == markers, (
        f"{quiet.name} asks for {markers} figures (<!-- figure: NAME -->)"
        f" but shows {len(figures)}"
    )


# --- linked Rust/Python tabs -------------------------------------------------

# For every tab set that offers both Rust and Python: which label is selected,
# and whether the selected block is the one on screen.
TAB_STATE_JS = """
() => [...document.querySelectorAll('.tabbed-set')].map((set) => {
  const labels = [...set.querySelectorAll(':scope > .tabbed-labels > label')];
  const inputs = [...set.querySelectorAll(':scope > input')];
  const blocks = [...set.querySelectorAll(':scope > .tabbed-content > .tabbed-block')];
  const names = labels.map((l) => l.textContent.trim());
  const chosen = inputs.findIndex((i) => i.checked);
  const shown = blocks.findIndex((b) => b.offsetParent !== null);
  return {names, chosen: names[chosen], shown: names[shown]};
}).filter((set) => set.names.includes('Rust') && set.names.includes('Python'))
"""
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


# --- search ------------------------------------------------------------------


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


# --- copy buttons on doctest blocks ------------------------------------------


@dataclass(frozen=True)
class DoctestBlock:
    """A ``>>>`` block in a page's Markdown: where it is, and its examples."""

    start: int
    end: int
    examples: list[doctest.Example]

    @property
    def code(self) -> str:
        """What a reader should get from the copy button (doctest's own parse)."""
        return "".join(example.source for example in self.examples)


def doctest_blocks(document: Document) -> list[DoctestBlock]:
    """Every ``>>>`` block on a page, in page order."""
    lexer = RawFencedCodeBlockLexer(info_pattern=PYTHON_FENCE_INFO)
    blocks = []
    for region in lexer(document):
        text = expand(str(region.lexemes["source"]))[0]
        if text.lstrip().startswith(">>>"):
            examples = doctest.DocTestParser().get_examples(text)
            blocks.append(DoctestBlock(region.start, region.end, examples))
    return blocks


def exec_outside_the_loop(code: CodeType, namespace: dict[str, Any]) -> None:
    """``exec`` in a thread of its own, as in a reader's fresh interpreter.

    Playwright's sync API keeps an event loop running in the test's thread,
    and ``asyncio.run()`` (on the Python page) refuses to start inside one.
    """
    raised: list[BaseException] = []

    def run() -> None:
        try:
            exec(code, namespace)
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if raised:
        raise raised[0]


def run_copied(
    code: str, examples: list[doctest.Example], namespace: dict[str, Any], where: str
) -> None:
    """Run copied code one statement at a time, as a reader pasting it would.

    A statement may raise only where the doctest shows a traceback, and only
    the exception shown there; the session then goes on, as Python's own
    prompt does.
    """
    ends = list(accumulate(example.source.count("\n") for example in examples))
    for statement in ast.parse(code, where).body:
        example = examples[bisect_left(ends, statement.lineno)]
        module = ast.Module(body=[statement], type_ignores=[])
        try:
            exec_outside_the_loop(compile(module, where, "exec"), namespace)
        except Exception as error:
            raised = traceback.format_exception_only(error)[-1]
            expected = example.exc_msg
            if expected is None or not doctest.OutputChecker().check_output(
                expected, raised, ELLIPSIS
            ):
                raise AssertionError(
                    f"{where}, line {statement.lineno}: the copied code raised"
                    f" {raised.strip()}; the page shows {expected or 'no error'}"
                ) from error


def run_page_with_copied_code(page: str, copied: list[str]) -> None:
    """Run the page's Python blocks in order, the doctests replaced by copies.

    Each doctest block is swapped for what its copy button gave, run as plain
    Python in the page's namespace, so later blocks see what it did.
    """
    document = Sybil(parsers=[PythonBlockParser(ELLIPSIS)]).parse(DOCS / page)
    blocks = doctest_blocks(document)
    assert len(blocks) == len(copied)
    done: set[int] = set()
    for example in document.examples():
        number = next(
            (
                i
                for i, b in enumerate(blocks)
                if b.start <= example.region.start < b.end
            ),
            None,
        )
        if number is None:
            example.evaluate()
        elif number not in done:
            done.add(number)
            where = f"{page}, copied block {number + 1}"
            examples = blocks[number].examples
            run_copied(copied[number], examples, document.namespace, where)
    assert done == set(range(len(blocks)))


def run_docstring_copy(copied: str, shown: str, owner: str) -> None:
    """Run code copied from a docstring's example, where doctest runs it.

    doctest runs a docstring's examples in a copy of its module's globals;
    ``owner`` is the documented object's dotted path (chapter2.recap.drive).
    """
    parts = owner.split(".")
    for length in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:length]))
        except ImportError:
            continue
        break
    else:
        raise AssertionError(f"no importable module in {owner}")
    examples = doctest.DocTestParser().get_examples(shown)
    run_copied(copied, examples, dict(vars(module)), f"example in {owner}")


COPY_BUTTON = "button[data-clipboard-target]"
DOCTEST_BLOCKS = ".highlight:has(> pre > code)"
# Gets a block ready to copy: shows it (opening tabs and details around it)
# and empties the clipboard. Returns the text the block shows, and the
# documented object whose docstring holds it (mkdocstrings puts each object in
# a .doc-object under a heading with its dotted path), null for a block written
# on the page itself. One round trip to the browser per block, not five.
PREPARE_COPY_JS = (
    "async (block) => {\n  ("
    + REVEAL_JS.strip()
    + """)(block);
  await navigator.clipboard.writeText('');
  const owner = block.closest('.doc-object');
  const heading = owner && owner.querySelector(':scope > .doc-heading');
  return [block.querySelector('pre > code').textContent, heading ? heading.id : null];
}
"""
)
# What the copy button put on the clipboard, once it has put something there.
CLIPBOARD_TEXT = "async () => (await navigator.clipboard.readText()) || null"


@dataclass(frozen=True)
class Copied:
    """What a doctest block showed, what its copy button gave, whose it is."""

    shown: str
    copied: str
    owner: str | None  # the documented object, for a docstring's example


def copy_each_doctest(page: Page) -> list[Copied]:
    """Click each doctest block's copy button, as a reader would; read the clipboard."""
    results = []
    blocks = page.locator(DOCTEST_BLOCKS).filter(
        has=page.locator("pre > code", has_text=re.compile(r"^\s*>>>"))
    )
    for block in blocks.element_handles():
        shown, owner = block.evaluate(PREPARE_COPY_JS)
        button = block.query_selector(COPY_BUTTON)
        assert button is not None, f"no copy button on the block showing {shown!r}"
        # A real click: Playwright scrolls to the button, moves the mouse over
        # the block (which is what shows the button) and presses.
        button.click()
        try:
            copied = page.wait_for_function(CLIPBOARD_TEXT, timeout=5000).json_value()
        except PlaywrightTimeoutError:
            raise AssertionError(
                f"the copy button put nothing on the clipboard for\n{shown}"
            ) from None
        results.append(Copied(shown, copied, owner))
    return results


def page_doctests(page: str) -> list[DoctestBlock]:
    return doctest_blocks(Sybil(parsers=[]).parse(DOCS / page))


def test_some_page_has_doctest_blocks() -> None:
    """So that the check below has a copy button to press."""
    assert any(page_doctests(page) for page in NAV_PAGES), "no page has >>> blocks"


@on_pages(NAV_PAGES)
def test_copy_button_on_doctests_copies_runnable_code(quiet: Opened) -> None:
    """Copy gives the code without prompts or output, and that code runs.

    What the copy should be comes from doctest's own reading of the text the
    block shows. Blocks written on the page then run in page order, in the
    page's namespace; examples from docstrings (the API reference) run in
    their module's globals, as doctest runs them.
    """
    results = copy_each_doctest(quiet.page)
    for number, result in enumerate(results, 1):
        where = f"{quiet.name} block {number}"
        examples = doctest.DocTestParser().get_examples(result.shown)
        code = "".join(example.source for example in examples)
        assert examples, f"{where}: no examples in {result.shown!r}"
        assert not re.search(r"^(>>>|\.\.\.)( |$)", result.copied, re.MULTILINE), (
            f"{where}: prompts were copied:\n{result.copied}"
        )
        assert result.copied == code.rstrip("\n"), (
            f"{where}: copied\n{result.copied}\nnot\n{code}"
        )
    on_page = [r.copied for r in results if r.owner is None]
    in_source = page_doctests(quiet.name)
    assert len(on_page) == len(in_source), (
        f"{quiet.name}: {len(in_source)} doctest blocks in the Markdown,"
        f" {len(on_page)} on the page"
    )
    if on_page:
        run_page_with_copied_code(quiet.name, on_page)
    for result in results:
        if result.owner is not None:
            run_docstring_copy(result.copied, result.shown, result.owner)


# Last in the module, so the main thread's checks run while axe works in the
# background (see PalettesInBackground).
@pytest.mark.parametrize("palette", [palette for palette, _ in PALETTES])
@pytest.mark.parametrize("name", ALL_PAGES)
def test_axe_finds_nothing_serious(
    name: str, palette: str, palettes: PalettesInBackground
) -> None:
    """axe-core: no serious or critical violation, in either palette."""
    findings = palettes.findings(name, palette)
    assert not findings, f"{name} ({palette}):\n" + "\n".join(findings)
