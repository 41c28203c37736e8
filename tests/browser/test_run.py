"""Run, Edit and Stop on Python blocks: Python in the page, from the site.

One reader, in one browser context, goes through the chapter pages the way a
reader would: opens the first, then follows the navigation (Material's
instant navigation, no full page load), and on each page runs one example.
Python starts once, at the first Run, and is not loaded again on the pages
after it. On "What async fn compiles into" the reader changes the socks
price in the cart_total trace, runs it again and sees the new total and
trace (issue 12's "Done when"); edits the receiver listing so
that it forgets the waker and sees the cart_total trace stall, then resets
it; then tries what a tester would: plain Python that tries to reach another
server (a second one on 127.0.0.1, which must see no request), code that
ends Python, Stop while Python starts, a run queued behind an endless loop,
Stop on each. Every request the reader's browser makes, the worker's
included, must stay on the site, and nothing may log an error.

Python's first start saves a snapshot of the ready interpreter; later
starts restore it. So the reader also loads a page in full and Python
starts from that copy; and the first start finds a damaged copy, which it
replaces.

Each test goes on from where the one before left the reader; run on its
own (``-k``), it opens its page and starts Python itself (``Reader.on``,
``Reader.python_saved``).

Cost: one start of Python from nothing (about 1.5 s and 3 CPU-s on an idle
2-core machine), the first, which finds a damaged copy saved;
three from the good copy it saves (about 0.6 s each): after the code that
ends Python (one more begun and stopped while it starts) and after a full
page load; about 0.1 s per run.
"""

from __future__ import annotations

import http.server
import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Locator, Page, Request, Route

from tests.browser.pages import (
    DESKTOP,
    NAV_PAGES,
    NO_TRANSITIONS,
    PALETTES,
    PHONE,
    POLLING,
    Held,
    Opened,
    on_pages,
    palette_toggle,
    reveal,
)
from tests.browser.palettes import accessibility_findings
from tests.browser.widgets import RUN_TIMEOUT, reach
from tests.support.browsing import (
    FINISHED,
    SNAPSHOTS,
    SiteServer,
    Visit,
    page_url,
    saved_snapshots,
    visit,
)
from tests.support.pyodide_check import TRACE_EXAMPLE, WAKER_LINE
from tests.support.python_snapshot import snapshot_address
from tests.support.sessions import CHAPTER_PAGES, sessions
from tests.support.sitebuild import BuildResult, needs_runtime

# Without npm there is no pyodide, so no Run button: skipped, saying why.
pytestmark = needs_runtime
RUNTIME = re.compile(
    r"/assets/run/(python/|python\.mjs|run-worker|run-core|runner|listings|replay)"
)
WASM = "/assets/run/python/pyodide.asm.wasm"
WASM_FILE = re.compile(r".*pyodide\.asm\.wasm$")
# What a Run says when Python started from the first start's snapshot.
SAVED_COPY = "from a saved copy"
IN_STATE = "([root, state]) => root.dataset.state === state"
RUNNABLE = [page for page in CHAPTER_PAGES if any(not s.norun for s in sessions(page))]


@on_pages(NAV_PAGES)
def test_no_byte_of_python_before_the_first_run(opened: Opened) -> None:
    """A page's first load fetches nothing of the runtime, only the buttons."""
    fetched = [r.url for r in opened.load_requests if RUNTIME.search(r.url)]
    assert not fetched, f"{opened.name} loaded {fetched} before any Run"


@on_pages(["waiting.md"])
def test_a_listing_that_no_runnable_example_uses_has_no_run(quiet: Opened) -> None:
    """Every example that calls serve_blocking is marked as not runnable in
    the page: its listing says so instead of offering Edit and Run (it
    offered them, tried); the crunch listing, which runnable examples use,
    keeps them."""
    page = quiet.page
    blocking = page.locator('[data-listing="chapter2/waiting.py"]').filter(
        has_text="def serve_blocking("
    )
    # Both listings sit in a tab that may be hidden: count hidden buttons too.
    for name in ("Run", "Edit"):
        button = blocking.get_by_role("button", name=name, include_hidden=True)
        assert button.count() == 0, name
    note = blocking.locator(".chapter-run__note").inner_text()
    assert "No example on this page that runs in the browser uses" in note, note
    crunch = page.locator('[data-run="listing"][data-sections="yield_now crunch"]')
    assert (
        crunch.get_by_role(
            "button", name="Run", exact=True, include_hidden=True
        ).count()
        == 1
    )


