"""The Run button's costs: bytes before the first Run, first Run, later Runs.

Run it from the repository root, after ``make`` has installed everything::

    python benchmarks/run_in_page.py              # builds the site first
    python benchmarks/run_in_page.py --site site  # a site built already
    python benchmarks/run_in_page.py --rounds 5   # more rounds (default 3)

It serves the built site on 127.0.0.1 (as the browser tests do), opens
"What async fn compiles into" in fresh Chromium contexts (cold caches) and
reports:

* what the page loads before any Run (all of it, and the runtime's share,
  which must be 0 bytes);
* the first Run, press to output, side by side with pyodide's bare
  ``loadPyodide`` in a worker of the same page: from pyodide's files as
  pyodide ships them, and from the site's, whose standard library has
  bytecode added (sitetools/precompile.mjs). All timed by the page's own
  clock, each round in a new context, in turns. Then the ratio of the first
  Run's median to pyodide's own start (issue 19's goal: at most 1.1, and at
  most 3 s on an idle 2-core machine), and to the site's bare start;
* the bytes of Python the first Run fetched (as served here, and gzipped,
  about what GitHub Pages sends);
* a later Run of the same block; the first Run on another page reached by
  instant navigation (Python is not loaded again); and on a page reached by
  a full page load, with the runtime in the browser's cache and the first
  Run's snapshot of Python in the site's Cache Storage (goal: 1 s).

Numbers only: nothing here passes or fails on time.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Runnable as a script from anywhere: make the repository importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Browser, Locator, Page, Request, sync_playwright

from sitetools import runtime
from tests.support.browsing import (
    CHROMIUM_FLAGS,
    READER_CHROMIUM,
    SiteServer,
    page_url,
    saved_snapshots,
    site_prefix,
    visit,
)
from tests.support.sitebuild import ROOT, build

FIRST_PAGE = "async-fn.md"
OTHER_PAGE = "state-machines.md"
RUNTIME_PATH = "/assets/run/"
# pyodide's own start, nothing else: its loader in a module worker (from a
# blob: URL, as the Run button's), given the site's folder and a standard
# library (the site's, or pyodide's as shipped); milliseconds from creating
# the worker to loadPyodide's answer.
BARE_START = """([folder, stdlib]) => new Promise((resolve, reject) => {
  const code = `import { loadPyodide } from ${JSON.stringify(folder + "pyodide.mjs")};
loadPyodide({ indexURL: ${JSON.stringify(folder)},
  lockFileURL: ${JSON.stringify(folder + "pyodide-lock.json")},
  stdLibURL: ${JSON.stringify(stdlib)},
  packageBaseUrl: ${JSON.stringify(folder)} })
  .then(() => postMessage("ready"), (error) => postMessage(String(error)));`;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  const began = performance.now();
  const worker = new Worker(url, { type: "module" });
  worker.onmessage = ({ data }) => {
    worker.terminate();
    data === "ready" ? resolve(performance.now() - began) : reject(new Error(data));
  };
})"""


def sizes(server: SiteServer, requests: list[Request]) -> tuple[int, int]:
    """Bytes of the files these requests fetched: as served, and gzipped."""
    raw = packed = 0
    for request in requests:
        path = server.file_for(request.url)
        if request.method == "GET" and path.is_file():
            data = path.read_bytes()
            raw += len(data)
            packed += len(gzip.compress(data, 6))
    return raw, packed


# Presses a block's Run button and answers when the block has finished:
# [milliseconds from the press to the output, what the block then says].
# Timed in the page, as BARE_START is: a wait from here (Playwright's
# checks before a click, its polling on every animation frame, which
# keeps the browser drawing 60 frames a second) added about 0.5 s to a
# first Run on this 2-core machine, and nothing to the bare start.
PRESS_RUN = """(root) => new Promise((resolve) => {
  const button = [...root.querySelectorAll("button")]
    .find((candidate) => candidate.textContent.trim() === "Run");
  const finished = () => ["done", "error"].includes(root.dataset.state);
  const began = performance.now();
  const watch = new MutationObserver(() => {
    if (!finished()) return;
    watch.disconnect();
    const said = root.querySelector(".chapter-run__status").innerText;
    resolve([performance.now() - began, root.dataset.state, said]);
  });
  watch.observe(root, { attributes: true, attributeFilter: ["data-state"] });
  button.click();
})"""


def press_run(block: Locator, *, status: list[str] | None = None) -> float:
    """Seconds from pressing Run to the block's finished output."""
    block.scroll_into_view_if_needed()
    milliseconds, state, said = block.evaluate(PRESS_RUN)
    if state != "done":
        raise SystemExit(f"the Run ended {state}: {said}")
    if status is not None:
        status.append(said)
    return float(milliseconds) / 1000


