// Copy buttons on doctest blocks copy code a reader can paste and run, and
// every copy button keeps its name.
//
// Blocks written on the pages get their copy from the build (the data-copy
// of their wrapper, sitetools/codeblocks.py); this script serves the
// examples in docstrings on the API reference pages, with the same rule.
//
// A >>> block shows a session: `>>>` and `...` prompts, then the output
// the test suite checks. Material's copy button copies all of it, which no
// Python accepts. Material copies the `data-copy` attribute of the nearest
// enclosing element when there is one, so each doctest block gets that
// attribute, holding its source lines without prompts and without output.
//
// The lines are picked the way Python's doctest module reads a session: a
// line starting with `>>>` begins an example, the `...` lines right after it
// continue it, and every other line is expected output. (Output that is
// itself "..." is still output, because it does not follow a source line.)
// tests/browser/test_copy.py clicks the button, reads the clipboard, compares it
// with doctest's own parse of the page source and runs it.

(() => {
  "use strict";

  const FIRST = /^>>>(?: |$)/;
  const MORE = /^\.\.\.(?: |$)/;

  // Python's interactive prompt ends a compound statement (for, def, try,
  // a decorated class...) only at a blank line, so one follows each; such a
  // statement is the one that starts with one of these words.
  const COMPOUND = /^(async\s+)?(if|for|while|with|try|def|class|match)\b|^@/;

  function runnable(session) {
    const code = [];
    let compound = false;
    let inExample = false;
    for (const line of session.split("\n")) {
      if (FIRST.test(line)) {
        if (compound) code.push("");
        compound = COMPOUND.test(line.slice(4));
      }
      if (FIRST.test(line) || (inExample && MORE.test(line))) {
        code.push(line.slice(4));
        inExample = true;
      } else {
        inExample = false;
      }
    }
    return `${code.join("\n")}\n`;
  }

  function markDoctestBlocks() {
    for (const code of document.querySelectorAll(".highlight > pre > code")) {
      if (code.closest("[data-copy]")) continue; // the build said what to copy
      const session = code.textContent;
      if (FIRST.test(session.trimStart())) {
        code.closest(".highlight").setAttribute("data-copy", runnable(session));
      }
    }
  }

  // The copy button's only name is its title, and Material's tooltips
  // (content.tooltips) take the title away the first time the pointer or
  // the keyboard reaches it, leaving a button with no name for a screen
  // reader. Each button gets that title as its aria-label first: this
  // listener, on the document in the capture phase, runs before the
  // tooltip's own, on the button.
  function keepName(event) {
    const button = event.target.closest?.("button.md-code__button[title]");
    if (button && !button.hasAttribute("aria-label")) {
      button.setAttribute("aria-label", button.getAttribute("title"));
    }
  }
  document.addEventListener("pointerover", keepName, true);
  document.addEventListener("focusin", keepName, true);

  // Once the page is read, and on each page Material's instant navigation
  // brings (document$, which does not emit on a page opened from a file).
  // A block marked already is skipped.
  document.addEventListener("DOMContentLoaded", markDoctestBlocks);
  if (typeof document$ !== "undefined") document$.subscribe(markDoctestBlocks);
})();
