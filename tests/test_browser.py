"""The site as readers see it, in a real browser with no network.

The built site is served on 127.0.0.1 (:mod:`tests.browsing`) and driven by
Playwright in Debian's Chromium, one browser for the whole session. Every
check iterates over what exists (the nav pages in mkdocs.yml, the figures,
the tabs, the doctest blocks) and fails if it finds nothing where something
must be. Screenshots of every page in both palettes, and at phone width, go
to ``.cache/screenshots/``; the terminal summary says where, and lists each
page's first-load weight.
"""

from __future__ import annotations

import doctest
import json
import re
import shutil
from collections.abc import Iterator
from doctest import ELLIPSIS
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, sync_playwright
from sybil import Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from sitetools.hooks import FIGURE_LINE
from sitetools.snippets import expand
from sitetools.sybil_blocks import PYTHON_FENCE_INFO, PythonBlockParser
from tests.browsing import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    CHROMIUM_MISSING,
    SCREENSHOTS,
    SiteServer,
    Visit,
    page_url,
    site_prefix,
    visit,
)
from tests.report import note
from tests.sitebuild import ROOT, BuildResult, config, nav_pages

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.is_file(), reason=CHROMIUM_MISSING),
]

DOCS = ROOT / "docs"
NAV_PAGES = nav_pages(config()["nav"])
# Every page a reader can land on: the nav, and the page for a wrong address.
ALL_PAGES = [*NAV_PAGES, "404.html"]
PAGE_WEIGHT_LIMIT = 500 * 1000  # bytes, search index excluded
SEARCH_INDEX = "search/search_index.json"
SERIOUS = {"serious", "critical"}
MIN_CONTRAST = 4.5  # WCAG AA, normal text


# --- session fixtures ---------------------------------------------------------


@pytest.fixture(scope="session")
def server(built_site: BuildResult) -> Iterator[SiteServer]:
    with SiteServer(built_site.site, site_prefix()) as running:
        yield running


@pytest.fixture(scope="session")
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
        f"every page in both palettes and at 375 px: {SCREENSHOTS}",
    )
    return SCREENSHOTS


def slug(page: str) -> str:
    return page_url(page).strip("/").replace("/", "-").removesuffix(".html") or "index"


