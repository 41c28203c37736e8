"""Zensical, Material's successor, builds the same site from the same sources.

Material for MkDocs reaches its end of life on 2027-05-05; Zensical reads
mkdocs.yml (through zensical.yml, which adds what differs for it). These tests
build the site with both and compare what a reader gets: the same pages; on
each, the same text, code blocks, generated figures and widgets, and the same
files of the site's own; nothing loaded from outside the site; and a broken
link fails the Zensical build as it fails MkDocs'. Zensical silently ignores
``hooks:`` and any MkDocs plugin it does not know, even with ``--strict``: a
page then ships without what they generate, and only a comparison notices.

Zensical's strict build (0.0.73) does not reject everything MkDocs' does: a
link to a folder (``validation.links.unrecognized_links``) and a nav entry
with no page pass it. Both builds run in ``make test``, so MkDocs still
catches those (tests/pages/test_site.py).
"""

from __future__ import annotations

import difflib
import functools
import posixpath
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.sitebuild import (
    BROKEN_LINKS,
    ELSEWHERE,
    MISSING_SNIPPET,
    ROOT,
    ZENSICAL_CONFIG,
    BuildResult,
    broken_project,
    build_zensical,
    config,
    copy_project,
    html_path,
    is_external,
    loaded_by,
    loaded_from_outside,
    missed_elsewhere,
    nav_pages,
    outside_addresses,
    own_files,
    scripts,
    visible_text,
    zensical_installed,
)

DOCS = ROOT / "docs"
# Where the site lives on its server (/chapter2/), from site_url.
SITE_PATH = urlsplit(str(config()["site_url"])).path.rstrip("/") + "/"
PAGES = [*nav_pages(config()["nav"]), "404.html"]

pytestmark = pytest.mark.skipif(
    not zensical_installed(), reason="Zensical is not installed (make test does it)"
)

# --- what a page holds --------------------------------------------------------


def page_html(site: Path, page: str) -> str:
    path = site / page if page.endswith(".html") else html_path(site, page)
    return path.read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's content, without the theme's header, navigation and footer."""
    found = re.search(r"<article\b[^>]*>(.*)</article>", html, re.DOTALL)
    assert found, "no <article> in the page"
    return found[1]


def reading(html: str) -> list[str]:
    """The lines of text a reader reads in the content, in order."""
    content = re.sub(r"<(script|style)\b.*?</\1>", "", article(html), flags=re.DOTALL)
    return [line.strip() for line in visible_text(content).splitlines() if line.strip()]


def code_blocks(html: str) -> list[str]:
    """The text of every code block in the content, in order."""
    blocks = re.findall(r"<pre\b[^>]*>(.*?)</pre>", article(html), re.DOTALL)
    return [visible_text(block) for block in blocks]


class GeneratedElements(HTMLParser):
    """Opening tags of what the build generates or the site's scripts drive.

    Figures, buttons, scripts, abbreviations (a glossary term's definition is
    in its title), and every element carrying ``data-*`` attributes other
    than the theme's own ``data-md-*``, with their attributes in a fixed order.
    """

    KINDS = frozenset(
        {"figure", "button", "script", "link", "iframe", "input", "abbr", "img"}
    )

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = [n for n, _ in attrs if n.startswith("data-") and "data-md-" not in n]
        if tag in self.KINDS or data:
            shown = " ".join(f'{n}="{v or ""}"' for n, v in sorted(attrs))
            self.found.append(f"<{tag} {shown}>")


def generated(html: str) -> list[str]:
    parser = GeneratedElements()
    parser.feed(article(html))
    return parser.found


@functools.cache
def own_loads(html: str, page: str) -> set[str]:
    """The site's own files a page loads (its scripts, styles, images)."""
    where = html_path(Path(), page).parent.as_posix() if page.endswith(".md") else ""
    loads = set()
    for url in loaded_by(html):
        if is_external(url):
            continue
        path = url.split("?")[0]
        if path.startswith(SITE_PATH):  # at the site's path, as 404.html's are
            path = "/" + path.removeprefix(SITE_PATH)
        target = posixpath.normpath(posixpath.join(where, path)).lstrip("/")
        if target in own_files():
            loads.add(target)
    return loads


def difference(ours: list[str], theirs: list[str]) -> str:
    lines = difflib.unified_diff(ours, theirs, "MkDocs", "Zensical", lineterm="", n=1)
    return "\n".join(list(lines)[:40])


# --- the build ----------------------------------------------------------------


def test_zensical_build_is_clean(zensical_site: BuildResult) -> None:
    assert "No issues found" in zensical_site.log, zensical_site.log
    assert "Warning" not in zensical_site.log, zensical_site.log


def test_zensical_keeps_every_plugin_mkdocs_yml_names() -> None:
    """Zensical drops a plugin it does not know, without a word: none may be."""
    from zensical.config import parse_config

    plugins = config().get("plugins")
    assert isinstance(plugins, list) and plugins, "mkdocs.yml names no plugins"
    named = [p if isinstance(p, str) else next(iter(p)) for p in plugins]
    kept = parse_config(str(ROOT / ZENSICAL_CONFIG))["plugins"]
    kept = {"blog" if name == "blogs" else name for name in kept}
    ignored = [n for n in named if n.removeprefix("material/") not in kept]
    assert not ignored, (
        f"Zensical would ignore the plugins {ignored}:"
        " generate that content with a Markdown extension instead"
    )


def test_every_page_loads_its_files_wherever_the_site_is_deployed(
    zensical_site: BuildResult,
) -> None:
    """As tests/pages/test_site.py checks of MkDocs' build: served from another
    path than site_url's, every page finds every file it loads."""
    missed = missed_elsewhere(zensical_site.site)
    assert not missed, f"served from {ELSEWHERE}, these loads miss: {missed}"


