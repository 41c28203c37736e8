"""Fixtures shared by the test modules."""

from __future__ import annotations

import gc
import os
import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import settings

from sitetools import runtime
from tests.browser.pages import ALL_PAGES
from tests.support import durations
from tests.support.buildcache import Product, locked, project_fingerprint
from tests.support.pyodide_check import PyodideCheck
from tests.support.report import merge, note, taken, write_summary
from tests.support.sitebuild import (
    BUILD_INPUTS,
    BUILD_RECIPE,
    ZENSICAL_MISSING,
    BuildResult,
    make_mkdocs_site,
    make_zensical_site,
    zensical_installed,
)


def _site_key(builder: str) -> Callable[[], str]:
    def key() -> str:
        with locked("runtime"):
            runtime.prepare()  # the Run buttons' files, as make does before a build
        return project_fingerprint((*BUILD_INPUTS, BUILD_RECIPE), builder)

    return key


# The site as each builder builds it, made once per change of what it is built
# from (tests.support.buildcache) and shared by every test process.
SITES = {
    "built_site": Product("mkdocs-site", _site_key("mkdocs"), make_mkdocs_site),
    "zensical_site": Product(
        "zensical-site", _site_key("zensical"), make_zensical_site
    ),
}


def _site(fixture: str) -> BuildResult:
    data, folder = SITES[fixture].get()
    return BuildResult(int(data["returncode"]), str(data["log"]), folder / "site")


@pytest.fixture(scope="session")
def built_site() -> BuildResult:
    """The site as ``mkdocs build --strict`` builds it."""
    result = _site("built_site")
    assert result.returncode == 0, result.log
    return result


@pytest.fixture(scope="session")
def zensical_site() -> BuildResult:
    """The same site, built by Zensical, Material's successor."""
    if not zensical_installed():
        pytest.skip(ZENSICAL_MISSING)
    result = _site("zensical_site")
    assert result.returncode == 0, result.log
    return result


PYODIDE_FIXTURE = "pyodide_check"
_pyodide: list[PyodideCheck] = []


