"""Serve the built site on 127.0.0.1 and open its pages in Debian's Chromium.

The site is served under the path of ``site_url`` (``/chapter2/``), as GitHub
Pages serves it, by a thread-based ``http.server`` on a free port. Pages open
in browser contexts whose requests pass through :class:`Visit`: a request for
anything other than this server is aborted and recorded, so a test can fail
on it and name it. Console errors and uncaught exceptions are recorded the
same way.
"""

from __future__ import annotations

import http.server
import io
import os
import re
import socket
import threading
import time
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Literal
from urllib.parse import unquote, urljoin, urlsplit

from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    Route,
)
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.support.sitebuild import ROOT, config

# The browser a reader has: Debian's Chromium (the benchmarks measure it).
# CHROMIUM names another build (e.g. Chrome on GitHub), for both.
READER_CHROMIUM = Path(os.environ.get("CHROMIUM") or "/usr/bin/chromium")
# The browser the tests drive: Debian's build of Chromium's headless shell,
# the same engine (Blink, V8) from the same source and version, without the
# desktop browser's own layer; Playwright drives the same shell when it runs
# Chromium headless with its own browsers. A page costs a third less CPU in it
# than in the full browser's headless mode, which saves 20-25 of the browser
# tests' 125 CPU-s. Without it the tests drive READER_CHROMIUM.
HEADLESS_SHELL = Path("/usr/lib/chromium/chromium-headless-shell")
CHROMIUM = (
    READER_CHROMIUM
    if os.environ.get("CHROMIUM") or not HEADLESS_SHELL.is_file()
    else HEADLESS_SHELL
)
CHROMIUM_MISSING = (
    f"Debian's chromium is not installed ({CHROMIUM} is missing): `apt-get"
    " install -y chromium chromium-headless-shell` (.ci/run does this)"
)


def lan_address() -> str | None:
    """This machine's address on its network (IPv4), or None if it has none.

    A page served there is not a secure context, as on a reader's phone
    opening a laptop's ``make serve``: the browser then withholds
    crypto.subtle and Cache Storage. Connecting a UDP socket only picks the
    route; it sends nothing.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("198.51.100.1", 9))  # TEST-NET-2, documentation only
        except OSError:
            return None
        address: str = probe.getsockname()[0]
    return None if address.startswith("127.") or address == "0.0.0.0" else address


CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces under the request routing below: no address other
    # than the local servers' (this machine's, lan_address()) resolves.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"
    + (f", EXCLUDE {lan_address()}" if lan_address() else ""),
]
# The headless shell compiles WebAssembly with V8's baseline compiler only.
# By default V8 also compiles pyodide's hot functions again, optimised, on
# background threads: on two cores that competes with the test, for about
# 1 CPU-s of each start of Python. Another browser (CHROMIUM, such as
# GitHub's Chrome) keeps the readers' defaults, and so do the benchmarks.
TEST_CHROMIUM_FLAGS = [
    *CHROMIUM_FLAGS,
    *(["--js-flags=--liftoff-only"] if CHROMIUM == HEADLESS_SHELL else []),
]
SCREENSHOTS = ROOT / ".cache" / "screenshots"
SEARCH_INDEX = "search/search_index.json"
SETTLE_TIMEOUT = 10  # seconds
# Whether a Run button's block (passed as `root`) has finished its run.
FINISHED = "(root) => ['done', 'error'].includes(root.dataset.state)"
# How long a first page waits for its icon before taking it that the
# browser fetches none (seconds): it comes right after the load if at all.
ICON_TIMEOUT = 5
ICON_LINK = re.compile(r'<link\b(?=[^>]*\brel="icon")[^>]*\bhref="([^"]+)"')


def site_prefix() -> str:
    """The path the site lives under, from ``site_url`` (``/chapter2/``)."""
    path = urlsplit(str(config()["site_url"])).path
    return path if path.endswith("/") else path + "/"


def page_url(page: str) -> str:
    """A nav page's address relative to the site root (directory URLs)."""
    if page.endswith(".html"):
        return page
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return stem + "/"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves ``directory`` under ``prefix`` and nothing else.

    ``sitemap.xml`` is sent with this server's address in place of
    ``site_url``'s, as the published site's sitemap names the published
    address: Material's instant navigation follows only links whose address,
    port included, is in the sitemap.
    """

    prefix = "/"
    site_url = ""
    # Files served beyond the site: path under the prefix -> file.
    extra: ClassVar[dict[str, Path]] = {}

    def send_head(self) -> Any:
        if not urlsplit(self.path).path.endswith("/sitemap.xml"):
            return super().send_head()
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            return super().send_head()
        host, port = self.server.server_address[:2]  # type: ignore[index,str-unpack]
        here = f"http://{host}:{port}{self.prefix}"
        data = path.read_bytes().replace(self.site_url.encode(), here.encode())
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        return io.BytesIO(data)

    def translate_path(self, path: str) -> str:
        path = urlsplit(path).path
        if not path.startswith(self.prefix):
            return str(Path(self.directory) / "no-such-file")
        inside = path[len(self.prefix) :]
        if inside in self.extra:
            return str(self.extra[inside])
        return super().translate_path("/" + inside)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the test output clean; failures show up in the browser."""


