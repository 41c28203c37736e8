"""Run, Edit and Stop on Python blocks: Python in the page, from the site.

One reader, in one browser context, goes through the chapter pages the way a
reader would: opens the first, then follows the navigation (Material's
instant navigation, no full page load), and on each page runs one example.
Python starts once, at the first Run, and is not loaded again on the pages
after it. On "What async fn compiles into" the reader changes the socks
price in the cart_total trace, runs it again and sees the new total and
trace (issue 12's "Done when"); edits the receiver listing so
that it forgets the waker and sees the cart_total trace stall, then resets
it; then runs an endless loop and stops it. Every request the reader's
browser makes, the worker's included, must stay on the site, and nothing
may log an error.

Cost: one start of Python (about 3 s on an idle 2-core machine, 15 s when
busy), a second one after Stop, and about 0.1 s per run.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, Route

from tests.browser.pages import DESKTOP, NAV_PAGES, POLLING, Opened, on_pages, reveal
from tests.browser.palettes import serious_violations
from tests.browser.widgets import FINISHED, RUN_TIMEOUT
from tests.support.browsing import SiteServer, Visit, page_url, visit
from tests.support.pyodide_check import TRACE_EXAMPLE, WAKER_LINE
from tests.support.sessions import CHAPTER_PAGES, sessions
from tests.support.sitebuild import BuildResult

RUNTIME = re.compile(
    r"/assets/run/(python/|python\.mjs|run-worker|run-core|runner|listings)"
)
WASM = "/assets/run/python/pyodide.asm.wasm"
RUNNABLE = [page for page in CHAPTER_PAGES if any(not s.norun for s in sessions(page))]


@on_pages(NAV_PAGES)
def test_no_byte_of_python_before_the_first_run(opened: Opened) -> None:
    """A page's first load fetches nothing of the runtime, only the buttons."""
    fetched = [r.url for r in opened.load_requests if RUNTIME.search(r.url)]
    assert not fetched, f"{opened.name} loaded {fetched} before any Run"


class Reader:
    """One reader's browser, and every request it made (workers' included)."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.requests: list[tuple[str, str]] = []  # method, address
        visit.page.context.on("request", self._seen)

    def _seen(self, request: Request) -> None:
        self.requests.append((request.method, request.url))

    @property
    def page(self) -> Page:
        return self.visit.page

    def follow_nav_to(self, name: str) -> None:
        """Click the page's entry in the navigation: an instant navigation."""
        target = self.visit.server.root + page_url(name)
        with self.page.expect_response(lambda r: r.url == target):
            self.page.evaluate(
                "(href) => [...document.querySelectorAll('nav.md-nav--primary a')]"
                ".find((a) => a.href === href).click()",
                target,
            )
        self.page.wait_for_function(
            "(href) => location.href === href"
            " && document.querySelector('[data-run-mounted]')",
            arg=target,
        )

    def run(self, block: Locator) -> str:
        """Press Run on a block, wait until it has finished; its status."""
        reveal(block.element_handle())
        block.get_by_role("button", name="Run").click()
        self.page.wait_for_function(
            FINISHED, arg=block.element_handle(), timeout=RUN_TIMEOUT, polling=POLLING
        )
        return block.locator(".chapter-run__status").inner_text()


def wrong_type(route: Route) -> None:
    """Sends the WebAssembly module as a misconfigured server would."""
    route.fulfill(status=200, headers={"Content-Type": "application/octet-stream"})


@pytest.fixture(scope="module")
def reader(browser: Browser, server: SiteServer) -> Iterator[Reader]:
    with visit(browser, server, viewport=DESKTOP) as v:
        yield Reader(v)
        assert not v.trouble_since(), f"while running examples: {v.trouble_since()}"


def test_each_chapter_page_runs_an_example_without_reloading_python(
    reader: Reader,
) -> None:
    """Run gives the page's output; Python loads once for all the pages.

    First, served with the wrong type, the WebAssembly module would hang the
    loader: the button says why at once, and Run works once the server
    sends it right.
    """
    page = reader.page
    reader.visit.goto(page_url(RUNNABLE[0]))
    page.evaluate("window.sameDocument = true")
    wasm = re.compile(r".*pyodide\.asm\.wasm$")
    page.context.route(wasm, wrong_type)
    block = page.locator('[data-run="session"]').first
    status = reader.run(block)
    assert block.get_attribute("data-state") == "error", status
    assert "application/wasm" in status, status
    page.context.unroute(wasm, wrong_type)
    problems = []
    for number, name in enumerate(RUNNABLE):
        if number:
            reader.follow_nav_to(name)
        block = page.locator('[data-run="session"]').first
        status = reader.run(block)
        state = block.get_attribute("data-state")
        shown = block.locator(".highlight code").inner_text().rstrip()
        output = block.locator(".chapter-run__output").inner_text().rstrip()
        if state != "done" or "the output is the page's" not in status:
            problems.append(f"{name}: {state}: {status}\n{output}")
        elif "Traceback" not in shown and output != shown:
            problems.append(f"{name}: the output\n{output}\nis not the page's\n{shown}")
    assert not problems, "\n".join(problems)
    assert page.evaluate("window.sameDocument"), "a page was loaded in full"
    # GET: the worker asks for the headers alone first (HEAD), to check the type.
    loads = [
        url for method, url in reader.requests if url.endswith(WASM) and method == "GET"
    ]
    assert len(loads) == 1, f"Python's runtime was fetched {len(loads)} times"