@pytest.fixture(scope="session")
def pyodide_check() -> PyodideCheck:
    """Every ``>>>`` block run in pyodide under Node
    (:mod:`tests.support.pyodide_check`)."""
    if not _pyodide:
        _pyodide.append(PyodideCheck())
    if _pyodide[0].reason is not None:
        pytest.skip(_pyodide[0].reason)
    return _pyodide[0]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start making, in the background, the slow products a selected test needs.

    Under xdist every process collects every test, and the first to take a
    product's lock makes it (tests.support.buildcache); the others find it made.
    """
    needed = set()
    for item in session.items:
        needed.update(getattr(item, "fixturenames", ()))
    if PYODIDE_FIXTURE in needed:
        _pyodide.append(PyodideCheck())
        _pyodide[0].start()
    for fixture, product in SITES.items():
        if fixture in needed and (fixture != "zensical_site" or zensical_installed()):
            product.start()
    # What collection made (modules, tests, parsed pages) lives to the end:
    # the garbage collector need not walk it again on each collection. The
    # Run button's runner collects after every block it runs, and in this
    # process a full collection took 44 ms (test_codeblocks: 65 of them).
    gc.collect()  # no garbage of collection's frozen with it
    gc.freeze()


@pytest.fixture(autouse=True)
def keep_the_model_imported() -> Iterator[None]:
    """Put back the ``chapter2`` modules a test made Python import afresh.

    The Run button's runner (run under CPython by some tests) drops them
    from ``sys.modules`` so that each run imports the package anew. The rest
    of the test process must go on with the classes it imported, or an
    ``except SomeError`` there would no longer catch the new SomeError.
    """
    before = {n: m for n, m in sys.modules.items() if n.partition(".")[0] == "chapter2"}
    yield
    for name in [n for n in sys.modules if n.partition(".")[0] == "chapter2"]:
        if sys.modules[name] is not before.get(name):
            del sys.modules[name]
    sys.modules.update(before)


# Property tests must never fail on a slow machine for being slow, and in CI
# they run derandomized so that a red build can be reproduced exactly.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


# pytest-xdist runs the tests in several processes (make test: one per core),
# handing out whole groups of tests. Tests that share state run in one group:
# every browser test on an opened page, in the order pytest grouped them by
# page; every other test with the rest of its file, so a page's examples keep
# their order and namespace. The browser's groups go first (in_the_browser),
# and of each part the groups that took longest last time go first
# (tests.support.durations), so no long one is left for the end.
#
# xdist's own way, --dist loadgroup with xdist_group marks, does not work
# here: pytest-xdist 3.8.0 tags a marked test by assigning item._nodeid
# (xdist/remote.py), but pytest 9 reads a test's id from Node._id, so the
# tag never reaches the scheduler and a group's tests are spread one by one
# (tried: six tests marked with one group ran on both workers; upstream,
# pytest-dev/pytest-xdist#1386, open). Even fixed, loadgroup spreads
# unmarked tests one by one, so every test would need a mark naming its
# file. Until a release fixes the tags, the
# scheduler below groups by test id through LoadScopeScheduling's
# _split_scope, the one method LoadGroupScheduling itself overrides.
BROWSER_PAGES = "browser-pages"


def xdist_group(nodeid: str) -> str:
    """The group of the test ``nodeid``."""
    path, _, rest = nodeid.partition("::")
    param = rest.partition("[")[2].removesuffix("]")
    if path.startswith("tests/browser/") and any(
        param == page or param.startswith(page + "-") for page in ALL_PAGES
    ):
        return BROWSER_PAGES
    return path


def in_the_browser(group: str) -> bool:
    """Whether a group's tests are the browser's (tests/browser/).

    Those go before all others: the browser, its server and the opened
    pages are fixtures of that package, so a process that left it for
    other tests and came back started them all again (three times a run,
    about 2 CPU-s each).
    """
    return group == BROWSER_PAGES or group.startswith("tests/browser/")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    from xdist.scheduler import LoadScopeScheduling

    class ByGroup(LoadScopeScheduling):
        ordered = False

        def _split_scope(self, nodeid: str) -> str:
            return xdist_group(nodeid)

        def _assign_work_unit(self, node: Any) -> None:
            # The first time work is handed out, every group is queued.
            if not self.ordered:
                self.ordered = True
                queue = self.workqueue
                order = durations.longest_first(
                    ((group, len(queue[group])) for group in queue),
                    before=in_the_browser,
                )
                self.workqueue = OrderedDict((group, queue[group]) for group in order)
            super()._assign_work_unit(node)

    return ByGroup(config, log)


def pytest_configure(config: pytest.Config) -> None:
    if not hasattr(config, "workerinput"):
        clock = durations.GroupClock(config, xdist_group)
        config.pluginmanager.register(clock, "chapter2-group-clock")


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In an xdist worker: hand the notes taken here to the main process."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["notes"] = taken(session.config)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: object, error: object) -> None:
    """In the main process: gather the notes of a worker that has finished."""
    notes = getattr(node, "workeroutput", {}).get("notes", {})
    merge(node.config, notes)  # type: ignore[attr-defined]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        action="store_true",
        help="browser tests save screenshots of every page in both palettes"
        " (and chapter pages at 375 px) to .cache/screenshots/",
    )


# What make test may take, warm, on a 2-core machine: 90 s at most, 60 s the aim.
BUDGET = 90
started = time.monotonic()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the tests measured, how long the run took, and where
    screenshots went."""
    if not hasattr(terminalreporter.config, "workerinput"):
        note(
            terminalreporter.config,
            "time taken by the tests (make test adds its set-up and lint)",
            f"{time.monotonic() - started:.1f} s; make test has {BUDGET} s"
            " (aim: 60 s) on a 2-core machine",
        )
    write_summary(terminalreporter)
