"""The site as readers see it, in a real browser with no network.

The built site is served on 127.0.0.1 (:mod:`tests.support.browsing`) and driven by
Playwright in Debian's build of Chromium's headless shell (or in Chromium, where
the shell is not installed). Each page is opened once, as on a first visit
(nothing cached, nothing stored), by the package fixture ``opened``; the tests
of every module in this package take turns on it, because pytest runs every
test of one page before opening the next. The last of them on each page checks
both palettes with axe-core (``test_palettes.py``), on the page as the others
left it. Under pytest-xdist all these tests run in one process
(``tests/conftest.py``). Every request that leaves the server is aborted and
fails the test that caused it; so does any console error.

Every test in this package is marked ``browser`` (``make quick`` leaves them
out) and skips with the reason when Chromium is missing. With
``--screenshots`` (``make screenshots``) the palette test also takes
screenshots of every page in both palettes, into ``.cache/screenshots/``; the
terminal summary says where, and lists each page's first-load weight.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.browser.pages import DESKTOP, Opened
from tests.support.browsing import (
    CHROMIUM,
    CHROMIUM_MISSING,
    SCREENSHOTS,
    TEST_CHROMIUM_FLAGS,
    SiteServer,
    Visit,
    page_url,
    site_prefix,
    visit,
)
from tests.support.report import note
from tests.support.sitebuild import BuildResult

HERE = Path(__file__).parent
# The test that runs axe on each page, after the others on that page.
LAST_TEST = "test_readable_and_accessible_in_both_palettes"


def pytest_itemcollected(item: pytest.Item) -> None:
    if HERE in item.path.parents:
        item.add_marker(pytest.mark.browser)
        item.add_marker(
            pytest.mark.skipif(not CHROMIUM.is_file(), reason=CHROMIUM_MISSING)
        )


def opened_page(item: pytest.Item) -> str | None:
    """The page whose ``opened`` fixture the test uses, if any."""
    callspec = getattr(item, "callspec", None)
    return callspec.params.get("opened") if callspec else None


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Each page's palette test goes right after the page's other tests.

    So axe checks the page as a reader's clicks left it, while it is still
    open. trylast: after pytest has grouped the tests by page.
    """
    last = [item for item in items if getattr(item, "originalname", None) == LAST_TEST]
    for test in last:
        items.remove(test)
        page = opened_page(test)
        after = max(
            (i for i, item in enumerate(items) if opened_page(item) == page),
            default=len(items) - 1,
        )
        items.insert(after + 1, test)


# --- fixtures ----------------------------------------------------------------
# Package scope: one server, browser and opened page shared by every module.
# Not session scope: Playwright's sync API keeps an asyncio loop marked as
# running on this thread while it is open, which would break any later test
# that calls asyncio.run().


@pytest.fixture(scope="package")
def server(built_site: BuildResult) -> Iterator[SiteServer]:
    with SiteServer(built_site.site, site_prefix()) as running:
        yield running


@pytest.fixture(scope="package")
def browser(request: pytest.FixtureRequest) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=TEST_CHROMIUM_FLAGS
        )
        note(request.config, "browser", f"{CHROMIUM}, version {launched.version}")
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def screenshots(request: pytest.FixtureRequest) -> Path | None:
    """Where screenshots go, with ``--screenshots`` (``make screenshots``).

    Off by default: full-page shots of every page in both palettes cost
    more than any check in the run, and only a reviewer needs them.
    """
    if not request.config.getoption("screenshots"):
        return None
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True)
    note(
        request.config,
        "screenshots",
        f"every page in both palettes, chapter pages also at 375 px: {SCREENSHOTS}",
    )
    return SCREENSHOTS


@pytest.fixture(scope="package")
def first_visits(browser: Browser, server: SiteServer) -> Iterator[Visit]:
    """The context in which ``opened`` opens every page, one after another.

    One context, not one per page: a new context starts a new renderer
    process, which cost more than a second per page. Each page still opens
    as on a first visit: the site's storage is cleared before it, and the
    routing turns the HTTP cache off. A context no other test has used, so
    that the first page shows whether the browser fetches the site's icon.
    """
    with visit(
        browser,
        server,
        viewport=DESKTOP,
        color_scheme="light",
        permissions=["clipboard-read", "clipboard-write"],
        new_context=True,
    ) as v:
        yield v


@pytest.fixture(scope="package")
def opened(
    request: pytest.FixtureRequest,
    first_visits: Visit,
) -> Iterator[Opened]:
    """The page named by the test's parameter, with everything it asked for.

    A browser that fetches the site's icon is waited for on the first page
    only (``test_loading`` counts the icon on every page).
    """
    name: str = request.param
    first_visits.forget_the_site()
    before, trouble = len(first_visits.finished), first_visits.checkpoint()
    first_visits.goto_everything(page_url(name))
    yield Opened(
        name,
        first_visits,
        first_visits.finished[before:],
        first_visits.trouble_since(trouble),
        first_visits.checkpoint(),
    )
    # A reader leaving the page: nothing a test left running goes on.
    first_visits.page.goto("about:blank")


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
