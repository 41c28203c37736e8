"""Type a reader can read: notes in the running text at the body's size, and
names in the API reference's table of modules whole on a phone."""

from __future__ import annotations

from tests.browser.pages import CUT_NAMES_JS, PHONE, Opened, at_width, on_pages

FONT_SIZES_JS = """
() => {
  const size = (el) => parseFloat(getComputedStyle(el).fontSize);
  const body = document.querySelector('.md-content article > p');
  return {
    body: size(body),
    notes: [...document.querySelectorAll('.md-content .admonition:not(details) p')]
      .map((p) => [p.closest('.admonition').querySelector('.admonition-title')
                    .textContent.trim(), size(p)]),
  };
}
"""


@on_pages(["index.md"])
def test_a_note_in_the_text_is_set_at_the_body_size(quiet: Opened) -> None:
    """'How to read these pages' was in Material's fine print for asides."""
    sizes = quiet.page.evaluate(FONT_SIZES_JS)
    titles = [title for title, _ in sizes["notes"]]
    assert "How to read these pages" in titles
    small = [(title, px) for title, px in sizes["notes"] if px < sizes["body"]]
    assert not small, f"notes smaller than the body's {sizes['body']} px: {small}"


# The API reference's table of modules at phone width: how many lines each
# module name (second column) takes, the Rust paths of the third, and whether
# the table fits the screen.
MODULE_TABLE = ".md-content .chapter-modules table"
MODULE_TABLE_JS = f"""
() => {{
  const table = document.querySelector('{MODULE_TABLE}');
  const box = table.closest('.md-typeset__scrollwrap') || table;
  return {{
    modules: [...table.querySelectorAll('td:nth-child(2) code')]
      .map((code) => [code.textContent, code.getClientRects().length]),
    paths: [...table.querySelectorAll('td:nth-child(3) code')]
      .map((code) => code.textContent).filter((text) => text.includes('::')),
    fits: box.scrollWidth <= box.clientWidth,
  }};
}}
"""


@on_pages(["reference/index.md"])
def test_names_in_the_module_table_stay_whole_on_a_phone(quiet: Opened) -> None:
    """Module names never wrap; a Rust path (std::future::Future) wraps only
    between its parts, and the table fits the screen."""
    with at_width(quiet.page, PHONE) as page:
        table = page.evaluate(MODULE_TABLE_JS)
        cut = page.evaluate(CUT_NAMES_JS, MODULE_TABLE)
    assert len(table["modules"]) >= 10, table
    broken = [name for name, lines in table["modules"] if lines > 1]
    assert not broken, f"module names broken across lines at 375 px: {broken}"
    assert "std::future::Future" in table["paths"], table["paths"]
    assert not cut, f"names cut inside at 375 px: {cut}"
    assert table["fits"], "the table of modules is wider than a 375 px screen"