def cart_block(page: Page) -> Locator:
    """The example with Alice's and Bob's carts on one executor."""
    return page.locator('[data-run="session"]').filter(has_text="alice_socks_tx, 12")


def trace_block(page: Page) -> Locator:
    """The first cart_total trace, whose prices the reader can change."""
    return page.locator('[data-run="session"]').filter(has_text=TRACE_EXAMPLE)


def test_edit_a_price_and_run_again(reader: Reader) -> None:
    """Issue 12's reader: Run on the cart_total trace, the socks price
    changed from 12 to 20, Run again: a new trace, ending ``Ready(78)``."""
    page = reader.page
    reader.follow_nav_to("async-fn.md")
    block = trace_block(page)
    reveal(block.element_handle())
    block.get_by_role("button", name="Edit").click()
    editor = block.locator("textarea")
    code = editor.input_value()
    assert '"socks": 12' in code, code
    editor.fill(code.replace('"socks": 12', '"socks": 20'))
    status = reader.run(block)
    output = block.locator(".chapter-run__output").inner_text()
    assert block.get_attribute("data-state") == "done", status
    assert "awaiting shoes  Done            Ready(78)" in output, output
    assert "Ready(70)" not in output, output
    assert "1 output differs from the page's" in status, status
    assert block.locator("mark").count() == 1
    findings = serious_violations(page)
    assert not findings, findings
    block.get_by_role("button", name="Reset").click()
    assert block.locator("textarea").count() == 0
    assert block.locator(".highlight").is_visible()


def test_edit_a_listing_and_the_examples_run_with_it(reader: Reader) -> None:
    """The reader removes the line of ``Receiver.poll`` that keeps the waker
    and runs the listing: the cart_total trace now stalls, and says it runs
    with the edit; Reset on the listing brings the page's output back."""
    page = reader.page
    listing = page.locator('[data-run="listing"][data-sections="receiver"]')
    reveal(listing.element_handle())
    listing.get_by_role("button", name="Edit").click()
    editor = listing.locator("textarea")
    assert WAKER_LINE in editor.input_value()
    editor.fill(editor.input_value().replace(WAKER_LINE, ""))
    status = reader.run(listing)
    assert listing.get_attribute("data-state") == "done", status
    assert "chapter2/oneshot.py now holds your edit" in status, status
    assert "chapter2.oneshot, chapter2.cart" in status, status

    trace = trace_block(page)
    note = trace.locator(".chapter-run__edited")
    assert "your edit of chapter2/oneshot.py (receiver)" in note.text_content()
    status = reader.run(trace)
    output = trace.locator(".chapter-run__output").inner_text()
    assert "chapter2.executor.Stalled" in output, output
    assert "outputs differ from the page's" in status, status

    listing.get_by_role("button", name="Reset").click()
    status = listing.locator(".chapter-run__status").inner_text()
    assert "Back to the package's own code" in status, status
    assert note.evaluate("(note) => note.hidden"), "the note stayed after Reset"
    status = reader.run(trace)
    assert "the output is the page's" in status, status


def test_stop_ends_an_endless_loop(reader: Reader) -> None:
    """Stop ends a run that would never finish; the next Run starts afresh."""
    page = reader.page
    block = cart_block(page)
    block.get_by_role("button", name="Edit").click()
    block.locator("textarea").fill(">>> while True:\n...     pass\n")
    block.get_by_role("button", name="Run").click()
    page.wait_for_function(
        "(root) => root.dataset.state === 'running'",
        arg=block.element_handle(),
        timeout=RUN_TIMEOUT,
        polling=POLLING,
    )
    block.get_by_role("button", name="Stop").click()
    page.wait_for_function(
        "(root) => root.dataset.state === 'idle'", arg=block.element_handle()
    )
    assert "Stopped" in block.locator(".chapter-run__status").inner_text()
    block.get_by_role("button", name="Reset").click()
    status = reader.run(block)
    assert block.get_attribute("data-state") == "done", status
    assert "the output is the page's" in status, status


def test_a_page_opened_from_a_file_says_run_needs_a_server(
    browser: Browser, built_site: BuildResult
) -> None:
    """file:// cannot load Python's module loader; the button says so. The
    steppers' scripts are classic scripts, which load there: they step. And
    a docstring's example on the API reference copies without prompts."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto((built_site.site / "async-fn" / "index.html").as_uri())
        stepper = page.locator('[data-stepper="cart-total"]')
        stepper.get_by_role("button", name="Next").click()
        assert stepper.get_attribute("data-step") == "1", "the stepper did not step"
        block = page.locator('[data-run="session"]').last
        block.get_by_role("button", name="Run").click()
        status = block.locator(".chapter-run__status").inner_text()
        assert block.get_attribute("data-state") == "error", status
        assert "served over HTTP" in status, status
        page.goto((built_site.site / "reference" / "index.html").as_uri())
        copies = page.locator(".doc .highlight[data-copy]").count()
        assert copies, "doctest-copy.js marked no docstring example"
    finally:
        context.close()