# --- page helpers ---------------------------------------------------------------

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


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings, from the copy pinned on PyPI."""
    results = Axe().run(page).response
    assert results["testEngine"]["name"] == "axe-core", "axe-core did not run"
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at "
        + ", ".join(str(node["target"]) for node in v["nodes"][:5])
        for v in results["violations"]
        if v["impact"] in SERIOUS
    ]


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


# --- loading: offline, clean, light ---------------------------------------------


@pytest.mark.parametrize("page", ALL_PAGES)
def test_first_load_is_offline_clean_and_light(
    browser: Browser, server: SiteServer, request: pytest.FixtureRequest, page: str
) -> None:
    """No request leaves the site, nothing errors, and the page stays small."""
    finished: list[Any] = []
    with visit(browser, server) as v:
        v.page.on("requestfinished", lambda done: finished.append(done))
        v.goto(page_url(page), wait_until="networkidle")
        assert not v.blocked, f"{page} tried to load from outside the site: {v.blocked}"
        assert not v.errors, f"{page}: {v.errors}"
        assert finished, f"{page}: no request finished"
        weight = 0
        for finished_request in finished:
            if finished_request.url.endswith(SEARCH_INDEX):
                continue
            served = server.file_for(finished_request.url)
            assert served.is_file(), f"{page} loaded {finished_request.url}"
            headers = finished_request.sizes()["responseHeadersSize"]
            # Bodies are files sent as they are (no compression here), so the
            # file size is what crossed the wire; GitHub Pages gzips, readers
            # get less.
            weight += headers + served.stat().st_size
    if page in NAV_PAGES:
        note(
            request.config,
            "first-load weight (all requests but the search index, uncompressed)",
            f"{page:<28} {weight / 1000:7.1f} KB  ({len(finished)} requests)",
        )
        assert weight <= PAGE_WEIGHT_LIMIT, (
            f"{page} weighs {weight / 1000:.1f} KB on first load,"
            f" over {PAGE_WEIGHT_LIMIT / 1000:.0f} KB"
        )


# --- palettes: toggle, contrast, accessibility, screenshots -----------------------


@pytest.mark.parametrize("page", ALL_PAGES)
def test_readable_and_accessible_in_both_palettes(
    browser: Browser, server: SiteServer, screenshots: Path, page: str
) -> None:
    """The toggle switches palette; each palette reads well and passes axe."""
    with visit(browser, server, color_scheme="light") as v:
        v.goto(page_url(page))
        v.page.add_style_tag(content=NO_TRANSITIONS)
        problems: list[str] = []
        for expected, toggle in (
            ("default", "Switch to dark mode"),
            ("slate", "Switch to light mode"),
        ):
            assert scheme(v.page) == expected, f"{page}: palette is {scheme(v.page)}"
            problems += [f"{expected}: low contrast {c}" for c in low_contrast(v.page)]
            problems += [f"{expected}: {x}" for x in serious_violations(v.page)]
            v.page.screenshot(
                path=screenshots / f"{slug(page)}-{expected}.png", full_page=True
            )
            v.page.get_by_title(toggle).first.click()
        assert scheme(v.page) == "default", f"{page}: toggle did not switch back"
        assert not v.errors, f"{page}: {v.errors}"
        assert not problems, f"{page}:\n" + "\n".join(problems)


def test_axe_reports_what_it_should(browser: Browser, server: SiteServer) -> None:
    """The accessibility check can fail: a page with known faults fails it."""
    with visit(browser, server) as v:
        v.page.set_content(
            '<html lang="en"><head><title>t</title></head><body><main>'
            '<img src="data:,"><button></button></main></body></html>'
        )
        found = " ".join(serious_violations(v.page))
    assert "image-alt" in found and "button-name" in found, found


# --- phone width ----------------------------------------------------------------------


@pytest.mark.parametrize("page", NAV_PAGES)
def test_no_horizontal_scroll_at_phone_width(
    browser: Browser, server: SiteServer, screenshots: Path, page: str
) -> None:
    """At 375 px the page never scrolls sideways (code blocks scroll inside)."""
    with visit(
        browser,
        server,
        viewport={"width": 375, "height": 812},
        is_mobile=True,
        has_touch=True,
    ) as v:
        v.goto(page_url(page))
        widths = v.page.evaluate(
            "({scroll: document.scrollingElement.scrollWidth,"
            " client: document.scrollingElement.clientWidth})"
        )
        v.page.screenshot(path=screenshots / f"{slug(page)}-375px.png")
        wide = v.page.evaluate(
            """() => [...document.querySelectorAll('.md-content *')]
                .filter((e) => e.getBoundingClientRect().right
                               > document.scrollingElement.clientWidth + 1)
                .slice(0, 5).map((e) => e.tagName + '.' + e.className)"""
        )
    assert widths["scroll"] <= widths["client"], (
        f"{page} scrolls sideways at 375 px: {widths}; too wide: {wide}"
    )


# --- generated figures -------------------------------------------------------------


def test_every_generated_figure_is_drawn(browser: Browser, server: SiteServer) -> None:
    """Each figure a page asks for is an SVG of non-zero size a reader can see."""
    markers = sum(
        len(FIGURE_LINE.findall(path.read_text(encoding="utf-8")))
        for path in DOCS.rglob("*.md")
    )
    drawn = 0
    problems: list[str] = []
    for page in NAV_PAGES:
        with visit(browser, server) as v:
            v.goto(page_url(page))
            for figure in v.page.locator("figure.chapter-figure").all():
                drawn += 1
                reveal(figure.element_handle())
                svg = figure.locator("svg").first
                name = figure.get_attribute("id")
                if svg.count() == 0:
                    problems.append(f"{page}: {name} has no SVG")
                    continue
                box = svg.bounding_box()
                if not svg.is_visible() or not box:
                    problems.append(f"{page}: {name} is not visible")
                elif box["width"] <= 0 or box["height"] <= 0:
                    problems.append(f"{page}: {name} is drawn at size {box}")
                elif svg.locator("text").count() == 0:
                    problems.append(f"{page}: {name} has no text")
    assert not problems, problems
    assert drawn == markers, (
        f"the pages ask for {markers} figures (<!-- figure: NAME --> lines)"
        f" but the built pages show {drawn}"
    )


# --- linked Rust/Python tabs ---------------------------------------------------------

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


def test_rust_and_python_tabs_switch_together(
    browser: Browser, server: SiteServer
) -> None:
    """One click on "Python" (or "Rust") switches every pair on the page."""
    pages_with_tabs = []
    for page in NAV_PAGES:
        with visit(browser, server) as v:
            v.goto(page_url(page))
            sets = v.page.evaluate(TAB_STATE_JS)
            if not sets:
                continue
            pages_with_tabs.append(page)
            labels = v.page.locator(".tabbed-set > .tabbed-labels > label")
            # Click in the last set, then in the first: every set follows.
            for language, which in (("Python", -1), ("Rust", 0)):
                chosen = labels.filter(has_text=re.compile(rf"^\s*{language}\s*$"))
                chosen.nth(which).click()
                states = v.page.evaluate(TAB_STATE_JS)
                wrong = [
                    s for s in states if (s["chosen"], s["shown"]) != (language,) * 2
                ]
                assert not wrong, (
                    f"{page}: after clicking {language}, {len(wrong)} of"
                    f" {len(states)} tab sets did not follow: {wrong}"
                )
    assert pages_with_tabs, "no page has Rust/Python tabs to switch"


# --- search -------------------------------------------------------------------------


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


@pytest.mark.parametrize("term", ["Waker", "ATM", "cart_total"])
def test_search_finds_the_right_page(
    browser: Browser, server: SiteServer, built_site: BuildResult, term: str
) -> None:
    expected = expected_pages(built_site.site, term)
    if not expected:
        pytest.skip(f"no page of the built site mentions {term!r} yet")
    with visit(browser, server) as v:
        v.goto("")
        search = v.page.locator("input.md-search__input")
        search.click()
        search.press_sequentially(term)
        first = v.page.locator("a.md-search-result__link").first
        first.wait_for(timeout=10_000)
        first.click()
        v.page.wait_for_load_state()
        opened = v.page.url.split("#")[0].split("?")[0]
        body = v.page.locator("article").inner_text()
        assert not v.errors, v.errors
    wanted = sorted(server.root + location for location in expected)
    assert opened in wanted, f"search for {term!r} opened {opened}, wanted {wanted}"
    assert term.lower() in body.lower(), f"{opened} does not show {term!r}"


# --- copy buttons on doctest blocks -------------------------------------------------


def doctest_fences(page: str) -> list[str]:
    """The text of every ``>>>`` block on a page, in page order."""
    document = Sybil(parsers=[]).parse(DOCS / page)
    lexer = RawFencedCodeBlockLexer(info_pattern=PYTHON_FENCE_INFO)
    fences = [expand(str(region.lexemes["source"]))[0] for region in lexer(document)]
    return [text for text in fences if text.lstrip().startswith(">>>")]


def run_page_with_copied_code(page: str, copied: list[str]) -> None:
    """Run the page's Python blocks in order, the doctests replaced by copies.

    Each doctest block is swapped for what its copy button gave, executed as
    plain Python in the page's namespace, so later blocks see what it did.
    """
    document = Sybil(parsers=[PythonBlockParser(ELLIPSIS)]).parse(DOCS / page)
    lexer = RawFencedCodeBlockLexer(info_pattern=PYTHON_FENCE_INFO)
    spans = [
        (region.start, region.end)
        for region in lexer(document)
        if expand(str(region.lexemes["source"]))[0].lstrip().startswith(">>>")
    ]
    assert len(spans) == len(copied)
    done: set[int] = set()
    for example in document.examples():
        block = next(
            (i for i, (s, e) in enumerate(spans) if s <= example.region.start < e),
            None,
        )
        if block is None:
            example.evaluate()
        elif block not in done:
            done.add(block)
            source = compile(copied[block], f"{page} copied block {block + 1}", "exec")
            exec(source, document.namespace)
    assert done == set(range(len(spans)))


COPY_BUTTON = "button[data-clipboard-target]"
CLIPBOARD_FILLED = "async () => (await navigator.clipboard.readText()) !== ''"


def copy_each_doctest(v: Visit) -> list[str]:
    """Click every doctest block's copy button; what landed on the clipboard."""
    copied = []
    blocks = v.page.locator(".highlight").filter(
        has=v.page.locator("pre > code", has_text=re.compile(r"^\s*>>>"))
    )
    for index in range(blocks.count()):
        block = blocks.nth(index)
        reveal(block.element_handle())
        v.page.evaluate("navigator.clipboard.writeText('')")
        block.hover()
        block.locator(COPY_BUTTON).first.click()
        v.page.wait_for_function(CLIPBOARD_FILLED)
        copied.append(v.page.evaluate("navigator.clipboard.readText()"))
    return copied


