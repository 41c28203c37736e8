"""At desktop width (1280 px) every code block can be read whole: nothing is
cut off at the column's edge, a long output line wraps with its continuation
indented, and no row of a printed table wraps."""

from __future__ import annotations

from tests.browser.pages import NAV_PAGES, Opened, on_pages

# Shows every block at once: the ones in hidden tabs and closed details too
# (the column, and so each block's width, is the same in every tab). Then,
# for each block: how far it overflows, whether any line wraps and whether
# wrapped lines get their cue (the hanging indent), and which lines of a
# printed table (from its heading line to the next prompt) wrap.
MEASURE_JS = """
() => {
  const style = document.createElement('style');
  style.textContent = '.tabbed-set > .tabbed-content > .tabbed-block'
    + ' { display: block !important; }';
  document.head.append(style);
  const closed = [...document.querySelectorAll('.md-content details:not([open])')];
  closed.forEach((details) => { details.open = true; });
  const TABLE_HEADING = /^(poll|strategy)  /;
  try {
    return [...document.querySelectorAll('.md-content pre > code')].map((code) => {
      const text = code.textContent.replace(/\\n$/, '');
      const lines = text.split('\\n');
      const css = getComputedStyle(code);
      const lineHeight = parseFloat(css.lineHeight);
      const padding = parseFloat(css.paddingTop) + parseFloat(css.paddingBottom);
      // Where each line of text starts, to measure it with a Range.
      const nodes = [];
      const walker = document.createTreeWalker(code, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(), at = 0; node; node = walker.nextNode()) {
        nodes.push([node, at]);
        at += node.length;
      }
      const point = (offset) => {
        for (let i = nodes.length - 1; i >= 0; i--) {
          if (nodes[i][1] <= offset) return [nodes[i][0], offset - nodes[i][1]];
        }
        return [code, 0];
      };
      const wraps = (start, end) => {
        if (end === start) return false;
        const range = document.createRange();
        range.setStart(...point(start));
        range.setEnd(...point(end));
        const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
        return tops.size > 1;
      };
      const tableRowsWrapped = [];
      let inTable = false;
      let offset = 0;
      for (const line of lines) {
        if (TABLE_HEADING.test(line)) inTable = true;
        else if (/^(>>>|\\.\\.\\.) /.test(line) || !line.trim()) inTable = false;
        if (inTable && wraps(offset, offset + line.length)) tableRowsWrapped.push(line);
        offset += line.length + 1;
      }
      return {
        first: lines.find((line) => line.trim()) || '',
        over: code.scrollWidth - code.clientWidth,
        wrapped: code.clientHeight - padding > lines.length * lineHeight + 1,
        indent: css.textIndent,
        tableRowsWrapped,
      };
    });
  } finally {
    style.remove();
    closed.forEach((details) => { details.open = false; });
  }
}
"""


@on_pages(NAV_PAGES)
def test_no_code_block_is_cut_off_at_desktop_width(quiet: Opened) -> None:
    """The review found 13 output blocks on 5 pages cut off at the edge, with
    nothing to show that more was there."""
    blocks = quiet.page.evaluate(MEASURE_JS)
    cut = [
        f"{block['over']} px too wide: {block['first'][:60]}"
        for block in blocks
        if block["over"] > 1
    ]
    assert not cut, f"{quiet.name}, at 1280 px:\n" + "\n".join(cut)
    no_cue = [
        f"{block['first'][:60]} (text-indent: {block['indent']})"
        for block in blocks
        if block["wrapped"] and "hanging" not in block["indent"]
    ]
    assert not no_cue, f"{quiet.name}: wrapped without an indent:\n" + "\n".join(no_cue)
    broken_tables = [row for block in blocks for row in block["tableRowsWrapped"]]
    assert not broken_tables, (
        f"{quiet.name}: table rows that wrap (make the table narrower):\n"
        + "\n".join(broken_tables)
    )
