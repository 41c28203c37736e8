"""Build the site once per test session and read what was built."""

from __future__ import annotations

import functools
import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib.util import find_spec
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml

from sitetools import runtime

ROOT = Path(__file__).resolve().parents[2]
MKDOCS = [sys.executable, "-m", "mkdocs"]
ZENSICAL = [sys.executable, "-m", "zensical"]
# Zensical reads mkdocs.yml through this file, which adds what differs for it.
ZENSICAL_CONFIG = "zensical.yml"
ZENSICAL_MISSING = (
    "Zensical is not installed: `make test` installs it (pyproject.toml,"
    " extra zensical)"
)
# Zensical colours its diagnostics whatever the terminal; the log is read as text.
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class BuildResult:
    returncode: int
    log: str
    site: Path


def build(project: Path, site: Path) -> BuildResult:
    """Run ``mkdocs build --strict`` on ``project`` into ``site``."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    # No -v: MkDocs skips anchor validation in verbose mode.
    completed = subprocess.run(
        [*MKDOCS, "build", "--strict", "--site-dir", str(site)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return BuildResult(completed.returncode, completed.stderr + completed.stdout, site)


def zensical_installed() -> bool:
    return find_spec("zensical") is not None


class ZensicalBuild:
    """``zensical build --strict`` of ``project``, running while other work goes on.

    Zensical has no ``--site-dir``: it builds into the ``site_dir`` that
    zensical.yml names, inside the project, and keeps a cache in the project's
    ``.cache/``; so tests build a scratch copy (:func:`copy_project`).
    """

    TIMEOUT = 120  # seconds

    def __init__(self, project: Path) -> None:
        self.project = project
        self.process = subprocess.Popen(
            [*ZENSICAL, "build", "--strict", "--config-file", ZENSICAL_CONFIG],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )

    def result(self) -> BuildResult:
        """Waits for the build to end."""
        try:
            output, _ = self.process.communicate(timeout=self.TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.communicate()
            raise AssertionError(
                f"zensical build of {self.project} took over {self.TIMEOUT} s"
            ) from None
        with (self.project / ZENSICAL_CONFIG).open(encoding="utf-8") as handle:
            site_dir = str(yaml.load(handle, Loader=_Loader)["site_dir"])
        log = ANSI_COLOUR.sub("", output)
        return BuildResult(self.process.returncode, log, self.project / site_dir)


def build_zensical(project: Path) -> BuildResult:
    """Run ``zensical build --strict`` on ``project`` and wait for it."""
    return ZensicalBuild(project).result()


# What a build reads: configuration, pages, theme overrides, the tooling, and
# every folder a page includes code from. Not tests/: no page shows a test,
# and a change to a test would build both sites again for nothing.
BUILD_INPUTS = (
    "mkdocs.yml",
    ZENSICAL_CONFIG,
    "docs",
    "overrides",
    "sitetools",
    "chapter2",
)
# How the tests build the sites they share: this module. The stored sites
# (tests/conftest.py) are keyed by it as well as by what the build reads.
BUILD_RECIPE = "tests/support/sitebuild.py"


def make_mkdocs_site(folder: Path) -> dict[str, object]:
    """The MkDocs site, built into ``folder/site``: the stored product."""
    result = build(ROOT, folder / "site")
    return {"returncode": result.returncode, "log": result.log}


def make_zensical_site(folder: Path) -> dict[str, object]:
    """The Zensical site, built into ``folder/site``: the stored product."""
    # Zensical builds into the project it reads, and keeps its cache there.
    project = copy_project(folder / "project")
    result = ZensicalBuild(project).result()
    result.site.rename(folder / "site")
    shutil.rmtree(project)
    return {"returncode": result.returncode, "log": result.log}


SCRATCH_PAGE = "# Scratch page\n\n## A heading\n\nA [link](#a-heading).\n"


def copy_project(destination: Path, *, minimal: bool = False) -> Path:
    """A scratch copy of what the build reads, to break on purpose.

    With ``minimal`` the pages are replaced by one small ``index.md`` (and the
    nav by its entry), with the site's configuration, theme and extensions intact:
    enough to test what the strict build rejects, in a fraction of the time a
    full build takes.
    """
    destination.mkdir(parents=True)
    for name in BUILD_INPUTS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__")
            )
        else:
            shutil.copy2(source, destination / name)
    if minimal:
        for page in (destination / "docs").rglob("*.md"):
            page.unlink()
        (destination / "docs" / "index.md").write_text(SCRATCH_PAGE, encoding="utf-8")
        mkdocs_yml = destination / "mkdocs.yml"
        text = mkdocs_yml.read_text(encoding="utf-8")
        start, end = text.index("\nnav:\n"), text.index("\ntheme:\n")
        nav = "\nnav:\n  - Chapter 2:\n      - Why a model: index.md\n"
        mkdocs_yml.write_text(text[:start] + nav + text[end:], encoding="utf-8")
    return destination


def broken_project(destination: Path, addition: str) -> Path:
    """A minimal scratch copy whose one page ends with ``addition``."""
    project = copy_project(destination, minimal=True)
    page = project / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n" + addition)
    return project


class _Loader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring any ``!!python/...`` tags."""


