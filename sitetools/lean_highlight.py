"""Markdown extension: drop highlighting spans that change nothing on screen.

Listed under ``markdown_extensions`` in mkdocs.yml as
``sitetools.lean_highlight``, so MkDocs and Zensical both run it. Pygments
wraps every run of whitespace in ``<span class="w">`` and every plain name
in ``<span class="n">``. The theme gives whitespace no style, and colours a
plain name with ``--md-code-hl-name-color``, which Material sets to the code
block's own text colour and this site leaves alone (a test checks both). So
both spans are invisible, yet they were a fifth of a code-heavy page's HTML.
Unwrapping them keeps every character, every colour and what the copy
button copies, and helps keep each page within the 150 KB (gzipped, as
served) that the browser tests allow on first load.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# Pygments' token classes that render exactly as the surrounding code text.
PLAIN_CLASSES = ("n", "w")
PLAIN_SPAN = re.compile(rf'<span class="(?:{"|".join(PLAIN_CLASSES)})">([^<]*)</span>')


def unwrap_plain_spans(html: str) -> str:
    """``html`` without the spans of :data:`PLAIN_CLASSES`, text kept."""
    return PLAIN_SPAN.sub(r"\1", html)


class LeanHighlight(Postprocessor):
    def run(self, text: str) -> str:
        return unwrap_plain_spans(text)


class LeanHighlightExtension(Extension):
    """Registers :class:`LeanHighlight` with Python-Markdown."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.registerExtension(self)
        # After raw_html (30), which puts the highlighted code blocks back.
        md.postprocessors.register(LeanHighlight(md), "chapter2_lean_highlight", 25)


def makeExtension(**kwargs: Any) -> LeanHighlightExtension:  # noqa: N802
    """What Python-Markdown calls for ``sitetools.lean_highlight``."""
    return LeanHighlightExtension(**kwargs)
