"""What the build renders for readers, checked in the HTML without a browser."""

from __future__ import annotations

import re

from tests.sitebuild import BuildResult

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