def test_same_pages(built_site: BuildResult, zensical_site: BuildResult) -> None:
    def pages(site: Path) -> set[str]:
        return {str(p.relative_to(site)) for p in site.rglob("*.html")}

    assert pages(zensical_site.site) == pages(built_site.site)


def test_same_files_of_the_sites_own(
    built_site: BuildResult, zensical_site: BuildResult
) -> None:
    """Everything docs/ ships besides pages (styles, scripts, listings) as is."""
    for name in sorted(own_files()):
        source = (DOCS / name).read_bytes()
        for builder, site in (("MkDocs", built_site), ("Zensical", zensical_site)):
            shipped = site.site / name
            assert shipped.is_file(), f"{builder} did not ship {name}"
            assert shipped.read_bytes() == source, f"{builder} changed {name}"


# What a reader gets from a page, each compared between the two builds.
VIEWS: dict[str, Callable[[str, str], list[str]]] = {
    "text": lambda html, _: reading(html),
    # The blocks the tests run, character for character.
    "code blocks": lambda html, _: code_blocks(html),
    "generated elements": lambda html, _: generated(html),
    "files of the site's own it loads": lambda html, page: sorted(
        own_loads(html, page)
    ),
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("view", VIEWS)
def test_page_gives_the_reader_the_same(
    built_site: BuildResult, zensical_site: BuildResult, view: str, page: str
) -> None:
    ours = VIEWS[view](page_html(built_site.site, page), page)
    theirs = VIEWS[view](page_html(zensical_site.site, page), page)
    assert ours == theirs, f"{page}, {view}:\n{difference(ours, theirs)}"


# --- nothing from outside -----------------------------------------------------


def test_nothing_is_loaded_from_outside_the_site(zensical_site: BuildResult) -> None:
    offenders = loaded_from_outside(zensical_site.site)
    assert not offenders, offenders


# What the theme's script would fetch from outside the site, known by what
# it fetches (no host is named here), each with the markup that makes the
# script fetch it. No page of this site carries that markup (checked below),
# so none is ever requested; the browser tests confirm it on a page.
SOURCE_FACTS = r'data-md-component="source"'
RUN_BLOCK = r'class="[^"]*\bpyodide\b'
DORMANT = {
    "/repos/": SOURCE_FACTS,  # a repository's stars, forks, latest release
    "/users/": SOURCE_FACTS,
    "/api/v4/projects/": SOURCE_FACTS,  # the same, from a GitLab
    "/mermaid@": r'class="[^"]*\bmermaid\b',  # diagrams
    "/glightbox@": r'class="[^"]*\bglightbox\b',  # image zoom
    "/pyodide": RUN_BLOCK,  # Zensical's own run blocks
    "/ace-builds@": RUN_BLOCK,  # their editor
    # Only for a browser without ResizeObserver (every current one has it).
    "/resize-observer-polyfill": None,
}


def test_scripts_request_nothing_outside_the_site(zensical_site: BuildResult) -> None:
    """The site's own scripts name no outside address at all; the theme's
    name only addresses that no page of this site makes it load."""
    site = zensical_site.site
    unexplained: dict[str, list[str]] = {}
    for script in scripts(site):
        name = str(script.relative_to(site))
        explained = [] if name in own_files() else list(DORMANT)
        odd = [
            a for a in outside_addresses(script) if not any(w in a for w in explained)
        ]
        if odd:
            unexplained[name] = odd
    assert not unexplained, unexplained
    triggered = {
        f"{page.relative_to(site)}: {address}"
        for page in site.rglob("*.html")
        for address, trigger in DORMANT.items()
        if trigger and re.search(trigger, page.read_text(encoding="utf-8"))
    }
    assert not triggered, f"pages that make the theme load from outside: {triggered}"


def test_an_offline_plugin_would_load_from_outside(tmp_path: Path) -> None:
    """Zensical's offline plugin adds iframe-worker from a CDN to every page.

    This site does not use the plugin (a page opened from file:// could not
    start the Run button's runtime anyway). Whoever adds it must ship
    iframe-worker with the site and list it under ``extra.polyfills``;
    until then the check above fails, as this planted case shows.
    """
    project = copy_project(tmp_path / "project", minimal=True)
    mkdocs_yml = project / "mkdocs.yml"
    text = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(text.replace("\nplugins:\n", "\nplugins:\n  - offline\n"))
    result = build_zensical(project)
    assert result.returncode == 0, result.log
    loaded = [url for urls in loaded_from_outside(result.site).values() for url in urls]
    assert any("iframe-worker" in url for url in loaded), loaded


# --- a broken link fails the build --------------------------------------------


# Zensical's strict build rejects these two of MkDocs' broken links.
CAUGHT = {
    "missing page": "page does not exist",
    "missing anchor": "anchor does not exist",
}


def test_zensical_build_rejects_broken_links(tmp_path: Path) -> None:
    links = "\n".join(BROKEN_LINKS[name][0] for name in CAUGHT)
    result = build_zensical(broken_project(tmp_path / "project", links))
    assert result.returncode != 0, "Zensical's strict build accepted broken links"
    for name, complaint in CAUGHT.items():
        assert complaint in result.log, f"no complaint of a {name}:\n{result.log}"
    assert f"{len(CAUGHT)} issues found" in result.log, result.log


def test_zensical_build_rejects_a_missing_snippet(tmp_path: Path) -> None:
    """An error in a Markdown extension fails Zensical's build too."""
    result = build_zensical(broken_project(tmp_path / "project", MISSING_SNIPPET))
    assert result.returncode != 0, "Zensical's strict build accepted a missing snippet"
    assert "no_such_module.py" in result.log, result.log