class Reader:
    """One reader's browser, and every request it made (workers' included)."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.requests: list[tuple[str, str]] = []  # method, address
        self.ran = False  # whether a Run has finished on this page load
        visit.page.context.on("request", self.seen)

    def seen(self, request: Request) -> None:
        self.requests.append((request.method, request.url))

    @property
    def page(self) -> Page:
        return self.visit.page

    def on(self, name: str) -> None:
        """On the page ``name``: as the tests before left it, reached by its
        navigation entry from another page of the site, or loaded in full
        if the reader is on none (a test run on its own, with ``-k``)."""
        here = self.page.url.partition("#")[0]
        if here == self.visit.server.root + page_url(name):
            return
        if here.startswith(self.visit.server.root):
            self.follow_nav_to(name)
        else:
            self.load(name)

    def load(self, name: str) -> None:
        """Load the page ``name`` in full, as from the address bar."""
        self.visit.goto(page_url(name))
        self.ran = False

    def python_saved(self) -> list[Any]:
        """The snapshots of Python that its first start saved: made by the
        tests before, or here by a Run of the page's first example for a
        test run on its own."""
        if not self.ran:
            self.run(self.page.locator('[data-run="session"]').first)
        return saved_snapshots(self.page)

    def follow_nav_to(self, name: str) -> None:
        """Click the page's entry in the navigation: an instant navigation."""
        target = self.visit.server.root + page_url(name)
        # Material changes the address before it swaps the article: until
        # the old one has left, its blocks would pass for the new page's.
        before = self.page.locator("article.md-content__inner").element_handle()
        with self.page.expect_response(lambda r: r.url == target):
            self.page.evaluate(
                "(href) => [...document.querySelectorAll('nav.md-nav--primary a')]"
                ".find((a) => a.href === href).click()",
                target,
            )
        self.page.wait_for_function(
            "([href, old]) => location.href === href && !old.isConnected"
            " && document.querySelector('[data-run-mounted]')",
            arg=[target, before],
        )

    def run(self, block: Locator) -> str:
        """Press Run on a block, wait until it has finished; its status."""
        reveal(block.element_handle())
        block.get_by_role("button", name="Run", exact=True).click()
        return self.run_finished(block)

    def run_finished(self, block: Locator) -> str:
        """Wait until a block's run has finished; its status."""
        self.page.wait_for_function(
            FINISHED, arg=block.element_handle(), timeout=RUN_TIMEOUT, polling=POLLING
        )
        self.ran = True
        return status(block)

    def wait_for(self, block: Locator, state: str) -> str:
        """Wait until a block is in ``state``; its status."""
        self.page.wait_for_function(
            IN_STATE,
            arg=[block.element_handle(), state],
            timeout=RUN_TIMEOUT,
            polling=POLLING,
        )
        return status(block)


def status(block: Locator) -> str:
    return block.locator(".chapter-run__status").inner_text()


def edit(block: Locator, code: str | None = None) -> str:
    """Open the block's editor (CodeMirror), type ``code`` over its text if
    given; what the editor held before."""
    opened = block.locator(".cm-content, .chapter-run__textarea")
    if not opened.count():
        # click() waits for the button: on a page instant navigation just
        # brought, run.js may not have put it there yet (it was looked for
        # once, and the test waited 30 s for an editor nobody opened).
        reveal(block.element_handle())
        block.get_by_role("button", name="Edit").click()
    opened.wait_for()
    # run.js puts a plain text area in the editor's place when
    # python/editor.mjs does not load.
    assert block.locator(".cm-content").count(), "the editor did not load"
    before = str(block.evaluate("(root) => root.runEditor.value()"))
    if code is not None:
        block.locator(".cm-content").fill(code)
        typed = block.evaluate("(root) => root.runEditor.value()")
        assert typed == code, f"the editor holds {typed!r}"
    return before


def wrong_type(route: Route) -> None:
    """Sends the WebAssembly module as a misconfigured server would."""
    route.fulfill(status=200, headers={"Content-Type": "application/octet-stream"})


@pytest.fixture(scope="module")
def reader(browser: Browser, server: SiteServer) -> Iterator[Reader]:
    """The reader's browser, on a copy of the site served elsewhere than the
    published address: its sitemap.xml names that address (the test server
    otherwise rewrites it), and instant navigation must still work."""
    with visit(browser, server, viewport=DESKTOP) as v:
        published = (server.site / "sitemap.xml").read_bytes()
        assert server.origin.encode() not in published
        v.page.context.route(
            "**/sitemap.xml",
            lambda route: route.fulfill(body=published, content_type="application/xml"),
        )
        reader = Reader(v)
        yield reader
        # The context outlives this module (visit() lends it again).
        v.page.context.remove_listener("request", reader.seen)
        assert not v.trouble_since(), f"while running examples: {v.trouble_since()}"


