"""The Run button's costs: bytes before the first Run, first Run, later Runs.

Run it from the repository root, after ``make`` has installed everything::

    python benchmarks/run_in_page.py              # builds the site first
    python benchmarks/run_in_page.py --site site  # a site built already

It serves the built site on 127.0.0.1 (as the browser tests do), opens
"What async fn compiles into" in a fresh Chromium context and reports:

* what the page loads before any Run (all of it, and the runtime's share,
  which must be 0 bytes);
* the first Run: press to output, and the bytes of Python it fetched (as
  served here, and gzipped, about what GitHub Pages sends);
* a later Run of the same block, and the first Run on another page reached
  by Material's instant navigation (Python is not loaded again).

Numbers only: nothing here passes or fails on time. The goals in issue 12 are
at most 5 s for the first Run and 100 ms for a later one, on an idle 2-core
machine.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

# Runnable as a script from anywhere: make the repository importable.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from playwright.sync_api import Locator, Request, sync_playwright

from sitetools import runtime
from tests.support.browsing import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    SiteServer,
    page_url,
    site_prefix,
    visit,
)
from tests.support.sitebuild import ROOT, build

FIRST_PAGE = "async-fn.md"
OTHER_PAGE = "state-machines.md"
RUNTIME_PATH = "/assets/run/"
FINISHED = "(root) => ['done', 'error'].includes(root.dataset.state)"


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


def press_run(block: Locator) -> float:
    """Seconds from pressing Run to the block's finished output."""
    started = time.perf_counter()
    block.get_by_role("button", name="Run").click()
    block.page.wait_for_function(FINISHED, arg=block.element_handle(), timeout=180_000)
    seconds = time.perf_counter() - started
    state = block.get_attribute("data-state")
    status = block.locator(".chapter-run__status").inner_text()
    if state != "done":
        raise SystemExit(f"the Run ended {state}: {status}")
    return seconds


def measure(site: Path) -> dict[str, float]:
    numbers: dict[str, float] = {}
    with (
        SiteServer(site, site_prefix()) as server,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        with visit(browser, server) as reader:
            seen: list[Request] = []
            reader.page.context.on("requestfinished", lambda r: seen.append(r))
            reader.goto(page_url(FIRST_PAGE))
            reader.page.wait_for_load_state("networkidle")
            loaded = list(seen)
            runtime_before = [r for r in loaded if RUNTIME_PATH + "python" in r.url]
            numbers["page_bytes"], numbers["page_gzip"] = sizes(server, loaded)
            numbers["runtime_bytes_before_run"] = sizes(server, runtime_before)[0]

            block = reader.page.locator('[data-run="session"]:visible').last
            numbers["first_run_s"] = press_run(block)
            fetched = [r for r in seen[len(loaded) :] if RUNTIME_PATH in r.url]
            numbers["runtime_bytes"], numbers["runtime_gzip"] = sizes(server, fetched)
            numbers["later_run_s"] = press_run(block)

            link = server.root + page_url(OTHER_PAGE)
            reader.page.evaluate(
                "(href) => [...document.querySelectorAll('nav a')]"
                ".find((a) => a.href === href).click()",
                link,
            )
            reader.page.wait_for_function(
                "(href) => location.href === href"
                " && document.querySelector('[data-run-mounted]')",
                arg=link,
            )
            before = len(seen)
            numbers["other_page_run_s"] = press_run(
                reader.page.locator('[data-run="session"]:visible').last
            )
            again = [r for r in seen[before:] if RUNTIME_PATH + "python/" in r.url]
            numbers["runtime_bytes_after_navigation"] = sizes(server, again)[0]
            if reader.trouble_since():
                raise SystemExit(f"trouble in the browser: {reader.trouble_since()}")
        browser.close()
    return numbers


def report(numbers: dict[str, float]) -> None:
    kb = 1000
    print(f"{FIRST_PAGE}, first visit, before any Run:")
    print(
        f"  page loads       {numbers['page_bytes'] / kb:8.1f} KB"
        f"  ({numbers['page_gzip'] / kb:.1f} KB gzipped)"
    )
    print(f"  of it, Python    {numbers['runtime_bytes_before_run']:8.0f} bytes")
    print("first Run (starts Python in a Web Worker):")
    print(f"  press to output  {numbers['first_run_s']:8.2f} s   (goal: 5 s)")
    print(
        f"  Python fetched   {numbers['runtime_bytes'] / kb:8.1f} KB"
        f"  ({numbers['runtime_gzip'] / kb:.1f} KB gzipped)"
    )
    print("later Runs:")
    print(f"  same block       {numbers['later_run_s'] * 1000:8.0f} ms  (goal: 100 ms)")
    print(
        f"  {OTHER_PAGE:<16} {numbers['other_page_run_s'] * 1000:8.0f} ms"
        f"  (after instant navigation; Python fetched again:"
        f" {numbers['runtime_bytes_after_navigation']:.0f} bytes)"
    )


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--site", type=Path, help="a built site (default: build one)")
    args = parser.parse_args(argv)
    reason = runtime.missing_reason()
    if reason is not None:
        parser.error(reason)
    if not CHROMIUM.is_file():
        parser.error(f"{CHROMIUM} is missing: apt-get install -y chromium")
    if args.site is not None:
        if not (args.site / "assets" / "run" / "python").is_dir():
            parser.error(f"{args.site} is not a site built with the Run buttons")
        numbers = measure(args.site)
    else:
        with tempfile.TemporaryDirectory() as scratch:
            runtime.prepare()
            built = build(ROOT, Path(scratch) / "site")
            if built.returncode:
                raise SystemExit(f"the site did not build:\n{built.log}")
            numbers = measure(built.site)
    report(numbers)
    return numbers


if __name__ == "__main__":
    main()
