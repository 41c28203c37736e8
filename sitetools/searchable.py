"""Markdown extension: keep code blocks and drawings out of the search index.

Listed under ``markdown_extensions`` in mkdocs.yml as ``sitetools.searchable``.
Search shows a section's indexed text as the preview of each hit, so a
section that starts with a listing was previewed as the whole listing, and a
diagram as the jumble of its SVG labels. This marks every highlighted code
block (fenced blocks, included listings, the API reference's source and
signatures) and every inline SVG with ``data-search-exclude``, which the
search of both Material for MkDocs and Zensical leave out of the index (and
then remove from the page): hits come from, and are previewed with, the
prose, the inline code in it and the API reference's docstrings.
"""

from __future__ import annotations

import re
from typing import Any

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# The opening tag of a highlighted block (<div class="language-rust
# highlight">), of one with line numbers (<table class="highlighttable">, as
# the API reference shows source) or of an inline drawing (<svg ...>). Both
# searches skip what is inside a marked element only until the first closing
# tag of the same name, so a block with line numbers, which nests divs, is
# marked at its table.
UNSEARCHED = re.compile(
    r"<(?P<tag>div|table)\b(?P<attrs> class=\"(?:[^\"]* )?highlight(?:table)?"
    r"(?: [^\"]*)?\")"
    r"|<(?P<svg>svg)\b"
)
# With a value: Material's search removes data-search-* attributes that have
# one from the page once it has read them, as Zensical's does, so both sites
# ship the same HTML (and each figure exactly as drawn).
MARK = 'data-search-exclude="true"'


def mark(html: str) -> str:
    """``html`` with each code block and drawing marked as not searched."""

    def marked(found: re.Match[str]) -> str:
        tag = found["svg"] or found["tag"]
        return f"<{tag} {MARK}{found['attrs'] or ''}"

    return UNSEARCHED.sub(marked, html)


class MarkUnsearched(Postprocessor):
    def run(self, text: str) -> str:
        return mark(text)


class SearchableExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        # After raw HTML is put back (priority 30: code blocks and figures are
        # stashed until then), before Zensical's search reads the page (0).
        md.postprocessors.register(MarkUnsearched(md), "searchable", 10)


def makeExtension(**kwargs: Any) -> SearchableExtension:  # noqa: N802
    return SearchableExtension(**kwargs)