def first_run(browser: Browser, server: SiteServer) -> tuple[float, Page]:
    """A first Run in a new context: seconds, and the page (for more)."""
    page = browser.new_context().new_page()
    page.goto(server.root + page_url(FIRST_PAGE))
    return press_run(page.locator('[data-run="session"]:visible').last), page


# Where the benchmark's server also serves pyodide's library as shipped.
SHIPPED_STDLIB = "assets/run/as-shipped/" + runtime.STDLIB


def bare_start(browser: Browser, server: SiteServer, *, shipped: bool) -> float:
    """pyodide's bare start from the site's files, in a new context; with
    ``shipped``, with pyodide's standard library as pyodide ships it."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(server.root + page_url(FIRST_PAGE))
    folder = server.root + "assets/run/python/"
    stdlib = server.root + SHIPPED_STDLIB if shipped else folder + runtime.STDLIB
    seconds = float(page.evaluate(BARE_START, [folder, stdlib])) / 1000
    context.close()
    return seconds


@dataclass(frozen=True)
class Numbers:
    """What :func:`measure` measured: bytes, and seconds by the page's clock."""

    page_bytes: int  # the first page, first visit, before any Run
    page_gzip: int
    runtime_bytes_before_run: int  # of those, Python's (must be 0)
    runtime_bytes: int  # what the first Run fetched
    runtime_gzip: int
    later_run_s: float  # the same block again
    other_page_run_s: float  # after instant navigation
    runtime_bytes_after_navigation: int  # Python fetched again (must be 0)
    cached_full_load_run_s: float  # after a full page load, runtime cached
    cached_full_load_status: str  # what that Run said
    first_runs: tuple[float, ...]  # cold, each in a new context
    bare_shipped_starts: tuple[float, ...]  # loadPyodide, pyodide's library
    bare_site_starts: tuple[float, ...]  # loadPyodide, the site's library

    @property
    def first_run_s(self) -> float:
        return statistics.median(self.first_runs)

    @property
    def bare_shipped_s(self) -> float:
        return statistics.median(self.bare_shipped_starts)

    @property
    def bare_site_s(self) -> float:
        return statistics.median(self.bare_site_starts)

    @property
    def ratio_shipped(self) -> float:
        return self.first_run_s / self.bare_shipped_s

    @property
    def ratio_site(self) -> float:
        return self.first_run_s / self.bare_site_s