_Loader.add_multi_constructor("tag:yaml.org,2002:python/", lambda *_: None)


def config() -> dict[str, object]:
    with (ROOT / "mkdocs.yml").open(encoding="utf-8") as handle:
        loaded: dict[str, object] = yaml.load(handle, Loader=_Loader)
    return loaded


def nav_pages(nav: object) -> list[str]:
    """Every Markdown file named in the ``nav`` tree."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    if isinstance(nav, list):
        return [page for item in nav for page in nav_pages(item)]
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in nav_pages(value)]
    return []


def html_path(site: Path, page: str) -> Path:
    """Where MkDocs writes ``page`` with directory URLs."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / stem.removesuffix("index") / "index.html"
    return site / stem / "index.html"


def visible_text(page_html: str) -> str:
    """The page's text as a reader would copy it: tags dropped, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", page_html))


def code_lines(page_html: str) -> set[str]:
    """Every line shown inside a code element, stripped of indentation."""
    lines: set[str] = set()
    for block in re.findall(r"<code[^>]*>(.*?)</code>", page_html, re.DOTALL):
        lines.update(line.strip() for line in visible_text(block).splitlines())
    return lines


class ResourceCollector(HTMLParser):
    """Collects every URL the browser would load without a click."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in {"script", "img", "iframe", "audio", "video", "source", "embed"}:
            self.loaded += [
                v for k, v in values.items() if k in {"src", "srcset"} and v
            ]
        if tag == "link" and values.get("href"):
            rel = (values.get("rel") or "").split()
            if {"stylesheet", "icon", "preload", "modulepreload", "manifest"} & set(
                rel
            ):
                self.loaded.append(values["href"] or "")
        if tag == "object" and values.get("data"):
            self.loaded.append(values["data"] or "")
        if values.get("style"):
            self.loaded += re.findall(r"url\(([^)]+)\)", values["style"] or "")


def loaded_by(page_html: str) -> list[str]:
    """Every URL a page makes the browser load without a click."""
    return list(_loaded_by(page_html))


# Several tests ask this of the same built pages (what loads from outside,
# what misses when served elsewhere, what each builder's page loads), and
# parsing a chapter page takes 20-30 ms.
@functools.lru_cache(maxsize=64)
def _loaded_by(page_html: str) -> tuple[str, ...]:
    collector = ResourceCollector()
    collector.feed(page_html)
    return tuple(collector.loaded)


