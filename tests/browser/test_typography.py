"""Type a reader can read: notes in the running text at the body's size, and
module names in the API reference's table whole on a phone."""

from __future__ import annotations

from tests.browser.pages import PHONE, Opened, at_width, on_pages

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


# Each module name in the table's second column: how many lines it takes.
MODULE_LINES_JS = """
() => [...document.querySelectorAll('.md-content table td:nth-child(2) code')]
  .map((code) => [code.textContent, code.getClientRects().length])
"""


@on_pages(["reference/index.md"])
def test_module_names_do_not_break_on_a_phone(quiet: Opened) -> None:
    with at_width(quiet.page, PHONE) as page:
        names = page.evaluate(MODULE_LINES_JS)
    assert len(names) >= 10, names
    broken = [name for name, lines in names if lines > 1]
    assert not broken, f"module names broken across lines at 375 px: {broken}"
