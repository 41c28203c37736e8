"""Build the site once per test session and read what was built."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MKDOCS = [sys.executable, "-m", "mkdocs"]


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


SCRATCH_PAGE = "# Scratch page\n\n## A heading\n\nA [link](#a-heading).\n"


def copy_project(destination: Path, *, minimal: bool = False) -> Path:
    """A scratch copy of what the build reads, to break on purpose.

    With ``minimal`` the pages are replaced by one small ``index.md`` (and the
    nav by its entry), with the site's configuration, theme and extensions intact:
    enough to test what the strict build rejects, in a fraction of the time a
    full build takes.
    """
    destination.mkdir(parents=True)
    for name in ("mkdocs.yml", "docs", "chapter2", "sitetools", "overrides"):
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
