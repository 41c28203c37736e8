"""Markdown extension: put what the build generates from the model on the page.

Listed under ``markdown_extensions`` in mkdocs.yml as ``sitetools.generated``,
so MkDocs and Zensical both run it (Zensical ignores ``hooks:``). A line of
its own such as ::

    <!-- figure: atm-states -->

is replaced with the figure :mod:`sitetools.figures` builds for that name,
and ``<!-- stepper: NAME -->`` with the stepper :mod:`sitetools.steppers`
computes. An unknown name fails the build, and so does a marker that is
indented (inside a tab or an admonition), where it could not stand as a block
of HTML of its own. Without this extension the marker would stay an HTML
comment and the figure would silently vanish; the site tests look for that.

The HTML holds no address: builders differ in how they rewrite relative
addresses in raw HTML. A stepper's script is loaded by
``assets/stepper/loader.js`` (in ``extra_javascript``, which both builders
address right wherever the site is deployed) on the pages that have one.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from sitetools import figures, steppers
from sitetools.steppers import widget

# What each kind of marker becomes: kind -> (name -> HTML).
MAKERS: dict[str, Callable[[str], str]] = {
    "figure": lambda name: figures.as_html(figures.render(name)),
    "stepper": lambda name: widget.as_html(steppers.build(name)),
}

MARKER = re.compile(r"<!-- (?P<kind>[a-z]+): (?P<name>[\w-]+) -->[ \t]*")
INDENTED_MARKER = re.compile(rf"[ \t]+<!-- (?:{'|'.join(MAKERS)}): [\w-]+ -->")


class MisplacedMarker(ValueError):
    """A marker is indented (inside a tab or admonition)."""


class GeneratedContent(Preprocessor):
    """Replaces each marker line with the HTML generated for it.

    The HTML goes into Markdown's stash of raw HTML, so it reaches the page
    exactly as generated, and the placeholder stands alone between blank
    lines, as a block.
    """

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        for line in lines:
            marker = MARKER.fullmatch(line)
            if marker and marker["kind"] in MAKERS:
                html = MAKERS[marker["kind"]](marker["name"])
                out += ["", self.md.htmlStash.store(html), ""]
                continue
            if INDENTED_MARKER.match(line):
                # Indented raw HTML is not a raw HTML block: it would vanish.
                raise MisplacedMarker(
                    f"{line.strip()} is indented; figures and steppers must "
                    "stand at the left margin, outside tabs and admonitions"
                )
            out.append(line)
        return out


class GeneratedExtension(Extension):
    """Registers :class:`GeneratedContent` with Python-Markdown."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.registerExtension(self)
        content = GeneratedContent(md)
        # After snippets (32) and superfences (25), which has already stashed
        # fenced code, so a marker quoted in a code block stays as written;
        # before raw HTML blocks are read (20).
        md.preprocessors.register(content, "chapter2_generated", 24)


def makeExtension(**kwargs: Any) -> GeneratedExtension:  # noqa: N802
    """What Python-Markdown calls for ``sitetools.generated``."""
    return GeneratedExtension(**kwargs)
