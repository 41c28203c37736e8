"""Markdown extension: the first use of a glossary term shows its definition.

Listed under ``markdown_extensions`` in mkdocs.yml as ``sitetools.glossary``,
so MkDocs and Zensical both run it. The terms and their one-line definitions
come from the glossary page, ``docs/glossary.md``, a definition list that
readers see too: one source for both.

On each page, the first use of each term in running text becomes ::

    <abbr class="glossary-term" title="DEFINITION" tabindex="0">term</abbr>

Only the first, so that a page is not underlined all over and a keyboard
user meets each term once in the tab order. ``tabindex`` makes it focusable,
and the theme's tooltips (Material's ``content.tooltips``) show the title on
focus as well as on hover; without JavaScript the browser still shows the
title on hover. Text where a tooltip would be wrong or invisible is left
alone: code, links, headings, buttons and summaries, admonition titles,
collapsed blocks, all but the first tab of a tab set, and the glossary itself.
Docstrings rendered by mkdocstrings are left alone too: the API reference
documents code, not the chapter's prose.

A project without the glossary page (the tests' minimal scratch copies) gets
no tooltips; in the real site the nav names the page, so the strict build
fails if it is missing, and the site tests check that every page has terms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

# An entry of the glossary page: a term, then ":   " and its definition over
# indented lines, the last of which is a link to where the chapter explains it.
ENTRY = re.compile(
    r"^(?P<term>[^\s:<][^\n]*)\n:   (?P<body>[^\n]+(?:\n    [^\n]+)*)",
    re.MULTILINE,
)
LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)\s*$")

SKIPPED_TAGS = {
    "a", "abbr", "button", "code", "details", "dt", "h1", "h2", "h3", "h4",
    "h5", "h6", "kbd", "label", "pre", "script", "style", "summary",
}  # fmt: skip
SKIPPED_CLASSES = {"admonition-title", "glossary"}

# The theme's tooltip puts the title into the page as HTML (innerHTML), so a
# definition that says Pin<Box<T>> showed as "Pin>": "<Box" opened a tag. A
# word joiner (U+2060: invisible, and skipped by screen readers) after each
# "<" and "&" keeps the HTML parser from reading a tag or an entity there,
# and the browser's own title tooltip, without JavaScript, shows the same.
AS_TEXT = str.maketrans({"<": "<\u2060", "&": "&\u2060"})


class GlossaryError(ValueError):
    """The glossary page has an entry the extension cannot use."""


@dataclass(frozen=True)
class Entry:
    term: str
    definition: str  # one line, plain text: what the tooltip shows
    explained_at: str  # the link target, e.g. "async-fn.md#waker"


@cache
def entries(path: Path) -> tuple[Entry, ...]:
    """The glossary's entries, in the page's order; none if there is no page."""
    if not path.is_file():
        return ()
    text = path.read_text(encoding="utf-8")
    found = []
    for match in ENTRY.finditer(text):
        body = " ".join(line.strip() for line in match["body"].splitlines())
        link = LINK.search(body)
        if link is None:
            raise GlossaryError(
                f"{path}: the entry {match['term']!r} must end with a link to "
                "where the chapter explains it"
            )
        definition = body[: link.start()].replace("`", "").strip()
        found.append(Entry(match["term"].strip(), definition, link["target"]))
    if not found:
        raise GlossaryError(f"{path} has no entries")
    first: dict[str, str] = {}
    for entry in found:
        earlier = first.setdefault(entry.term.lower(), entry.term)
        if earlier is not entry.term:
            also = "" if earlier == entry.term else f" (first as {earlier!r})"
            raise GlossaryError(f"{path} defines {entry.term!r} twice{also}")
    return tuple(found)


def term_pattern(glossary: tuple[Entry, ...]) -> re.Pattern[str]:
    """Each term as a whole word, with a capital first letter or not, and
    with a plural s or not; longer terms first, so "leaf future" wins over
    "future"."""
    alternatives = []
    for entry in sorted(glossary, key=lambda entry: -len(entry.term)):
        first, rest = entry.term[0], re.escape(entry.term[1:])
        alternatives.append(f"[{first.upper()}{first.lower()}]{rest}s?")
    return re.compile(rf"\b(?:{'|'.join(alternatives)})\b")


class GlossaryTerms(Treeprocessor):
    """Wraps the first use of each glossary term on a page in an ``abbr``."""

    def __init__(self, md: Markdown, glossary: tuple[Entry, ...]) -> None:
        super().__init__(md)
        self.definitions = {entry.term.lower(): entry.definition for entry in glossary}
        self.pattern = term_pattern(glossary)
        self.unused: set[str] = set()

    def run(self, root: Element) -> None:
        if not self.definitions or any(
            type(extension).__name__ == "MkdocstringsInnerExtension"
            for extension in self.md.registeredExtensions
        ):
            return  # a docstring in the API reference
        self.unused = set(self.definitions)
        self.visit(root)

    def key(self, word: str) -> str | None:
        """The glossary term that ``word`` (as matched) is a form of."""
        lowered = word.lower()
        for candidate in (lowered, lowered.removesuffix("s")):
            if candidate in self.definitions:
                return candidate
        return None

    def skipped(self, element: Element) -> bool:
        classes = set(element.get("class", "").split())
        return element.tag in SKIPPED_TAGS or bool(classes & SKIPPED_CLASSES)

    def visit(self, element: Element) -> None:
        if self.skipped(element):
            return
        element.text, found = self.mark(element.text)
        for index, abbr in enumerate(found):
            element.insert(index, abbr)
        children = list(element)[len(found) :]
        later_tabs = "tabbed-content" in element.get("class", "").split()
        for number, child in enumerate(children):
            if not (later_tabs and number > 0):
                self.visit(child)
            child.tail, found = self.mark(child.tail)
            position = list(element).index(child) + 1
            for offset, abbr in enumerate(found):
                element.insert(position + offset, abbr)

    def mark(self, text: str | None) -> tuple[str | None, list[Element]]:
        """Split ``text`` at the first use of each unused term.

        Returns the text before the first term and the new ``abbr`` elements,
        each carrying the text that follows it as its tail.
        """
        if not text or isinstance(text, AtomicString) or not self.unused:
            return text, []
        head: str | None = None
        found: list[Element] = []
        start = 0
        for match in self.pattern.finditer(text):
            key = self.key(match[0])
            if key is None or key not in self.unused:
                continue
            self.unused.discard(key)
            before = text[start : match.start()]
            if found:
                found[-1].tail = before
            else:
                head = before
            abbr = Element(
                "abbr",
                {
                    "class": "glossary-term",
                    "title": self.definitions[key].translate(AS_TEXT),
                    "tabindex": "0",
                },
            )
            abbr.text = AtomicString(match[0])
            found.append(abbr)
            start = match.end()
        if not found:
            return text, []
        found[-1].tail = text[start:]
        return head, found


class GlossaryExtension(Extension):
    """Registers :class:`GlossaryTerms` with Python-Markdown."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "source": [
                "docs/glossary.md",
                "The glossary page, relative to the directory the build runs in",
            ]
        }
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.registerExtension(self)
        glossary = entries(Path(self.getConfig("source")).resolve())
        # After inline markup (20) and attr_list (8), so the text is final;
        # before abbr (7) and toc (5), which do not look inside our abbr.
        md.treeprocessors.register(
            GlossaryTerms(md, glossary), "chapter2_glossary", 7.5
        )


def makeExtension(**kwargs: Any) -> GlossaryExtension:  # noqa: N802
    """What Python-Markdown calls for ``sitetools.glossary``."""
    return GlossaryExtension(**kwargs)