def test_each_chapter_page_runs_an_example_without_reloading_python(
    reader: Reader,
) -> None:
    """Run gives the page's output; Python loads once for all the pages,
    which the reader reaches by instant navigation although the sitemap
    names another address (each was a full page load, tried).

    First, served with the wrong type, the WebAssembly module would hang the
    loader: the button says why at once, and Run works once the server
    sends it right. A damaged copy of Python saved by an earlier visit
    is in the site's storage: Python starts from nothing without an error,
    and saves a good copy in its place.
    """
    page = reader.page
    reader.load(RUNNABLE[0])
    page.evaluate("window.sameDocument = true")
    damaged = snapshot_address(reader.visit.server)
    page.evaluate(DAMAGE_SNAPSHOT, [SNAPSHOTS, damaged])
    page.context.route(WASM_FILE, wrong_type)
    block = page.locator('[data-run="session"]').first
    status = reader.run(block)
    assert block.get_attribute("data-state") == "error", status
    assert "application/wasm" in status, status
    page.context.unroute(WASM_FILE, wrong_type)
    problems = []
    for number, name in enumerate(RUNNABLE):
        if number:
            reader.follow_nav_to(name)
        block = page.locator('[data-run="session"]').first
        status = reader.run(block)
        # The first Run says how long Python took to start, apart from the run.
        started = re.search(
            r"Python started in [\d.]+ s; the run took [\d.]+ s", status
        )
        assert bool(started) == (number == 0), f"{name}: {status}"
        state = block.get_attribute("data-state")
        shown = block.locator(".highlight code").inner_text().rstrip()
        output = block.locator(".chapter-run__output").inner_text().rstrip()
        if state != "done" or "the output is the page's" not in status:
            problems.append(f"{name}: {state}: {status}\n{output}")
        elif "Traceback" not in shown and output != shown:
            problems.append(f"{name}: the output\n{output}\nis not the page's\n{shown}")
        if number == 0:
            requests_at_start = len(reader.requests)
    assert not problems, "\n".join(problems)
    assert page.evaluate("window.sameDocument"), "a page was loaded in full"
    # GET: the worker asks for the headers alone first (HEAD), to check the type.
    loads = [
        url
        for method, url in reader.requests[requests_at_start:]
        if url.endswith(WASM) and method == "GET"
    ]
    assert not loads, f"Python's runtime was fetched {len(loads)} times more"
    [(address, size)] = saved_snapshots(page)
    assert address == damaged and size > 1_000_000, (address, size)


# How many examples a run of the block showed, and how many times its
# transcript was made anew: once for the first example and once at the end,
# however many there are (made anew after each, a session of 3,000 examples
# froze the page for 78 s, tried).
COUNT_TRANSCRIPTS = """(root) => {
  const output = root.querySelector(".chapter-run__output");
  root.transcriptsMade = [0, 0];
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) {
        if (node.nodeName === "PRE") root.transcriptsMade[1] += 1;
      }
    }
    root.transcriptsMade[0] = output.textContent.split(">>> ").length - 1;
  }).observe(output, { childList: true, subtree: true });
}"""


def cart_block(page: Page) -> Locator:
    """The example with Alice's and Bob's carts on one executor."""
    return page.locator('[data-run="session"]').filter(has_text="alice_socks_tx, 12")


def trace_block(page: Page) -> Locator:
    """The first cart_total trace, whose prices the reader can change."""
    return page.locator('[data-run="session"]').filter(has_text=TRACE_EXAMPLE)


# Where the differing output and the next example start, against the first
# prompt: a sign before the text (it had "≠ ") or an inline box (the next
# >>> line sat at its right edge) would move them.
DIFFERS_LAYOUT = """(root) => {
  const code = root.querySelector(".chapter-run__output code");
  const mark = code.querySelector("mark");
  const at = (node) => {
    const range = document.createRange();
    range.setStart(node, 0);
    range.setEnd(node, 1);
    return range.getBoundingClientRect();
  };
  const text = [...mark.childNodes].find((node) => node.nodeType === Node.TEXT_NODE);
  const next = mark.nextSibling;
  return {
    prompt: at(code.firstChild).left,
    differs: at(text).left,
    next: at(next).left,
    below: at(next).top >= mark.getBoundingClientRect().bottom - 1,
  };
}"""