def test_copy_button_on_doctests_copies_runnable_code(
    browser: Browser, server: SiteServer
) -> None:
    """Copy gives the code without prompts or output, and that code runs."""
    checked = 0
    for page in NAV_PAGES:
        fences = doctest_fences(page)
        if not fences:
            continue
        with visit(
            browser, server, permissions=["clipboard-read", "clipboard-write"]
        ) as v:
            v.goto(page_url(page))
            copied = copy_each_doctest(v)
            assert not v.errors, v.errors
        assert len(copied) == len(fences), (
            f"{page}: {len(fences)} doctest blocks in the source,"
            f" {len(copied)} on the page"
        )
        for number, (text, fence) in enumerate(zip(copied, fences, strict=True), 1):
            examples = doctest.DocTestParser().get_examples(fence)
            runnable = "".join(example.source for example in examples)
            assert not re.search(r"^(>>>|\.\.\.)( |$)", text, re.MULTILINE), (
                f"{page} block {number}: prompts were copied:\n{text}"
            )
            assert text == runnable.rstrip("\n"), (
                f"{page} block {number}: copied\n{text}\nbut the code is\n{runnable}"
            )
        run_page_with_copied_code(page, copied)
        checked += len(copied)
    assert checked, "no page has a doctest block whose copy button could be tried"
