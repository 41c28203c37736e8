"""Markdown extension: refuse a page that would pass the build but is broken.

Listed under ``markdown_extensions`` in mkdocs.yml as ``sitetools.pagecheck``,
so MkDocs and Zensical both run it; an error names the page (MkDocs: "Error
reading page") and stops the build. Two checks:

* **Fences.** A code fence left open swallows what follows it: the prose up
  to the next bare fence becomes the block's "output", and a later block's
  opening line becomes code. Superfences renders that without a word, and
  the page's examples are not run at all. A fence must close before another
  opens, and before the page ends. (A fence inside a longer one, as when a
  page shows Markdown in a ````` ```` ````` block, is content, not a fence.)
  The Sybil parser (:mod:`sitetools.sybil_blocks`) makes the same check, so
  the page's own tests fail too.
* **Scripts in raw HTML.** The site's only scripts are its own files; the
  Content-Security-Policy blocks inline script, so a ``<script>`` element,
  an ``on...=`` attribute or a ``javascript:`` address written into a page
  would do nothing for a reader but fail in the browser's console. They are
  refused at build time instead, with what was found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from sitetools.snippets import FENCE


class PageError(ValueError):
    """The page has a fence left open or a script in its raw HTML."""


@dataclass(frozen=True)
class Fence:
    line: int  # 1-based, where it opened
    marker: str  # the run of backticks or tildes
    info: str  # what follows the marker: the language and attributes


def fence_problems(lines: list[str]) -> list[str]:
    """What is wrong with the fences of a page, given its lines: each entry
    names the line a fence opened on and why it does not close."""
    problems = []
    open_fence: Fence | None = None
    for number, line in enumerate(lines, 1):
        match = FENCE.match(line)
        if match is None:
            continue
        marker, info = match["fence"], match["info"].strip()
        if open_fence is None:
            open_fence = Fence(number, marker, info)
            continue
        same_kind = marker[0] == open_fence.marker[0]
        if not same_kind or len(marker) < len(open_fence.marker):
            continue  # content of the open fence
        if not info:
            open_fence = None  # closed
            continue
        problems.append(
            f"line {open_fence.line}: the {describe(open_fence)} is not closed"
            f" before the {marker}{info} fence on line {number}"
        )
        open_fence = Fence(number, marker, info)
    if open_fence is not None:
        problems.append(
            f"line {open_fence.line}: the {describe(open_fence)} is never closed"
        )
    return problems


def describe(fence: Fence) -> str:
    language = fence.info.split()[0].lstrip("{.") if fence.info else ""
    return f"{fence.marker}{language} fence" if language else f"{fence.marker} fence"


class ScriptFinder(HTMLParser):
    """Collects script elements, event-handler attributes and ``javascript:``
    addresses in a fragment of HTML; text (and so code shown on the page,
    which is escaped) is not looked at."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += scripts_in(tag, attrs)

    handle_startendtag = handle_starttag


def scripts_in(tag: str, attrs: Iterable[tuple[str, str | None]]) -> list[str]:
    """What in one element (its tag and attributes) would run a script."""
    found = ["a <script> element"] if tag.lower() == "script" else []
    for name, value in attrs:
        if name.lower().startswith("on"):
            found.append(f"an {name}= attribute on <{tag}>")
        elif (value or "").strip().lower().startswith("javascript:"):
            found.append(f"a javascript: address in {name}= on <{tag}>")
    return found


def script_problems(html: str) -> list[str]:
    finder = ScriptFinder()
    finder.feed(html)
    finder.close()
    return finder.found


class FenceCheck(Preprocessor):
    """Runs on the page as written, before snippets are included."""

    def run(self, lines: list[str]) -> list[str]:
        if problems := fence_problems(lines):
            raise PageError("; ".join(problems))
        return lines


def refuse(found: list[str]) -> None:
    if found:
        raise PageError(
            "scripts are not allowed in a page's HTML (the site's scripts are"
            f" files of its own): found {', '.join(dict.fromkeys(found))}"
        )


class TreeScriptCheck(Treeprocessor):
    """Runs on the page's elements: Markdown links and images, and the
    ``<div markdown>`` blocks that md_in_html parses into elements."""

    def run(self, root: Element) -> None:
        refuse([p for el in root.iter() for p in scripts_in(el.tag, el.items())])


class ScriptCheck(Postprocessor):
    """Runs on the raw HTML the page holds, block and inline, before it is
    put back into the page."""

    # Postprocessors run again on every heading's text (the toc extension
    # renders each one), so each stashed block is parsed once: the checker
    # remembers which stash it read, and how far.
    _stash: list[str | Element] | None = None
    _checked = 0

    def run(self, text: str) -> str:
        blocks = self.md.htmlStash.rawHtmlBlocks
        if blocks is not self._stash:
            self._stash, self._checked = blocks, 0
        found = []
        for block in blocks[self._checked :]:
            if isinstance(block, str):  # else an element TreeScriptCheck saw
                found += script_problems(block)
        self._checked = len(blocks)
        refuse(found)
        return text


class PageCheckExtension(Extension):
    """Registers the checks: fences, then scripts in elements and raw HTML."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.registerExtension(self)
        # Before pymdownx.snippets (32) and everything else that reads lines.
        md.preprocessors.register(FenceCheck(md), "chapter2_fence_check", 40)
        # After every other tree change, and so on the elements as written.
        md.treeprocessors.register(TreeScriptCheck(md), "chapter2_tree_check", 0)
        # Before raw_html (30) puts the stashed HTML back into the page.
        md.postprocessors.register(ScriptCheck(md), "chapter2_script_check", 31)


def makeExtension(**kwargs: Any) -> PageCheckExtension:  # noqa: N802
    """What Python-Markdown calls for ``sitetools.pagecheck``."""
    return PageCheckExtension(**kwargs)