def is_external(url: str) -> bool:
    return bool(re.match(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", url, re.IGNORECASE))


def loaded_from_outside(site: Path) -> dict[str, list[str]]:
    """Outside URLs the built HTML and CSS load, by file: should be none."""
    offenders: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        loaded = loaded_by(page.read_text(encoding="utf-8"))
        external = [url for url in loaded if is_external(url)]
        if external:
            offenders[str(page.relative_to(site))] = external
    for stylesheet in site.rglob("*.css"):
        text = stylesheet.read_text(encoding="utf-8")
        external = [
            u for u in re.findall(r"url\(['\"]?([^'\")]+)", text) if is_external(u)
        ]
        external += re.findall(r"@import\s+['\"]?(?:url\()?['\"]?(//|https?:)", text)
        if external:
            offenders[str(stylesheet.relative_to(site))] = external
    return offenders


# A path the site is never published at. Forks are deployed at other paths,
# and `mkdocs serve` can be given another base: a page must load its files
# there too, so it may name none by the path site_url gives (/chapter2/).
ELSEWHERE = "/a/fork/elsewhere/"
HAS_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


def missed_elsewhere(site: Path) -> dict[str, list[str]]:
    """The addresses each page loads that miss, by page, when ``site`` is
    served from :data:`ELSEWHERE`: should be none.

    404.html is left out: the builders address its files from site_url's
    path on purpose, since a server shows it in place of any missing page,
    at any depth.
    """
    missed: dict[str, list[str]] = {}
    for page in sorted(site.rglob("*.html")):
        name = page.relative_to(site).as_posix()
        if name == "404.html":
            continue
        for url in loaded_by(page.read_text(encoding="utf-8")):
            if is_external(url) or HAS_SCHEME.match(url):
                continue  # outside the site, or a data: URL
            path = urlsplit(urljoin(ELSEWHERE + name, url)).path
            if path.endswith("/"):
                path += "index.html"
            file = site / unquote(path.removeprefix(ELSEWHERE))
            if not (path.startswith(ELSEWHERE) and file.is_file()):
                missed.setdefault(name, []).append(url)
    return missed


@functools.cache
def own_files() -> frozenset[str]:
    """The files the site ships from docs/ (everything but the pages).

    Asked once per process (test_zensical asks for each address a page
    loads, and a walk of docs/ takes a few milliseconds): the Run buttons'
    files in docs/ are put there before any test runs, when the sites'
    product keys are worked out (tests/conftest.py).
    """
    docs = ROOT / "docs"
    return frozenset(
        str(path.relative_to(docs))
        for path in docs.rglob("*")
        if path.is_file() and path.suffix != ".md"
    )


def scripts(site: Path) -> list[Path]:
    """Every script a built site ships, classic (.js) and module (.mjs)."""
    return sorted(path for path in site.rglob("*") if path.suffix in {".js", ".mjs"})


# Names, not requests: XML namespaces.
NOT_REQUESTS = ("http://www.w3.org/",)
ADDRESS = re.compile(r"https?://[^\s\"'`)]+")


def outside_addresses(script: Path) -> list[str]:
    """The outside addresses a script names: XML namespaces aside, and an
    address whose host is computed (`https://${host}`, pyodide's socket
    helper) names none."""
    found = ADDRESS.findall(script.read_text(encoding="utf-8"))
    return sorted(
        {a for a in found if not a.startswith(NOT_REQUESTS) and "//${" not in a}
    )


# Pages that ask for steppers, by their marker line.
STEPPER_MARKER = re.compile(r"^<!-- stepper: ([\w-]+) -->$", re.MULTILINE)


def pages_with_steppers() -> dict[str, list[str]]:
    """Each page that asks for steppers, with their names in page order."""
    found = {}
    for page in sorted((ROOT / "docs").rglob("*.md")):
        names = STEPPER_MARKER.findall(page.read_text(encoding="utf-8"))
        if names:
            found[str(page.relative_to(ROOT / "docs"))] = names
    return found


# Mistakes a page can make that both builders must refuse (tests/pages).
BROKEN_LINKS = {
    "missing page": ("See [the missing page](no-such-page.md).\n", "no-such-page.md"),
    "missing anchor": ("See [nothing](#no-such-heading).\n", "no-such-heading"),
    "unrecognised link": ("See [a folder](assets/).\n", "assets/"),
}
MISSING_SNIPPET = '```python\n--8<-- "chapter2/no_such_module.py"\n```\n'


# For a test that needs the Run buttons' runtime (pyodide from npm, put in
# place by make's set-up): without it, the test skips and says why.
needs_runtime = pytest.mark.skipif(
    runtime.missing_reason() is not None, reason=str(runtime.missing_reason())
)
