"""The harness itself: a browser context that one test leaves behind and the
next is lent (tests.support.browsing.visit) starts as a first visit does."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser

from tests.support.browsing import SiteServer, visit

# A page of the site's address with nothing in it: the site's own pages
# would cost a second of the browser's time each, for nothing checked here.
PAGE = "empty-page-for-test-visits.html"

# What a visit can leave behind in its context.
LEAVE_TRACES_JS = """async () => {
  localStorage.setItem("left", "behind");
  document.cookie = "left=behind; path=/";
  await (await caches.open("left")).put("left", new Response("behind"));
  indexedDB.open("left", 1);
}"""
TRACES_JS = """async () => ({
  storage: Object.keys(localStorage).filter((key) => key === "left"),
  cookies: document.cookie,
  caches: await caches.keys(),
  databases: (await indexedDB.databases()).map((database) => database.name),
  clipboard: (await navigator.permissions.query({ name: "clipboard-read" })).state,
  dark: matchMedia("(prefers-color-scheme: dark)").matches,
  size: [innerWidth, innerHeight],
})"""


def test_a_context_lent_again_starts_as_a_first_visit(
    browser: Browser, server: SiteServer, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.html"
    empty.write_text('<!doctype html><html lang="en"><title>Empty</title></html>')
    server.also_serve(PAGE, empty)
    with visit(
        browser,
        server,
        viewport={"width": 500, "height": 600},
        color_scheme="dark",
        permissions=["clipboard-read"],
    ) as first:
        first.goto(PAGE)
        first.page.evaluate(LEAVE_TRACES_JS)
        context = first.page.context
        left = first.page.evaluate(TRACES_JS)
    assert left["storage"] and left["caches"] and left["dark"], left
    assert left["clipboard"] == "granted", left
    with visit(browser, server) as second:
        assert second.page.context is context, "the context was not lent again"
        assert second.page.context.pages == [second.page]
        second.goto(PAGE)
        found = second.page.evaluate(TRACES_JS)
        assert not second.trouble_since(), second.trouble_since()
    assert found == {
        "storage": [],
        "cookies": "",
        "caches": [],
        "databases": [],
        "clipboard": "prompt",
        "dark": False,
        "size": [1280, 720],
    }, found
