"""Paths in table cells wrap between their parts (sitetools/path_wrap.py).

The browser test (tests/browser/test_typography.py) checks that on a phone no
name in the API reference's table is cut; these check where the build marks
the wrap points.
"""

from __future__ import annotations

import markdown

from tests.support.sitebuild import BuildResult, html_path

TABLE = "| Models |\n| --- |\n| {} |\n"


def rendered(cell: str, *extensions: str) -> str:
    return markdown.markdown(
        TABLE.format(cell),
        extensions=["tables", *extensions, "sitetools.path_wrap"],
        output_format="html",
    )


def test_a_path_wraps_after_colons_and_before_dots_only() -> None:
    cells = "`std::future::Future` `chapter2.task.Ready` `0.1` `x...` `Poll::Ready(42)`"
    expected = (
        "<code>std::<wbr>future::<wbr>Future</code> "
        "<code>chapter2<wbr>.task<wbr>.Ready</code> <code>0.1</code> "
        "<code>x...</code> <code>Poll::<wbr>Ready(42)</code>"
    )
    # Plain Markdown, and pymdownx.inlinehilite (the site's), which keeps
    # inline code in the raw HTML stash.
    assert expected in rendered(cells)
    assert expected in rendered(cells, "pymdownx.inlinehilite")


def test_a_header_cell_wraps_as_a_body_cell_does() -> None:
    """async-fn.md's byte map names rustc's variants in its header row."""
    page = markdown.markdown(
        "| Done (`Poll::Ready`) |\n| --- |\n| x |\n",
        extensions=["tables", "pymdownx.inlinehilite", "sitetools.path_wrap"],
    )
    assert "<th>Done (<code>Poll::<wbr>Ready</code>)</th>" in page


def test_only_code_in_table_cells_is_marked() -> None:
    page = markdown.markdown(
        "`std::future::Future` in a paragraph\n\n" + TABLE.format("std::task"),
        extensions=["tables", "pymdownx.inlinehilite", "sitetools.path_wrap"],
    )
    assert "<wbr" not in page


def test_the_api_reference_table_marks_its_rust_paths(built_site: BuildResult) -> None:
    page = html_path(built_site.site, "reference/index.md").read_text(encoding="utf-8")
    assert "<code>std::<wbr>future::<wbr>Future</code>" in page
