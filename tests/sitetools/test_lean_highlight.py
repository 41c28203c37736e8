"""Highlighting spans that change nothing on screen are left out of the pages.

``sitetools.lean_highlight`` unwraps Pygments' plain-name and whitespace
spans. That is safe only while the theme draws both exactly like the code
around them; these tests check that, in the installed theme's stylesheets
and in the site's own.
"""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import material

from sitetools.lean_highlight import PLAIN_CLASSES, unwrap_plain_spans
from tests.support.sitebuild import ROOT, BuildResult, html_path

STYLESHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
CHAPTER_CSS = ROOT / "docs" / "assets" / "chapter.css"


def theme_css() -> str:
    return "\n".join(path.read_text() for path in STYLESHEETS.glob("*.min.css"))


def test_a_plain_name_is_drawn_in_the_code_text_colour() -> None:
    css = theme_css()
    assert ".highlight .kc,.highlight .n{color:var(--md-code-hl-name-color)}" in css
    defined = set(re.findall(r"--md-code-hl-name-color:([^;}]+)", css))
    assert defined == {"var(--md-code-fg-color)"}, defined
    assert "--md-code-hl-name-color" not in CHAPTER_CSS.read_text(encoding="utf-8")


def test_no_stylesheet_styles_the_unwrapped_classes_otherwise() -> None:
    css = theme_css() + CHAPTER_CSS.read_text(encoding="utf-8")
    for name in PLAIN_CLASSES:
        # A rule with its whole selector; the look-behind lets a match start
        # only where a selector can (0.9 CPU-s to 0.01 on the theme's CSS).
        rules = re.findall(
            rf"(?:^|(?<=[{{}}]))[^{{}}]*\.highlight \.{name}\b[^{{]*\{{[^}}]*\}}", css
        )
        allowed = [rule for rule in rules if "--md-code-hl-name-color" in rule]
        assert rules == allowed, f".{name} is styled: {rules}"


def test_unwrapping_keeps_every_character_and_every_other_span() -> None:
    html = markdown.markdown(
        "```rust\nlet total = socks_price + shoes_price;\n```",
        extensions=["pymdownx.highlight", "pymdownx.superfences"],
    )
    lean = unwrap_plain_spans(html)
    assert '<span class="n">' in html
    assert '<span class="w">' in html
    assert '<span class="n">' not in lean
    assert '<span class="w">' not in lean
    assert '<span class="kd">let</span>' in lean
    assert re.sub("<[^>]+>", "", lean) == re.sub("<[^>]+>", "", html)


def test_the_built_pages_have_no_plain_spans(built_site: BuildResult) -> None:
    page = html_path(built_site.site, "async-fn.md").read_text(encoding="utf-8")
    assert '<span class="k">async</span>' in page
    assert '<span class="n">' not in page
    assert '<span class="w">' not in page