def test_edit_a_price_and_run_again(reader: Reader) -> None:
    """Issue 12's reader: Run on the cart_total trace, the socks price
    changed from 12 to 20, Run again: a new trace, ending ``Ready(78)``,
    marked as differing without moving its columns (the layout failed at
    1280 px with the old inline box, tried); axe finds nothing in the block
    in either palette with the editor open."""
    page = reader.page
    reader.on("async-fn.md")
    block = trace_block(page)
    code = edit(block)
    assert '"socks": 12' in code, code
    edit(block, code.replace('"socks": 12', '"socks": 20') + ">>> 6 * 7\n42\n")
    block.evaluate(COUNT_TRANSCRIPTS)
    status = reader.run(block)
    output = block.locator(".chapter-run__output").inner_text()
    assert block.get_attribute("data-state") == "done", status
    examples, transcripts = block.evaluate("(root) => root.transcriptsMade")
    assert transcripts <= 2 < examples, (examples, transcripts)
    assert "awaiting shoes  Done            Ready(78)" in output, output
    assert "Ready(70)" not in output, output
    assert "1 output differs from the page's" in status, status
    assert block.locator("mark").count() == 1
    layout = block.evaluate(DIFFERS_LAYOUT)
    assert layout["differs"] == layout["prompt"] == layout["next"], layout
    assert layout["below"], layout
    findings = []
    # As test_palettes does: no fading colours, and no tooltip of the
    # palette toggle the pointer was left on (axe caught one mid-fade).
    page.add_style_tag(content=NO_TRANSITIONS)
    # The block, with its editor and output: test_palettes checks the rest.
    block.evaluate("(root) => root.setAttribute('data-axe-here', '')")
    for number, (palette, toggle) in enumerate(PALETTES):
        page.mouse.move(0, 0)
        found = accessibility_findings(
            page, colours_only=number > 0, within="[data-axe-here]"
        )
        findings += [f"{palette}: {finding}" for finding in found]
        palette_toggle(page, toggle).click()
    block.evaluate("(root) => root.removeAttribute('data-axe-here')")
    assert not findings, findings
    last = step_through_the_run(page, block)
    assert "poll returned Ready(78)" in last, last
    block.get_by_role("button", name="Reset").click()
    assert block.locator(".cm-editor").count() == 0
    assert block.locator(".highlight").is_visible()


def step_through_the_run(page: Page, block: Locator) -> str:
    """Issue 18's "Step your own run", in the same Python: "Step through
    this run" puts the reader's run in the cart-total stepper, after the
    page's runs, and shows it from its start; the last step's words."""
    stepper = page.locator('[data-stepper="cart-total"]')
    tracks = stepper.locator("select[data-stepper-track]")
    # The page's runs; a run of the reader's takes the place of an earlier one.
    runs = tracks.locator("option", has_not_text="your run").count()
    block.get_by_role("button", name="Step through this run").click()
    page.wait_for_function(
        FINISHED, arg=block.element_handle(), timeout=RUN_TIMEOUT, polling=POLLING
    )
    assert block.get_attribute("data-state") == "done", status(block)
    assert tracks.locator("option").count() == runs + 1
    assert tracks.input_value() == str(runs), tracks.input_value()
    assert tracks.locator("option").last.inner_text().startswith("your run")
    said = stepper.locator("[role=status]")
    assert said.inner_text().startswith("Before poll 1."), said.inner_text()
    page.keyboard.press("End")  # the focus is on the stepper's Next
    return said.inner_text()