class SiteServer:
    """The built site on ``http://127.0.0.1:<free port>/chapter2/``, or on
    ``host``."""

    def __init__(self, site: Path, prefix: str, host: str = "127.0.0.1") -> None:
        site_url = str(config()["site_url"])
        self.extra: dict[str, Path] = {}
        handler = type(
            "Handler",
            (_QuietHandler,),
            {"prefix": prefix, "site_url": site_url, "extra": self.extra},
        )
        self.site = site
        self.httpd = http.server.ThreadingHTTPServer(
            (host, 0), partial(handler, directory=str(site))
        )
        self.origin = f"http://{host}:{self.httpd.server_address[1]}"
        # Any address off this server.
        self.elsewhere = re.compile(f"^(?!{re.escape(self.origin)}(?:[/?#]|$))")
        self.root = self.origin + prefix
        self.prefix = prefix
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> SiteServer:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def also_serve(self, path: str, file: Path) -> None:
        """Serve ``file`` at ``path`` under the site's prefix too."""
        self.extra[path] = file

    def file_for(self, url: str) -> Path:
        """The file this server sends for ``url``."""
        path = unquote(urlsplit(url).path).removeprefix(self.prefix)
        target = self.site / path
        return target / "index.html" if target.is_dir() else target


@dataclass
class Visit:
    """A browser context with one page, and everything that page asked for."""

    page: Page
    server: SiteServer
    finished: list[Request] = field(default_factory=list)
    # Requests the page has started that have neither finished nor failed.
    in_flight: set[Request] = field(default_factory=set)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Whether this browser fetches a page's icon: known from the browser
    # (fetches_icons()), or else learnt on the context's first page.
    fetches_icons: bool | None = None

    def goto(self, url: str) -> None:
        """Opens ``url`` (relative to the site root) up to its ``load`` event."""
        response = self.page.goto(self.server.root + url)
        status = response.status if response else "no response"
        assert response is not None and response.ok, f"{url}: {status}"

    def goto_everything(self, url: str) -> None:
        """Opens a page and waits until everything it asks for has arrived.

        That is what the HTML links to (up to the ``load`` event), then what
        is asked for after it: the search index, which Material's script
        fetches, and on the context's first page the page's icon, if the
        browser fetches icons (:attr:`fetches_icons`); then whatever is
        still in flight. For this
        site that is every request Playwright's ``networkidle`` (500 ms of
        network silence) saw, to the byte, without the wait; a request
        started later than that would not be counted.
        """
        # The icon's address is relative to the page's; a redirect (a missing
        # trailing slash) would change what it is relative to.
        assert url == "" or url.endswith(("/", ".html")), f"not a page address: {url}"
        with self._arrival("the search index", self.server.root + SEARCH_INDEX):
            if self.fetches_icons is None:
                self.fetches_icons = self._fetches_icon(url)
            else:
                self.goto(url)
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while self.in_flight:
            assert time.monotonic() < deadline, (
                f"{url}: still loading after {SETTLE_TIMEOUT} s:"
                f" {sorted(r.url for r in self.in_flight)}"
            )
            self.page.wait_for_timeout(10)

    def _fetches_icon(self, url: str) -> bool:
        """Opens ``url``; whether the browser asked for the page's icon.

        It asks right after the ``load`` event if at all, so the wait
        starts there (a slow first load does not eat into it); the
        settling in :meth:`goto_everything` then waits for the icon itself.
        """
        icon = self.icon_address(url)

        def asked() -> bool:
            return any(r.url == icon for r in (*self.finished, *self.in_flight))

        self.goto(url)
        deadline = time.monotonic() + ICON_TIMEOUT
        while not asked() and time.monotonic() < deadline:
            self.page.wait_for_timeout(10)
        return asked()

    def forget_the_site(self) -> None:
        """Clears everything the site stored in this context, as if it were new.

        Storage, cookies, caches: a later page opens as on a first visit. The
        HTTP cache is off anyway, since :func:`visit` routes every request.
        Cheaper than a new context, which starts a new renderer process.
        """
        self.forget([self.server.origin])

    def forget(self, origins: Iterable[str]) -> None:
        """Clears everything stored for each of ``origins`` in this context."""
        session = self.page.context.new_cdp_session(self.page)
        try:
            for origin in origins:
                session.send(
                    "Storage.clearDataForOrigin",
                    {"origin": origin, "storageTypes": "all"},
                )
        finally:
            session.detach()

    def origins_reached(self) -> set[str]:
        """The server's origin, and every other this page asked something of
        (a worker's requests included): a test may let one through."""
        reached = {self.server.origin}
        for request in [*self.finished, *self.in_flight]:
            parts = urlsplit(request.url)
            if parts.scheme in ("http", "https"):
                reached.add(f"{parts.scheme}://{parts.netloc}")
        return reached

    def icon_address(self, url: str) -> str:
        """The address of the icon the built page at ``url`` names."""
        address = self.server.root + url
        html = self.server.file_for(address).read_text(encoding="utf-8")
        icon = ICON_LINK.search(html)
        assert icon, f"{url}: no <link rel=icon href=...> in the built page"
        href: str = icon.group(1)
        return urljoin(address, href)

    @contextmanager
    def _arrival(self, what: str, url: str) -> Iterator[None]:
        try:
            with self.page.expect_request_finished(lambda r: r.url == url):
                yield
        except PlaywrightTimeoutError:
            raise AssertionError(f"{what} ({url}) never arrived") from None

    def checkpoint(self) -> tuple[int, int]:
        return len(self.blocked), len(self.errors)

    def trouble_since(self, checkpoint: tuple[int, int] = (0, 0)) -> list[str]:
        """Requests that tried to leave the site, and errors, since then."""
        blocked, errors = checkpoint
        return [
            *(
                f"tried to load from outside the site: {u}"
                for u in self.blocked[blocked:]
            ),
            *self.errors[errors:],
        ]


