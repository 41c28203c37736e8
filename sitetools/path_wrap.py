"""Markdown extension: a path in a table cell wraps between its parts.

Listed under ``markdown_extensions`` in mkdocs.yml as ``sitetools.path_wrap``,
so MkDocs and Zensical both run it. In a narrow table column, on a phone,
Material lets inline code break anywhere, so ``std::future::Future`` came out
as ``std::future::Fu`` over ``ture``. This marks where a path may wrap, with
``<wbr>``: after each ``::`` (as rustdoc does) and before each ``.`` that joins
two names (as a period starts a continued line in print). ``chapter.css``
then allows no other break inside code in a table cell, so a name is never cut.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any
from xml.etree import ElementTree as ET

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER_RE, AtomicString, HtmlStash

# After "::" before a name; before "." between names (not in 0.1 or "...").
WRAP_POINT = re.compile(r"(?<=\w::)(?=\w)|(?<=\w)(?=\.[^\W\d])")
CELLS = frozenset({"td", "th"})


def wrap_points(code: ET.Element) -> None:
    """Puts a ``<wbr>`` at each wrap point of ``code``'s text (plain text only)."""
    text = code.text or ""
    if len(code) or not WRAP_POINT.search(text):
        return
    cuts = [0, *(m.start() for m in WRAP_POINT.finditer(text)), len(text)]
    parts = [AtomicString(text[a:b]) for a, b in pairwise(cuts)]
    code.text = parts[0]
    for part in parts[1:]:
        ET.SubElement(code, "wbr").tail = part


def wrap_stashed(code: ET.Element, stash: HtmlStash) -> bool:
    """The same for code that pymdownx.inlinehilite keeps as HTML in the stash.

    Its text is a placeholder for the escaped code, which has no ``::`` or
    ``.`` of its own (only ``&lt;`` and the like), so marking it is safe.
    """
    placeholder = HTML_PLACEHOLDER_RE.fullmatch(code.text or "")
    if len(code) or not placeholder:
        return False
    index = int(placeholder[1])
    stashed = stash.rawHtmlBlocks[index]
    if isinstance(stashed, str):
        stash.rawHtmlBlocks[index] = WRAP_POINT.sub("<wbr>", stashed)
    return True


class PathWrap(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        codes = [
            code
            for cell in root.iter()
            if cell.tag in CELLS
            for code in cell.iter("code")
        ]
        for code in codes:
            if not wrap_stashed(code, self.md.htmlStash):
                wrap_points(code)


class PathWrapExtension(Extension):
    """Registers :class:`PathWrap` with Python-Markdown."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.registerExtension(self)
        # After the inline patterns (20), which make the code elements.
        md.treeprocessors.register(PathWrap(md), "chapter2_path_wrap", 3)


def makeExtension(**kwargs: Any) -> PathWrapExtension:  # noqa: N802
    """What Python-Markdown calls for ``sitetools.path_wrap``."""
    return PathWrapExtension(**kwargs)