def test_edit_a_listing_and_the_examples_run_with_it(reader: Reader) -> None:
    """The reader removes the line of ``Receiver.poll`` that keeps the waker
    and runs the listing with Ctrl+Enter (which only added a line to the
    code, tried): the cart_total trace now stalls, and says it runs
    with the edit, and so does its run in the stepper; Reset on the listing
    brings the page's output back, even to an example already waiting to
    run."""
    page = reader.page
    reader.on("async-fn.md")
    listing = page.locator('[data-run="listing"][data-sections="receiver"]')
    code = edit(listing)
    assert WAKER_LINE in code
    edit(listing, code.replace(WAKER_LINE, ""))
    # Run from the keyboard, as the hint under the editor says.
    listing.locator(".cm-content").press("Control+Enter")
    status = reader.run_finished(listing)
    assert listing.get_attribute("data-state") == "done", status
    assert "chapter2/oneshot.py now holds your edit" in status, status
    assert "chapter2.oneshot, chapter2.cart" in status, status
    # It says where to see the effect: a link to an example that uses it,
    # which scrolls there and keeps the edit (as a navigation, Material
    # fetched the page again, and the edit went with it, tried).
    link = listing.locator(".chapter-run__status a")
    target = str(link.get_attribute("href"))
    assert page.locator(f'[data-run="session"]{target}').count() == 1, target
    link.click()
    trace = trace_block(page)
    note = trace.locator(".chapter-run__edited")
    assert "your edit of chapter2/oneshot.py (receiver)" in note.text_content()
    # Its run, stepped: the page's first scenario, stalled by the edit.
    last = step_through_the_run(page, listing)
    assert last.startswith("Stalled."), last

    status = reader.run(trace)
    output = trace.locator(".chapter-run__output").inner_text()
    assert "chapter2.executor.Stalled" in output, output
    assert "outputs differ from the page's" in status, status

    listing.get_by_role("button", name="Reset").click()
    status = listing.locator(".chapter-run__status").inner_text()
    assert "Back to the package's own code" in status, status
    assert note.evaluate("(note) => note.hidden"), "the note stayed after Reset"
    # The stalled output stays, and says it was made with another package
    # (it still said the outputs differ, and nothing more, tried).
    stale = trace.locator(".chapter-run__status").inner_text()
    assert "made with other edits of the package" in stale, stale

    # The edit again; then Reset while the example waits its turn behind an
    # endless loop: it runs with the package's code (it ran with the edit
    # withdrawn, which the page no longer said, tried).
    edit(listing, code.replace(WAKER_LINE, ""))
    listing.locator(".cm-content").press("Control+Enter")
    assert "now holds your edit" in reader.run_finished(listing)
    loop = cart_block(page)
    edit(loop, ">>> while True:\n...     pass\n")
    loop.get_by_role("button", name="Run", exact=True).click()
    reader.wait_for(loop, "running")
    trace.get_by_role("button", name="Run", exact=True).click()
    reader.wait_for(trace, "waiting")
    listing.get_by_role("button", name="Reset").click()
    loop.get_by_role("button", name="Stop").click()
    status = reader.run_finished(trace)
    assert "the output is the page's" in status, status
    loop.get_by_role("button", name="Reset").click()


