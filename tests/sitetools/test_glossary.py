"""The glossary: its page, and the tooltips on the first use of each term.

The browser side (keyboard focus and hover show the definition) is in
``tests/browser/test_glossary.py``.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from sitetools.glossary import GlossaryError, entries
from tests.support.sitebuild import ROOT, BuildResult, config, html_path, nav_pages

GLOSSARY = ROOT / "docs" / "glossary.md"
TERM = re.compile(
    r'<abbr class="glossary-term" tabindex="0" title="(?P<title>[^"]*)">'
    r"(?P<text>[^<]*)</abbr>"
)
CHAPTER_PAGES = [
    page
    for page in nav_pages(config()["nav"])
    if not page.startswith("reference/") and page != "glossary.md"
]

SAMPLE = """\
# Sample

<div class="glossary" markdown>

future
:   Work not finished yet.
    [Explained](index.md#future)

leaf future
:   A future at the bottom, which stores the `waker`.
    [Explained](index.md#leaf)

waker
:   What brings a task back.
    [Explained](index.md#waker)

</div>
"""


def render(text: str, tmp_path: Path, glossary: str = SAMPLE) -> str:
    source = tmp_path / "glossary.md"
    source.write_text(glossary, encoding="utf-8")
    return markdown.markdown(
        text,
        extensions=[
            "admonition",
            "attr_list",
            "def_list",
            "md_in_html",
            "pymdownx.details",
            "pymdownx.superfences",
            "pymdownx.tabbed",
            "sitetools.glossary",
        ],
        extension_configs={
            "pymdownx.tabbed": {"alternate_style": True},
            "sitetools.glossary": {"source": str(source)},
        },
    )


def marked(html: str) -> list[tuple[str, str]]:
    return [(m["text"], unescape(m["title"])) for m in TERM.finditer(html)]


def test_the_first_use_of_each_term_gets_its_definition(tmp_path: Path) -> None:
    html = render(
        "Futures wait. A future waits; a leaf future keeps the waker. The waker wakes.",
        tmp_path,
    )
    assert marked(html) == [
        ("Futures", "Work not finished yet."),
        ("leaf future", "A future at the bottom, which stores the waker."),
        ("waker", "What brings a task back."),
    ]
    assert html.count("glossary-term") == 3
    assert "The waker wakes." in html  # later uses stay plain text


@pytest.mark.parametrize(
    "where",
    [
        "`a future` in code",
        "[a future](elsewhere.md) as a link",
        "# A future in a heading",
        '!!! note "A future in a title"\n\n    Body.',
        '??? note "Collapsed"\n\n    A future, hidden until opened.',
        '<div class="glossary" markdown>\n\nA future in the glossary.\n\n</div>',
        "```text\na future in a code block\n```",
    ],
)
def test_terms_are_left_alone_where_a_tooltip_would_be_wrong(
    tmp_path: Path, where: str
) -> None:
    assert marked(render(where, tmp_path)) == []


def test_only_the_first_tab_of_a_tab_set_is_marked(tmp_path: Path) -> None:
    text = '=== "Rust"\n\n    A waker here.\n\n=== "Python"\n\n    A future here.\n'
    assert [term for term, _ in marked(render(text, tmp_path))] == ["waker"]


def test_a_docstring_in_the_api_reference_is_left_alone(tmp_path: Path) -> None:
    class MkdocstringsInnerExtension(markdown.Extension):  # the name is the sign
        def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802
            md.registerExtension(self)

    source = tmp_path / "glossary.md"
    source.write_text(SAMPLE, encoding="utf-8")
    html = markdown.markdown(
        "A future.",
        extensions=[MkdocstringsInnerExtension(), "sitetools.glossary"],
        extension_configs={"sitetools.glossary": {"source": str(source)}},
    )
    assert marked(html) == []


def test_an_entry_without_a_link_is_refused(tmp_path: Path) -> None:
    entries.cache_clear()
    with pytest.raises(GlossaryError, match="'future' must end with a link"):
        render("A future.", tmp_path, "future\n:   Work not finished yet.\n")
    entries.cache_clear()


def test_the_glossary_page_is_in_the_nav_and_every_entry_links_somewhere() -> None:
    assert "glossary.md" in nav_pages(config()["nav"])
    found = entries(GLOSSARY)
    assert len(found) >= 10
    for entry in found:
        assert entry.definition.endswith("."), entry
        page = entry.explained_at.partition("#")[0]
        assert (ROOT / "docs" / page).is_file(), entry


def test_every_page_shows_definitions_from_the_glossary(
    built_site: BuildResult,
) -> None:
    """Each chapter page marks terms, once each, with the glossary's words,
    and every term of the glossary is marked somewhere."""
    definitions = {entry.term.lower(): entry.definition for entry in entries(GLOSSARY)}
    used: set[str] = set()
    for page in CHAPTER_PAGES:
        html = html_path(built_site.site, page).read_text(encoding="utf-8")
        terms = marked(html)
        assert terms, f"{page} marks no glossary term"
        keys = [text.lower().removesuffix("s") for text, _ in terms]
        assert len(keys) == len(set(keys)), f"{page} marks a term twice: {keys}"
        for key, (text, title) in zip(keys, terms, strict=True):
            assert title == definitions[key], f"{page}: {text!r} has {title!r}"
        used |= set(keys)
    assert used == set(definitions), f"never marked: {set(definitions) - used}"
    glossary = html_path(built_site.site, "glossary.md").read_text(encoding="utf-8")
    assert not marked(glossary)


def test_python_async_glosses_coroutine_function_as_one_term(
    built_site: BuildResult,
) -> None:
    """Its first paragraph says 'calling a coroutine function': the tooltip
    is the function's, not the coroutine object's."""
    html = html_path(built_site.site, "python-async.md").read_text(encoding="utf-8")
    assert "coroutine function" in [text for text, _ in marked(html)]


class TextOf(HTMLParser):
    """The text a browser shows for an HTML fragment (innerHTML)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text = ""

    def handle_data(self, data: str) -> None:
        self.text += data


def test_a_definition_with_angle_brackets_shows_as_text_in_the_tooltip(
    tmp_path: Path,
) -> None:
    # The theme's tooltip sets the title as innerHTML: "Pin<Box<T>>" showed
    # as "Pin>" before, "<Box" being read as a tag.
    glossary = SAMPLE.replace("Work not finished yet.", "Like `Pin<Box<T>>` & co.")
    ((_, title),) = marked(render("A future.", tmp_path, glossary))
    shown = TextOf()
    shown.feed(title)
    shown.close()
    assert shown.text.replace("\u2060", "") == "Like Pin<Box<T>> & co."
    assert title.replace("\u2060", "") == "Like Pin<Box<T>> & co."


@pytest.mark.parametrize(
    ("second", "said"),
    [("waker", "'waker' twice"), ("Waker", "'Waker' twice (first as 'waker')")],
)
def test_a_term_defined_twice_is_named(tmp_path: Path, second: str, said: str) -> None:
    entries.cache_clear()
    glossary = SAMPLE.replace(
        "</div>", f"{second}\n:   Again.\n    [Explained](index.md#w)\n\n</div>"
    )
    with pytest.raises(GlossaryError) as raised:
        render("A future.", tmp_path, glossary)
    entries.cache_clear()
    assert str(raised.value).endswith(f"defines {said}")
