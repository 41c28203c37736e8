"""The harness itself (tests.support.browsing.visit): a request that leaves
the site is stopped and named, and a browser context that one test leaves
behind and the next is lent starts as a first visit does."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.support.browsing import SiteServer, visit

# A page of the site's address with nothing in it: the site's own pages
# would cost a second of the browser's time each, for nothing checked here.
PAGE = "empty-page-for-test-visits.html"

# What a visit can leave behind in its context, a timer that goes on
# storing included.
LEAVE_TRACES_JS = """async () => {
  localStorage.setItem("left", "behind");
  document.cookie = "left=behind; path=/";
  await (await caches.open("left")).put("left", new Response("behind"));
  await new Promise((opened) => { indexedDB.open("left", 1).onsuccess = opened; });
  setInterval(() => localStorage.setItem("late", "behind"), 1);
}"""
TRACES_JS = """async () => ({
  storage: Object.keys(localStorage).filter((key) => ["left", "late"].includes(key)),
  cookies: document.cookie,
  caches: await caches.keys(),
  databases: (await indexedDB.databases()).map((database) => database.name),
  clipboard: (await navigator.permissions.query({ name: "clipboard-read" })).state,
  dark: matchMedia("(prefers-color-scheme: dark)").matches,
  size: [innerWidth, innerHeight],
})"""
FIRST_VISIT = {
    "storage": [],
    "cookies": "",
    "caches": [],
    "databases": [],
    "clipboard": "prompt",
    "dark": False,
    "size": [1280, 720],
}


@pytest.fixture
def empty_page(server: SiteServer, tmp_path: Path) -> str:
    """PAGE, served: its address relative to the site's root."""
    empty = tmp_path / "empty.html"
    empty.write_text('<!doctype html><html lang="en"><title>Empty</title></html>')
    server.also_serve(PAGE, empty)
    return PAGE


def test_a_context_lent_again_starts_as_a_first_visit(
    browser: Browser, server: SiteServer, empty_page: str
) -> None:
    with visit(
        browser,
        server,
        viewport={"width": 500, "height": 600},
        color_scheme="dark",
        permissions=["clipboard-read"],
    ) as first:
        first.goto(empty_page)
        first.page.evaluate(LEAVE_TRACES_JS)
        first.page.wait_for_function("localStorage.getItem('late') !== null")
        context = first.page.context
        left = first.page.evaluate(TRACES_JS)
    assert left == {
        "storage": ["left", "late"],
        "cookies": "left=behind",
        "caches": ["left"],
        "databases": ["left"],
        "clipboard": "granted",
        "dark": True,
        "size": [500, 600],
    }, left
    with visit(browser, server) as second:
        assert second.page.context is context, "the context was not lent again"
        assert second.page.context.pages == [second.page]
        second.goto(empty_page)
        found = second.page.evaluate(TRACES_JS)
        assert not second.trouble_since(), second.trouble_since()
        # A visit that opens a second page: its context is not lent again.
        second.page.context.new_page()
    assert found == FIRST_VISIT, found
    with visit(browser, server) as third:
        assert third.page.context is not context, "a context with two pages was lent"


# Fetches each address; which of them answered.
FETCH_JS = """async (addresses) => {
  const answered = [];
  for (const address of addresses) {
    try {
      await fetch(address);
      answered.push(address);
    } catch {}
  }
  return answered;
}"""


def test_a_request_that_leaves_the_site_is_stopped_and_named(
    browser: Browser, server: SiteServer, empty_page: str
) -> None:
    """Another host, another port of this machine, and the server's port
    under another name are stopped and named; the server's own address is
    not. (From a page without the site's Content-Security-Policy, which
    would stop them first.)"""
    own = server.root + empty_page
    port = server.origin.rpartition(":")[2]
    elsewhere = [
        "http://elsewhere.example/x",
        "http://127.0.0.1:9/x",
        f"http://localhost:{port}/x",
    ]
    with visit(browser, server) as v:
        v.goto(empty_page)
        answered = v.page.evaluate(FETCH_JS, [own, *elsewhere])
        trouble = v.trouble_since()
    assert answered == [own], answered
    # Each also shows as a console error (ERR_BLOCKED_BY_CLIENT).
    assert [line for line in trouble if "outside the site" in line] == [
        f"tried to load from outside the site: {address}" for address in elsewhere
    ], trouble