# What each browser is known to do about a page's icon (fetches_icons).
_ICONS: weakref.WeakKeyDictionary[Browser, bool | None] = weakref.WeakKeyDictionary()


def fetches_icons(browser: Browser) -> bool | None:
    """False for Chromium's headless shell, which never asks for a page's
    icon; None (to be learnt on a first page) for any other browser.

    The desktop browser asks right after a page's load. Learning that the
    shell never does cost ICON_TIMEOUT seconds of waiting on a context's
    first page; its product name tells at once.
    """
    if browser not in _ICONS:
        session = browser.new_browser_cdp_session()
        try:
            product = str(session.send("Browser.getVersion")["product"])
        finally:
            session.detach()
        _ICONS[browser] = False if product.startswith("HeadlessChrome/") else None
    return _ICONS[browser]


# Playwright's default page size, for a visit that names none.
DEFAULT_VIEWPORT = {"width": 1280, "height": 720}
# Contexts that an earlier visit left as good as new, for each browser: see
# visit(). A WeakKeyDictionary, so a closed browser's are let go.
_IDLE: weakref.WeakKeyDictionary[Browser, list[BrowserContext]] = (
    weakref.WeakKeyDictionary()
)


@contextmanager
def visit(
    browser: Browser,
    server: SiteServer,
    *,
    viewport: dict[str, int] | None = None,
    color_scheme: Literal["light", "dark"] = "light",
    permissions: Sequence[str] = (),
    new_context: bool = False,
) -> Iterator[Visit]:
    """A new page that starts as a first visit does (no cache, nothing
    stored); requests that leave the server are aborted. One that is kept
    for several pages then behaves as a returning reader's.

    The page opens in a context an earlier visit left behind, if there is
    one: a new context starts a new renderer process, which then compiles
    the site's scripts afresh, and with its first page that cost 1.5-2 CPU-s
    against 0.7-1. When the visit's code has run without raising, its
    context is left as good as new (:func:`_as_new`) and lent again;
    otherwise it is closed. ``new_context`` asks for a context no visit has
    used, for a test that needs one (the browser fetches a site's icon
    once per context).
    """
    idle = _IDLE.setdefault(browser, [])
    context = browser.new_context() if new_context or not idle else idle.pop()
    try:
        page = context.new_page()
        size = viewport or DEFAULT_VIEWPORT
        page.set_viewport_size({"width": size["width"], "height": size["height"]})
        page.emulate_media(color_scheme=color_scheme)
        if permissions:
            context.grant_permissions(list(permissions))
    except BaseException:
        _close(context)
        raise
    record = Visit(page, server, fetches_icons=fetches_icons(browser))

    def stop(route: Route) -> None:
        record.blocked.append(route.request.url)
        route.abort("blockedbyclient")

    def console(message: ConsoleMessage) -> None:
        if message.type == "error":
            record.errors.append(f"console: {message.text} ({message.location})")

    # On the context, so a worker's requests would pass through it too. Only
    # addresses off the server: Playwright's driver lets the others through
    # without asking this process, a round trip per request saved (about
    # 0.2 CPU-s a page). Any route still turns the HTTP cache off.
    context.route(server.elsewhere, stop)
    page.on("console", console)
    page.on("pageerror", lambda error: record.errors.append(f"uncaught: {error}"))
    page.on("request", lambda request: record.in_flight.add(request))
    page.on("requestfailed", lambda request: record.in_flight.discard(request))

    def finished(request: Request) -> None:
        record.in_flight.discard(request)
        record.finished.append(request)

    page.on("requestfinished", finished)
    try:
        yield record
    except BaseException:
        _close(context)
        raise
    if _as_new(record):
        idle.append(context)
    else:
        _close(context)


