"""The Python blocks of the chapter pages, as the Run button runs them.

Each block with its hidden lines shown (:func:`sitetools.codeblocks.runnable`)
and its indentation removed: what the checks of ``tests/pages/test_run_blocks.py``
run alone, under CPython and under pyodide, and what the Run button runs
(:func:`built_blocks` reads it back from a built page, as ``run.js`` does).
A script block is a :class:`Listing`: the package sections it includes,
which Run on the page replaces with the reader's edit
(``tests/pages/test_run_listings.py``).
"""

from __future__ import annotations

import html
import json
import re
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from sybil import Document
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from sitetools.codeblocks import is_session, runnable
from sitetools.snippets import Include, expand
from sitetools.sybil_blocks import PYTHON_FENCE_INFO
from tests.support.sitebuild import ROOT, config, nav_pages

DOCS = ROOT / "docs"
RUNNER = DOCS / "assets" / "run" / "runner.py"
CHAPTER_PAGES = [page for page in nav_pages(config()["nav"]) if "/" not in page]
NORUN = re.compile(r'\bnorun="(?P<why>[^"]*)"')


@dataclass(frozen=True)
class Session:
    """One ``>>>`` block: where it is, what runs, why not in a browser if so."""

    page: str
    line: int
    source: str
    norun: str | None = None

    @property
    def where(self) -> str:
        return f"{self.page}, block at line {self.line}"


@dataclass(frozen=True)
class Listing:
    """A script block: the package code it includes, in the page's order."""

    page: str
    line: int
    source: str  # as it runs: includes resolved, hidden lines shown
    includes: tuple[Include, ...]
    norun: str | None = None

    @property
    def where(self) -> str:
        return f"{self.page}, script block at line {self.line}"

    @property
    def file(self) -> str | None:
        """The module it shows, as the runner names it; None if it includes none."""
        if not self.includes:
            return None
        return self.includes[0].path.relative_to(ROOT).as_posix()

    @property
    def sections(self) -> tuple[str | None, ...]:
        return tuple(include.section for include in self.includes)


def blocks(page: str) -> list[Session | Listing]:
    """Every Python block on a page, in page order."""
    path = DOCS / page
    document = Document(path.read_text(encoding="utf-8"), str(path))
    lexer = RawFencedCodeBlockLexer(info_pattern=PYTHON_FENCE_INFO)
    found: list[Session | Listing] = []
    for region in lexer(document):
        source = str(region.lexemes["source"])
        text = textwrap.dedent(runnable(source))
        line = document.text.count("\n", 0, region.start) + 1
        fence = document.text[region.start :].partition("\n")[0]
        norun = NORUN.search(fence)
        why = norun and norun["why"]
        if is_session(text):
            found.append(Session(page, line, text, why))
        else:
            code, includes = expand(text)
            found.append(Listing(page, line, code, tuple(includes), why))
    return found


def sessions(page: str) -> list[Session]:
    """Every ``>>>`` block on a page, in page order."""
    return [block for block in blocks(page) if isinstance(block, Session)]


def listings(page: str) -> list[Listing]:
    """Every script block on a page (today each shows package code)."""
    return [block for block in blocks(page) if isinstance(block, Listing)]


def all_sessions() -> list[Session]:
    return [session for page in CHAPTER_PAGES for session in sessions(page)]


def all_listings() -> list[Listing]:
    return [listing for page in CHAPTER_PAGES for listing in listings(page)]


def _load(name: str, path: Path) -> ModuleType:
    """A module of the Run button under CPython, by the name the worker gives it."""
    if name in sys.modules:
        return sys.modules[name]
    # Compiled here, not imported from its file: an import would write a
    # __pycache__ beside it, into the site's files, and a builder ships it.
    module = ModuleType(name)
    module.__file__ = str(path)
    sys.modules[name] = module  # listings.py imports the runner by this name
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), module.__dict__)
    return module


def load_runner() -> ModuleType:
    """``assets/run/runner.py``, the Python the Run button runs, under CPython."""
    return _load("page_runner", RUNNER)


def load_listings() -> ModuleType:
    """``assets/run/listings.py``, which puts a reader's edits in place."""
    load_runner()
    return _load("page_listings", RUNNER.with_name("listings.py"))


BUILT_BLOCK = re.compile(
    r'<div class="chapter-code"(?P<attributes>[^>]*)>'
    r'<div class="language-(?P<language>[\w-]+).*?<code>(?P<code>.*?)</code>',
    re.DOTALL,
)


@dataclass(frozen=True)
class BuiltBlock:
    """A Python or console block in a built page, read the way run.js reads it."""

    language: str
    shown: str
    attributes: dict[str, str]

    @property
    def copy(self) -> str:
        """What Material's copy button copies: the build's ``data-copy``, if any."""
        return self.attributes.get("data-copy", self.shown)

    @property
    def session(self) -> str | None:
        """What Run runs: the code shown, hidden lines put back; None if no
        Run, or if the block is not a ``>>>`` session."""
        if self.attributes.get("data-run") != "session":
            return None
        lines = self.shown.removesuffix("\n").split("\n")
        for number, text in json.loads(self.attributes.get("data-run-hidden", "[]")):
            lines.insert(number, text)
        return "\n".join(lines) + "\n"


def built_blocks(page_html: str) -> list[BuiltBlock]:
    """Every block the site's fences built on a page, in page order."""
    found = []
    for block in BUILT_BLOCK.finditer(page_html):
        attributes = {
            name: html.unescape(value)
            for name, value in re.findall(r'\s([\w-]+)="([^"]*)"', block["attributes"])
        }
        shown = html.unescape(re.sub(r"<[^>]+>", "", block["code"]))
        found.append(BuiltBlock(block["language"], shown, attributes))
    return found
