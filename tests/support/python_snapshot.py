"""The Run button's saved Python, for tests that need Python but not its start.

A first Run starts Python from nothing (about 3 CPU-s here) and saves a
memory snapshot of the ready interpreter in the site's Cache Storage, under
an address named by the files that shaped it (:func:`snapshot_address`, as
``docs/assets/run/run-worker.mjs`` names it); later starts restore it in
about 0.6 s. test_run checks that start from nothing. A test that only
needs Python to answer (the quiz's exercise) can instead find a snapshot
saved, as a returning reader's browser would: :func:`seed` puts one there.

The snapshot is a stored product (:mod:`tests.support.buildcache`), made
once per change of those files and of the browser: by a first Run in a
context of its own, its bytes read out of Cache Storage.
"""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

from playwright.sync_api import Browser

from tests.support.browsing import (
    FINISHED,
    SNAPSHOTS,
    SiteServer,
    Visit,
    page_url,
    saved_snapshots,
    visit,
)
from tests.support.buildcache import Product

RUNNER_MODULES = ("runner.py", "listings.py", "replay.py")
# A page with quick examples, and where on the site the seed is served from.
FIRST_RUN_PAGE = "async-fn.md"
SEED_PATH = "assets/run/python/seed-snapshot"

# The one snapshot saved, as base64 (a string is what evaluate() returns).
_READ_OUT = """async (name) => {
  const cache = await caches.open(name);
  const [request] = await cache.keys();
  const bytes = new Uint8Array(await (await cache.match(request)).arrayBuffer());
  const parts = [];
  for (let i = 0; i < bytes.length; i += 0x8000) {
    parts.push(String.fromCharCode(...bytes.subarray(i, i + 0x8000)));
  }
  return btoa(parts.join(""));
}"""
# Puts the bytes at `from` into the site's Cache Storage at `address`.
_PUT = """async ([from, name, address]) => {
  const response = await fetch(from);
  if (!response.ok) throw new Error(`${from}: HTTP ${response.status}`);
  await (await caches.open(name)).put(address, response);
}"""


def snapshot_digest(server: SiteServer) -> str:
    """The digest that names the snapshot: of the files that make the ready
    interpreter, as run-worker.mjs's keyOf digests them."""
    run = server.site / "assets" / "run"
    names = ("python/pyodide-lock.json", "run-core.mjs", *RUNNER_MODULES)
    # As fetch() reads them: bytes decoded, line ends as they are.
    texts = [(run / name).read_bytes().decode() for name in names]
    # JSON.stringify's text for a list of strings.
    as_json = json.dumps(texts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(as_json.encode()).hexdigest()


def snapshot_address(server: SiteServer) -> str:
    """Where the worker keeps its snapshot on this server."""
    return f"{server.root}assets/run/python/snapshot-{snapshot_digest(server)}"


def _made_by_a_first_run(browser: Browser, server: SiteServer) -> bytes:
    with visit(browser, server) as reader:
        reader.goto(page_url(FIRST_RUN_PAGE))
        block = reader.page.locator('[data-run="session"]:visible').first
        block.get_by_role("button", name="Run", exact=True).click()
        reader.page.wait_for_function(
            FINISHED, arg=block.element_handle(), timeout=180_000, polling=100
        )
        saved_snapshots(reader.page, timeout=60)
        encoded: str = reader.page.evaluate(_READ_OUT, SNAPSHOTS)
        assert not reader.trouble_since(), reader.trouble_since()
    return base64.b64decode(encoded)


def seed(reader: Visit, browser: Browser) -> None:
    """Saves a snapshot of Python in ``reader``'s Cache Storage, where the
    next start of Python in its page finds it."""
    server = reader.server

    def make(folder: Path) -> dict[str, int]:
        data = _made_by_a_first_run(browser, server)
        (folder / "snapshot").write_bytes(data)
        return {"bytes": len(data)}

    key = hashlib.sha256(
        f"{snapshot_digest(server)} {browser.version}".encode()
    ).hexdigest()[:24]
    _, folder = Product("python-snapshot", lambda: key, make).get()
    server.also_serve(SEED_PATH, folder / "snapshot")
    reader.page.evaluate(
        _PUT, [server.root + SEED_PATH, SNAPSHOTS, snapshot_address(server)]
    )