def _as_new(record: Visit) -> bool:
    """Leaves the context of ``record`` as a new one would be, for the next
    visit; False where it cannot (a crashed page, a test that opened more
    pages), and the context is closed instead.

    First the page goes blank, which ends its scripts, timers and workers:
    nothing stores anything after the clearing. Then whatever the site
    stored on every address the page reached is cleared, cookies of any
    address, routes (the next visit's own route would come first anyway;
    this lets go of their handlers) and permissions; the page is closed.
    tests/browser/test_visits.py checks what a visit can leave behind.
    """
    context = record.page.context
    try:
        if context.pages != [record.page]:
            return False
        record.page.goto("about:blank")
        record.forget(record.origins_reached())
        context.clear_cookies()
        context.unroute_all(behavior="ignoreErrors")
        record.page.close()
        context.clear_permissions()
    except PlaywrightError:
        return False
    return True


def _close(context: BrowserContext) -> None:
    """Closes ``context``; one that fails to close is the browser's to end
    (an error here would hide the test's own)."""
    with suppress(PlaywrightError):
        context.close()


# Where the Run button's worker keeps its snapshots of Python
# (docs/assets/run/run-worker.mjs), and what each holds: [address, bytes].
SNAPSHOTS = "chapter2-run-snapshots"
_SAVED_SNAPSHOTS = """async (name) => {
  const cache = await caches.open(name);
  const saved = [];
  for (const request of await cache.keys()) {
    const body = await (await cache.match(request)).arrayBuffer();
    saved.push([request.url, body.byteLength]);
  }
  return saved;
}"""


def saved_snapshots(page: Page, timeout: float = 30) -> list[Any]:
    """The site's saved snapshots, once there is one (the worker saves it
    after its first run's answer); AssertionError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not (saved := page.evaluate(_SAVED_SNAPSHOTS, SNAPSHOTS)):
        assert time.monotonic() < deadline, f"no snapshot saved within {timeout} s"
        page.wait_for_timeout(50)
    return list(saved)
