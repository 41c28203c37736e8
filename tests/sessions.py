"""The ``>>>`` blocks of the chapter pages, as the Run button runs them.

Each block with its hidden lines shown (:func:`sitetools.codeblocks.runnable`)
and its indentation removed: what the checks of ``tests/test_run_blocks.py``
run alone, under CPython and under pyodide, and what the Run button runs
(:func:`built_blocks` reads it back from a built page, as ``run.js`` does).
"""

from __future__ import annotations

import html
import importlib.util
import json
import re
import textwrap
from dataclasses import dataclass
from types import ModuleType

from sybil import Document
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from sitetools.codeblocks import is_session, runnable
from sitetools.sybil_blocks import PYTHON_FENCE_INFO
from tests.sitebuild import ROOT, config, nav_pages

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


def sessions(page: str) -> list[Session]:
    """Every ``>>>`` block on a page, in page order."""
    path = DOCS / page
    document = Document(path.read_text(encoding="utf-8"), str(path))
    lexer = RawFencedCodeBlockLexer(info_pattern=PYTHON_FENCE_INFO)
    found = []
    for region in lexer(document):
        text = textwrap.dedent(runnable(str(region.lexemes["source"])))
        if is_session(text):
            line = document.text.count("\n", 0, region.start) + 1
            fence = document.text[region.start :].partition("\n")[0]
            norun = NORUN.search(fence)
            found.append(Session(page, line, text, norun and norun["why"]))
    return found


def all_sessions() -> list[Session]:
    return [session for page in CHAPTER_PAGES for session in sessions(page)]


def load_runner() -> ModuleType:
    """``assets/run/runner.py``, the Python the Run button runs, under CPython."""
    spec = importlib.util.spec_from_file_location("page_runner", RUNNER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
        """What Run runs: the code shown, hidden lines put back; None if no Run."""
        if "data-run" not in self.attributes:
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