def measure(site: Path, rounds: int = 3) -> Numbers:
    with (
        SiteServer(site, site_prefix()) as server,
        sync_playwright() as playwright,
    ):
        server.also_serve(SHIPPED_STDLIB, runtime.PYODIDE / runtime.STDLIB)
        browser = playwright.chromium.launch(
            executable_path=str(READER_CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        with visit(browser, server) as reader:
            seen: list[Request] = []
            reader.page.context.on("requestfinished", lambda r: seen.append(r))
            reader.goto(page_url(FIRST_PAGE))
            reader.page.wait_for_load_state("networkidle")
            loaded = list(seen)
            runtime_before = [r for r in loaded if RUNTIME_PATH + "python" in r.url]
            page_bytes, page_gzip = sizes(server, loaded)
            runtime_bytes_before_run = sizes(server, runtime_before)[0]

            block = reader.page.locator('[data-run="session"]:visible').last
            press_run(block)
            fetched = [r for r in seen[len(loaded) :] if RUNTIME_PATH in r.url]
            runtime_bytes, runtime_gzip = sizes(server, fetched)
            later_run_s = press_run(block)

            link = server.root + page_url(OTHER_PAGE)
            # Instant navigation swaps the article: wait for the new one's
            # blocks, not the old ones still in place for a moment.
            article = reader.page.locator("article").element_handle()
            reader.page.evaluate(
                "(href) => [...document.querySelectorAll('nav a')]"
                ".find((a) => a.href === href).click()",
                link,
            )
            reader.page.wait_for_function(
                "([href, old]) => location.href === href && !old.isConnected"
                " && document.querySelector('[data-run-mounted]')",
                arg=[link, article],
            )
            before = len(seen)
            other_page_run_s = press_run(
                reader.page.locator('[data-run="session"]:visible').last
            )
            again = [r for r in seen[before:] if RUNTIME_PATH + "python/" in r.url]
            runtime_bytes_after_navigation = sizes(server, again)[0]
            if reader.trouble_since():
                raise SystemExit(f"trouble in the browser: {reader.trouble_since()}")

        # Cold caches each round (a new context); the order turns each round.
        firsts: list[float] = []
        bares: dict[str, list[float]] = {"shipped": [], "site": []}
        # Measured in the first round (main() asks for at least one).
        cached_full_load_run_s, cached_full_load_status = 0.0, ""
        order = ["run", "shipped", "site"]
        for number in range(rounds):
            for which in order[number % 3 :] + order[: number % 3]:
                if which != "run":
                    bares[which].append(
                        bare_start(browser, server, shipped=which == "shipped")
                    )
                else:
                    seconds, page = first_run(browser, server)
                    firsts.append(seconds)
                    if number == 0:
                        # A full page load, the runtime now in the HTTP cache
                        # (these contexts route nothing, so it caches) and
                        # the first Run's snapshot in the site's Cache Storage.
                        saved_snapshots(page)
                        page.goto(server.root + page_url(OTHER_PAGE))
                        said: list[str] = []
                        cached_full_load_run_s = press_run(
                            page.locator('[data-run="session"]:visible').last,
                            status=said,
                        )
                        cached_full_load_status = said[0]
                    page.context.close()
        browser.close()
    return Numbers(
        page_bytes=page_bytes,
        page_gzip=page_gzip,
        runtime_bytes_before_run=runtime_bytes_before_run,
        runtime_bytes=runtime_bytes,
        runtime_gzip=runtime_gzip,
        later_run_s=later_run_s,
        other_page_run_s=other_page_run_s,
        runtime_bytes_after_navigation=runtime_bytes_after_navigation,
        cached_full_load_run_s=cached_full_load_run_s,
        cached_full_load_status=cached_full_load_status,
        first_runs=tuple(firsts),
        bare_shipped_starts=tuple(bares["shipped"]),
        bare_site_starts=tuple(bares["site"]),
    )


def report(numbers: Numbers) -> None:
    kb = 1000
    print(f"{FIRST_PAGE}, first visit, before any Run:")
    print(
        f"  page loads       {numbers.page_bytes / kb:8.1f} KB"
        f"  ({numbers.page_gzip / kb:.1f} KB gzipped)"
    )
    print(f"  of it, Python    {numbers.runtime_bytes_before_run:8.0f} bytes")
    rounds = len(numbers.first_runs)
    each = ", ".join(f"{s:.2f}" for s in numbers.first_runs)
    shipped = ", ".join(f"{s:.2f}" for s in numbers.bare_shipped_starts)
    site = ", ".join(f"{s:.2f}" for s in numbers.bare_site_starts)
    print(f"first Run (starts Python in a Web Worker), median of {rounds}, cold:")
    print(f"  press to output  {numbers.first_run_s:8.2f} s   ({each}; goal: 3 s)")
    print("  bare loadPyodide")
    print(f"    as shipped     {numbers.bare_shipped_s:8.2f} s   ({shipped})")
    print(f"    site's files   {numbers.bare_site_s:8.2f} s   ({site})")
    print(
        f"  ratio            {numbers.ratio_shipped:8.2f}     (to pyodide as"
        " shipped; goal: at most 1.10)"
    )
    print(
        f"                   {numbers.ratio_site:8.2f}     (to the site's files,"
        " whose library has bytecode)"
    )
    print(
        f"  Python fetched   {numbers.runtime_bytes / kb:8.1f} KB"
        f"  ({numbers.runtime_gzip / kb:.1f} KB gzipped)"
    )
    print("later Runs:")
    print(f"  same block       {numbers.later_run_s * 1000:8.0f} ms  (goal: 100 ms)")
    print(
        f"  {OTHER_PAGE:<16} {numbers.other_page_run_s * 1000:8.0f} ms"
        f"  (after instant navigation; Python fetched again:"
        f" {numbers.runtime_bytes_after_navigation:.0f} bytes)"
    )
    print(
        f"  {OTHER_PAGE:<16} {numbers.cached_full_load_run_s * 1000:8.0f} ms"
        "  (after a full page load, the runtime cached; goal: 1 s)"
    )
    print(f"    it said: {numbers.cached_full_load_status}")


def main(argv: list[str] | None = None) -> Numbers:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    parser.add_argument("--rounds", type=int, default=3, help="cold first Runs")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    reason = runtime.missing_reason()
    if reason is not None:
        parser.error(reason)
    if not READER_CHROMIUM.is_file():
        parser.error(f"{READER_CHROMIUM} is missing: apt-get install -y chromium")
    if args.site is not None:
        if not (args.site / "assets" / "run" / "python").is_dir():
            parser.error(f"{args.site} is not a site built with the Run buttons")
        numbers = measure(args.site, args.rounds)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            runtime.prepare()
            built = build(ROOT, Path(scratch) / "site")
            if built.returncode:
                raise SystemExit(f"the site did not build:\n{built.log}")
            numbers = measure(built.site, args.rounds)
    report(numbers)
    return numbers


if __name__ == "__main__":
    main()
