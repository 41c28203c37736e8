"""What the build renders for readers, checked in the HTML without a browser."""

from __future__ import annotations

import re

from tests.support.sitebuild import BuildResult

NESTED_QUOTES = re.compile(r"<blockquote>\s*<blockquote>")


def test_no_doctest_is_rendered_as_nested_quotes(built_site: BuildResult) -> None:
    """``>>>`` outside a code block is Markdown for three nested quotes.

    That happens to a docstring example that is not under an ``Examples:``
    heading: the API reference shows it as quoted prose, prompts gone and
    code and output run together. Under ``Examples:`` it is a code block.
    """
    offenders = [
        str(page.relative_to(built_site.site))
        for page in sorted(built_site.site.rglob("*.html"))
        if NESTED_QUOTES.search(page.read_text(encoding="utf-8"))
    ]
    assert not offenders, (
        f"doctest rendered as nested quotes on {offenders}: put docstring"
        " examples under an 'Examples:' heading"
    )


def test_every_page_has_one_title(built_site: BuildResult) -> None:
    """A prose line that starts with ``#`` (an issue number) is a heading.

    Markdown turns it into a second ``<h1>`` in the middle of a paragraph,
    and into an entry of the table of contents.
    """
    offenders = {
        str(page.relative_to(built_site.site)): count
        for page in sorted(built_site.site.rglob("*.html"))
        if page.name != "404.html"
        and (count := len(re.findall(r"<h1[\s>]", page.read_text(encoding="utf-8"))))
        != 1
    }
    assert not offenders, (
        f"pages without exactly one <h1>: {offenders}; a line starting with '#'"
        " in a paragraph becomes a heading"
    )
