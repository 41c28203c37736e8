"""The build refuses a page with a fence left open or a script in its HTML
(sitetools/pagecheck.py), through the Markdown extension itself: a scratch
site build per case would cost seconds each."""

from __future__ import annotations

import re

import markdown
import pytest

from sitetools.pagecheck import PageError, fence_problems
from tests.support.sitebuild import ROOT, config

# The site's own extensions, in its order, less those that need its files.
EXTENSIONS = [
    "admonition",
    "attr_list",
    "md_in_html",
    "pymdownx.superfences",
    "pymdownx.tabbed",
    "sitetools.pagecheck",
]


def render(text: str) -> str:
    return markdown.markdown(text, extensions=EXTENSIONS)


def test_the_site_runs_the_check() -> None:
    assert "sitetools.pagecheck" in [
        name if isinstance(name, str) else next(iter(name))
        for name in config()["markdown_extensions"]  # type: ignore[attr-defined]
    ]


@pytest.mark.parametrize(
    ("page", "said"),
    [
        (
            "```pycon\n>>> 1 + 1\n2\n\nProse.\n\n```python\nx = 1\n```\n",
            "line 1: the ```pycon fence is not closed before the ```python"
            " fence on line 7",
        ),
        (
            "Prose.\n\n```pycon\n>>> 1\n1\n",
            "line 3: the ```pycon fence is never closed",
        ),
        (
            '=== "Python"\n\n    ```python\n    x = 1\n\n=== "Rust"\n\n'
            "    ```rust\n    fn main() {}\n    ```\n",
            "line 3: the ```python fence is not closed before the ```rust fence",
        ),
        ("<script>alert(1)</script>\n", "found a <script> element"),
        ('Text <span onclick="go()">here</span>.\n', "an onclick= attribute on <span>"),
        ('<div onmouseover="go()" markdown>\n\n**x**\n\n</div>\n', "onmouseover="),
        ('A paragraph.\n{ onclick="go()" }\n', "an onclick= attribute on <p>"),
        ("[here](javascript:go())\n", "a javascript: address in href= on <a>"),
        ('<img src="x.png" onerror="go()">\n', "an onerror= attribute on <img>"),
    ],
)
def test_a_broken_page_is_refused_with_what_is_wrong(page: str, said: str) -> None:
    with pytest.raises(PageError, match=re.escape(said)):
        render(page)


@pytest.mark.parametrize(
    "page",
    [
        "````markdown\n```python\nx = 1\n```\n````\n",  # a fence shown inside one
        "~~~text\n```python\n~~~\n",  # another kind of fence is content
        "```html\n<script>go()</script> <b onclick=go()>\n```\n",  # code, escaped
        "Say `<script>` or `onclick=` in prose.\n",
        '<div class="x" markdown>\n\n**fine**\n\n</div>\n',
    ],
)
def test_what_only_looks_like_it_passes(page: str) -> None:
    render(page)


def test_every_page_of_the_site_passes() -> None:
    for page in sorted((ROOT / "docs").rglob("*.md")):
        lines = page.read_text(encoding="utf-8").splitlines()
        assert not fence_problems(lines), page


def test_each_raw_html_block_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Postprocessors run again for every heading (the toc extension renders
    each one): parsing the page's whole stash each time made the site's build
    four times slower. A second page through the same Markdown is checked
    afresh."""
    from sitetools import pagecheck

    parsed: list[str] = []
    real = pagecheck.script_problems
    monkeypatch.setattr(
        pagecheck, "script_problems", lambda html: parsed.append(html) or real(html)
    )
    md = markdown.Markdown(extensions=[*EXTENSIONS, "toc"])
    headings = "".join(f"## Part {n}\n\n<span>{n}</span>\n\n" for n in range(20))
    md.convert(headings)
    assert len(parsed) == len(md.htmlStash.rawHtmlBlocks) == 40  # a tag each
    md.reset()
    with pytest.raises(PageError, match="<script>"):
        md.convert("## One\n\n<script>go()</script>\n")