class Probe(http.server.BaseHTTPRequestHandler):
    """A second server on 127.0.0.1 that notes every request it gets."""

    seen: list[str]

    def do_GET(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: the test reports what it saw."""


@pytest.fixture
def probe_server() -> Iterator[tuple[str, list[str]]]:
    seen: list[str] = []
    handler = type("Handler", (Probe,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


# Plain Python (no >>>), as a reader may type it: every way out of the page
# the issue found, each against the second server, then a long print.
REQUESTS = """\
import js, pyodide.http
from pyodide.ffi import run_sync, to_js
tries = {
    "fetch": lambda: run_sync(js.fetch("http://HOST/fetch")),
    "open_url": lambda: pyodide.http.open_url("http://HOST/open_url"),
    "pyfetch": lambda: run_sync(pyodide.http.pyfetch("http://HOST/pyfetch")),
    "XMLHttpRequest": lambda: js.XMLHttpRequest.new().open("GET", "http://HOST/x"),
    "WebSocket": lambda: js.WebSocket.new("ws://HOST/socket"),
    "import": lambda: run_sync(js.eval("import('http://HOST/module.mjs')")),
    "eval": lambda: js.eval("1 + 1"),
}
# And what would outlive the visit: the saved Python in Cache Storage,
# reached through the getter on the global's prototype, or by a worker
# of the reader's own, which would have a Cache Storage of its own.
def reach_the_store():
    scope = js.WorkerGlobalScope.prototype
    get = js.Object.getOwnPropertyDescriptor(scope, "caches").get
    caches = js.Reflect.apply(get, None, to_js([]))
    cache = run_sync(caches.open("chapter2-run-snapshots"))
    for request in run_sync(cache.keys()):
        run_sync(cache.put(request, js.Response.new("tampered")))
tries["caches"] = reach_the_store
tries["Worker"] = lambda: js.Worker.new("data:text/javascript,")
# Standard input, read below sys.stdin: ended, without a console error.
import os
print("standard input gives", os.read(0, 1))
for name, attempt in tries.items():
    try:
        attempt()
        print(name, "tried")
    except Exception as error:
        print(name, "refused:", type(error).__name__)
print("\\n".join(f"line {n}" for n in range(3000)))
"""


def test_nothing_the_readers_code_does_leaves_the_site(
    reader: Reader, probe_server: tuple[str, list[str]]
) -> None:
    """The worker is bound by the page's policy (it starts from a blob: URL):
    fetch, open_url, pyfetch, XMLHttpRequest, a WebSocket and import() to a
    second local server reach nothing, and eval is refused (before, each of
    them reached the server, tried). Nor can it write the saved Python
    that later visits start from: Cache Storage and workers are out of its
    reach (a reader's code replaced the copy through the getter of
    ``caches``, which made every later visit's examples differ, tried).
    Plain Python runs as a script and shows
    what it printed (it ran nothing, tried); a long output scrolls in a box
    of its own (the page grew to 366,000 px, tried)."""
    host, seen = probe_server
    page = reader.page
    reader.on("async-fn.md")
    stored = reader.python_saved()
    # A request that got past the policy would reach the server, not the
    # routing that keeps every other test on the site.
    page.context.route(f"http://{host}/**", lambda route: route.continue_())
    block = cart_block(page)
    edit(block, REQUESTS.replace("HOST", host))
    status = reader.run(block)
    output = block.locator(".chapter-run__output").inner_text()
    assert block.get_attribute("data-state") == "done", status
    assert "eval refused: JsException" in output, output
    for way in ("caches", "Worker"):
        assert f"{way} refused" in output, output
    assert "standard input gives b''" in output, output
    assert saved_snapshots(page) == stored, "the reader's code changed the store"
    assert "line 2999" in output, output
    page.wait_for_timeout(500)  # a socket's or a fetch's late attempt
    assert not seen, f"the reader's code reached another server: {seen}"
    box = block.locator(".chapter-run__output code").evaluate(
        "(code) => [code.clientHeight, code.scrollHeight, innerHeight]"
    )
    assert box[0] < box[2] < box[1], f"the output is not a scrolling box: {box}"


# The reader's code answering the page in the worker's place: every later
# run gets a made-up answer that says the output is the page's.
FORGER = """\
import js
from pyodide.ffi import create_proxy

def answer(event, js=js):  # its own name for js: the run's globals go
    if event.data.type == "run":
        js.postMessage(js.JSON.parse(
            '{"type": "result", "id": %d, "records": [{"line": 0,'
            ' "source": "", "want": "", "got": "FORGED", "ok": true}]}'
            % event.data.id
        ))

js.addEventListener("message", create_proxy(answer))
print("listening")
"""


def test_the_pages_examples_run_where_the_readers_code_never_ran(
    reader: Reader,
) -> None:
    """After the reader's code ran, the page's own example runs in a new
    Python from the saved copy: code left behind (here, a listener that
    answers in the worker's place) cannot reach it (the forged answer was
    shown as the page's output, tried)."""
    page = reader.page
    reader.on("async-fn.md")
    reader.python_saved()  # the copy the page's example starts from
    block = cart_block(page)
    edit(block, FORGER)
    reader.run(block)
    listening = block.locator(".chapter-run__output").inner_text()
    assert listening.strip() == "listening", listening
    trace = trace_block(page)
    status = reader.run(trace)
    output = trace.locator(".chapter-run__output").inner_text()
    assert "FORGED" not in output, output
    assert "the output is the page's" in status, status
    assert SAVED_COPY in status, status
    block.get_by_role("button", name="Reset").click()


def test_python_ended_by_the_code_starts_afresh(reader: Reader) -> None:
    """Code that ends Python (os._exit) says so, and the next Run starts a
    new one by itself (every Run said "Could not run: PythonError" until a
    reload, tried); Stop while Python starts says so (it said "Python could
    not start: Stopped", tried)."""
    page = reader.page
    reader.on("async-fn.md")
    reader.python_saved()  # the first Run's, which the restarts use
    block = cart_block(page)
    edit(block, "import os\nos._exit(0)\n")
    status = reader.run(block)
    assert block.get_attribute("data-state") == "error", status
    assert "Python stopped during this run" in status, status
    assert "The next Run starts a fresh Python" in status, status
    other = trace_block(page)
    reveal(other.element_handle())
    # Python starts from the saved copy in a fraction of a second: the
    # runtime's requests wait here until Stop has been pressed.
    runtime = Held(page.context, WASM_FILE)
    other.get_by_role("button", name="Run", exact=True).click()
    reader.wait_for(other, "loading")
    other.get_by_role("button", name="Stop").click()
    assert "Stopped while Python was starting" in reader.wait_for(other, "idle")
    runtime.release(abort=True)
    status = reader.run(other)
    assert "the output is the page's" in status, status
    assert SAVED_COPY in status, status


def test_leaving_a_page_stops_its_run(reader: Reader) -> None:
    """A run still going when the reader follows a link is stopped, and so
    is an exercise's Check waiting behind it: the next page's Run does not
    wait behind a run no block on it can stop (it waited for good, behind
    an endless loop left on the page before, tried)."""
    page = reader.page
    reader.on("async-fn.md")
    block = cart_block(page)
    edit(block, "while True:\n    pass\n")
    block.get_by_role("button", name="Run", exact=True).click()
    reader.wait_for(block, "running")
    # And an exercise's Check queued behind it, which leaving stops too (it
    # stayed queued, then held the next page's Run for its 20 s, tried).
    exercise = page.locator('[data-exercise="fix-the-receiver"]')
    reach(page, exercise)
    exercise.locator("textarea").fill("while True:\n    pass\n")
    exercise.get_by_role("button", name="Check").click()
    # Queued: its files fetched, its run asked for (quiz.js also drops a
    # Check whose files arrive after the page has gone).
    page.wait_for_function(
        "(root) => root.querySelector('.chapter-exercise__verdict')"
        ".textContent.startsWith('Waiting for another run')",
        arg=exercise.element_handle(),
        polling=POLLING,
    )
    reader.follow_nav_to("python-async.md")
    first = page.locator('[data-run="session"]').first
    reveal(first.element_handle())
    first.get_by_role("button", name="Run", exact=True).click()
    page.wait_for_function(
        "(root) => root.dataset.state && root.dataset.state !== 'waiting'",
        arg=first.element_handle(),
        timeout=10_000,
        polling=POLLING,
    )
    status = reader.run_finished(first)
    assert "the output is the page's" in status, status


def test_prompts_python_cannot_read_are_named(reader: Reader) -> None:
    """A typo in the prompts (no space after >>>) says which line and why,
    and nothing runs (the status showed the runner's own traceback,
    tried). On the page the previous test left, in its Python."""
    page = reader.page
    reader.on("python-async.md")
    block = page.locator('[data-run="session"]').first
    edit(block, ">>> x = 1\n>>>print(x)\n")
    status = reader.run(block)
    output = block.locator(".chapter-run__output").inner_text()
    assert block.get_attribute("data-state") == "error", status
    assert "Nothing ran: the block's prompts need fixing" in status, status
    assert "line 2 needs a space after >>>: '>>>print(x)'" in output, output
    block.get_by_role("button", name="Reset").click()


# Every text the block's status line shows while it runs.
RECORD_STATUSES = """(root) => {
  const status = root.querySelector(".chapter-run__status");
  root.statusesSeen = [];
  new MutationObserver(() => root.statusesSeen.push(status.textContent)).observe(
    status, { childList: true, characterData: true, subtree: true },
  );
}"""


def test_a_script_that_exits_says_with_what_status(reader: Reader) -> None:
    """sys.exit() with a message ends plain Python as ``python FILE`` does:
    the message, no traceback, and the status line says how it ended (a
    SystemExit traceback, tried). A Run on a Python already started does
    not announce the download again (every Run said "Loading Python (about
    8 MB compressed, first time only)" for a moment, tried). Run from the
    keyboard keeps the focus. On the page and in the Python the previous
    test left."""
    reader.on("python-async.md")
    # Python's module already in the page, as after the tests before: this
    # Run starts Python, if at all, from the saved copy, with no download.
    reader.python_saved()
    block = reader.page.locator('[data-run="session"]').first
    edit(block, "print('before')\nimport sys\nsys.exit('no socks left')\n")
    block.evaluate(RECORD_STATUSES)
    # From the keyboard: the focus stays on the block's buttons (Run is
    # disabled while it runs, and the focus fell to the page, tried).
    run = block.get_by_role("button", name="Run", exact=True)
    run.focus()
    reader.page.keyboard.press("Enter")
    status = reader.run_finished(block)
    assert run.evaluate("(button) => button === document.activeElement")
    output = block.locator(".chapter-run__output").inner_text()
    assert output.strip() == "before\nno socks left", output
    assert "it exited with status 1." in status, status
    seen = block.evaluate("(root) => root.statusesSeen")
    assert not [text for text in seen if "first time only" in text], seen
    block.get_by_role("button", name="Reset").click()


def test_stop_cancels_a_queued_run_and_ends_an_endless_loop(reader: Reader) -> None:
    """Stop on a run that waits for another takes only it out of the queue
    (before, it said "Running…" and its Stop stopped both); Stop on an
    endless loop ends it. Back on the page of the examples it uses, by
    instant navigation, in the Python the tests above left running."""
    page = reader.page
    reader.on("async-fn.md")
    block = cart_block(page)
    edit(block, ">>> while True:\n...     pass\n")
    block.get_by_role("button", name="Run", exact=True).click()
    reader.wait_for(block, "running")
    queued = trace_block(page)
    reveal(queued.element_handle())
    queued.get_by_role("button", name="Run", exact=True).click()
    assert "Waiting for another run on the page" in reader.wait_for(queued, "waiting")
    queued.get_by_role("button", name="Stop").click()
    assert "Cancelled before it ran" in reader.wait_for(queued, "idle")
    assert block.get_attribute("data-state") == "running"
    block.get_by_role("button", name="Stop").click()
    assert "The next Run starts Python again" in reader.wait_for(block, "idle")
    # That next start is the one test_python_ended_by_the_code_starts_afresh
    # checks after its worker ended; the next test starts Python after a
    # full page load. Another start here would check nothing more.
    block.get_by_role("button", name="Reset").click()


# The snapshots in the site's Cache Storage: [address, bytes] of each.
# Bytes pyodide cannot restore, saved where the worker looks for its copy.
DAMAGE_SNAPSHOT = """async ([name, address]) => {
  const cache = await caches.open(name);
  await cache.put(address, new Response(new Uint8Array(4096).fill(7)));
}"""


# An example that needs WebAssembly stack switching (asyncio.run), which a
# snapshot made elsewhere than in the browser broke (tried, in Node).
ASYNCIO_EXAMPLE = """\
>>> import asyncio
>>> async def answer():
...     await asyncio.sleep(0)
...     return 42
>>> asyncio.run(answer())
42
"""


def test_a_full_page_load_starts_python_from_the_saved_copy(reader: Reader) -> None:
    """After a full page load, Python starts from the snapshot the first
    start saved (Python started from nothing on every page load, 2.6 s
    here, tried), and asyncio.run works in it. First, Stop pressed while
    the page's Python module still loads drops that Run (Stop did nothing
    then, and Python started and ran anyway, tried)."""
    page = reader.page
    reader.on("async-fn.md")
    reader.python_saved()  # the first Run's, saved once it had answered
    reader.load("python-async.md")
    block = page.locator('[data-run="session"]').first
    module = Held(page, "**/assets/run/python.mjs")
    reveal(block.element_handle())
    block.get_by_role("button", name="Run", exact=True).click()
    module.asked(page, "Run's python.mjs")
    block.get_by_role("button", name="Stop").click()
    asked = len(reader.requests)
    module.release()
    page.wait_for_function(
        IN_STATE, arg=[block.element_handle(), "idle"], polling=POLLING
    )
    stopped = status(block)
    assert "Stopped while Python was starting" in stopped, stopped
    page.wait_for_timeout(500)  # a run that went on would ask for its worker
    later = [url for _, url in reader.requests[asked:] if "run-worker" in url]
    assert not later, later
    edit(block, ASYNCIO_EXAMPLE)
    said = reader.run(block)
    assert block.get_attribute("data-state") == "done", said
    assert SAVED_COPY in said and "the output is the page's" in said, said


# The site's own buttons a finger must hit: Run, Edit (the others appear
# in the same bar) and the steppers'.
SMALL_BUTTONS = """() => [...document.querySelectorAll(
  ".chapter-run__bar button:not([hidden]), [data-stepper] button"
)].map((b) => [b.textContent.trim(), b.getBoundingClientRect()])
  .filter(([, box]) => box.width && (box.width < 44 || box.height < 44))
  .map(([name, box]) => `${name} ${Math.round(box.width)}x${Math.round(box.height)}`)
  .slice(0, 5)"""


def test_a_page_opened_from_a_file_says_run_needs_a_server(
    browser: Browser, built_site: BuildResult
) -> None:
    """file:// cannot load Python's module loader; the button says so. The
    steppers' scripts are classic scripts, which load there: they step. And
    a docstring's example on the API reference copies without prompts. At
    phone width every button is at least 44x44 CSS px (Run was 44x22,
    tried)."""
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        page.goto((built_site.site / "async-fn" / "index.html").as_uri())
        small = page.evaluate(SMALL_BUTTONS)
        assert not small, f"buttons under 44x44 CSS px at 375 px: {small}"
        stepper = page.locator('[data-stepper="cart-total"]')
        stepper.get_by_role("button", name="Next").click()
        assert stepper.get_attribute("data-step") == "1", "the stepper did not step"
        block = page.locator('[data-run="session"]').last
        block.get_by_role("button", name="Run", exact=True).click()
        status = block.locator(".chapter-run__status").inner_text()
        assert block.get_attribute("data-state") == "error", status
        assert "served over HTTP" in status, status
        page.goto((built_site.site / "reference" / "index.html").as_uri())
        copies = page.locator(".doc .highlight[data-copy]").count()
        assert copies, "doctest-copy.js marked no docstring example"
    finally:
        context.close()
