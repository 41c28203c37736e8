"""Copy buttons on ``>>>`` and console blocks: pressing them, and what they give.

A block the site's fences built carries what Copy should give in its
wrapper's ``data-copy`` (:mod:`sitetools.codeblocks`;
``tests/sitetools/test_codeblocks.py`` pastes each into Python's prompt). A
docstring's example on an API reference page gets it from
``assets/doctest-copy.js``; its copy is checked against the same rule and
run alone, in a fresh namespace.
"""

from __future__ import annotations

import ast
import doctest
import re
import threading
import traceback
from bisect import bisect_left
from dataclasses import dataclass
from doctest import ELLIPSIS
from itertools import accumulate
from types import CodeType
from typing import Any

from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.pages import REVEAL_JS


def exec_outside_the_loop(code: CodeType, namespace: dict[str, Any]) -> None:
    """``exec`` in a thread of its own, as in a reader's fresh interpreter.

    Playwright's sync API keeps an event loop running in the test's thread,
    and ``asyncio.run()`` (on the Python page) refuses to start inside one.
    """
    raised: list[BaseException] = []

    def run() -> None:
        try:
            exec(code, namespace)
        except BaseException as error:
            raised.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if raised:
        raise raised[0]


def run_copied(
    code: str, examples: list[doctest.Example], namespace: dict[str, Any], where: str
) -> None:
    """Run copied code one statement at a time, as a reader pasting it would.

    A statement may raise only where the doctest shows a traceback, and only
    the exception shown there; the session then goes on, as Python's own
    prompt does.
    """
    ends = list(accumulate(example.source.count("\n") for example in examples))
    for statement in ast.parse(code, where).body:
        example = examples[bisect_left(ends, statement.lineno)]
        module = ast.Module(body=[statement], type_ignores=[])
        try:
            exec_outside_the_loop(compile(module, where, "exec"), namespace)
        except Exception as error:
            raised = traceback.format_exception_only(error)[-1]
            expected = example.exc_msg
            if expected is None or not doctest.OutputChecker().check_output(
                expected, raised, ELLIPSIS
            ):
                raise AssertionError(
                    f"{where}, line {statement.lineno}: the copied code raised"
                    f" {raised.strip()}; the page shows {expected or 'no error'}"
                ) from error


def run_docstring_copy(copied: str, shown: str, owner: str) -> None:
    """Run code copied from a docstring's example in a fresh namespace.

    doctest runs a docstring's examples among its module's globals; a reader
    pastes them into a new prompt, which has none of them, so each example
    imports what it uses. ``owner`` is the documented object's dotted path
    (chapter2.recap.drive), for the messages.
    """
    examples = doctest.DocTestParser().get_examples(shown)
    # The blank lines that end compound statements for the prompt change
    # nothing in a module; without them, lines match the examples again.
    code = "\n".join(line for line in copied.splitlines() if line.strip())
    run_copied(code, examples, {"__name__": "__main__"}, f"example in {owner}")


COPY_BUTTON = "button[data-clipboard-target]"
CODE_BLOCKS = ".highlight:has(> pre > code)"
# Gets a block ready to copy: shows it (opening tabs and details around it)
# and empties the clipboard. Returns the text the block shows, the documented
# object whose docstring holds it (mkdocstrings puts each object in a
# .doc-object under a heading with its dotted path), null for a block written
# on the page itself, and the build's data-copy, null where the build gave
# none. One round trip to the browser per block, not five.
PREPARE_COPY_JS = (
    "async (block) => {\n  ("
    + REVEAL_JS.strip()
    + """)(block);
  await navigator.clipboard.writeText('');
  const owner = block.closest('.doc-object');
  const heading = owner && owner.querySelector(':scope > .doc-heading');
  const built = block.closest('.chapter-code');
  return [
    block.querySelector('pre > code').textContent,
    heading ? heading.id : null,
    built ? built.dataset.copy : null,
  ];
}
"""
)
# What the copy button put on the clipboard, once it has put something there.
CLIPBOARD_TEXT = "async () => (await navigator.clipboard.readText()) || null"


@dataclass(frozen=True)
class Copied:
    """What a block showed, what its copy button gave, what the build said."""

    shown: str
    copied: str
    owner: str | None  # the documented object, for a docstring's example
    built: str | None  # the build's data-copy, for a block of the site's fences


# For each block: whether the site's fences built it, and what kind it is.
KIND_JS = """
(block) => [
  block.closest('.chapter-code') !== null,
  block.querySelector('pre > code').textContent.trimStart().slice(0, 3),
]
"""


def copy_each_block(page: Page) -> tuple[list[Copied], int]:
    """Click copy buttons on >>> and console blocks; read the clipboard.

    Every docstring example is copied: assets/doctest-copy.js computes each
    one. Of the blocks the site's fences built, which all carry the build's
    data-copy, the first of each kind (>>>, console) is: the button's part
    is the same for all, and tests/sitetools/test_codeblocks.py checks every data-copy.
    Returns the copies and how many >>> blocks the fences built on the page.
    """
    results = []
    blocks = page.locator(CODE_BLOCKS).filter(
        has=page.locator("pre > code", has_text=re.compile(r"^\s*(>>>|\$ )"))
    )
    handles = blocks.element_handles()
    kinds = [handle.evaluate(KIND_JS) for handle in handles]
    sessions_built = sum(1 for built, kind in kinds if built and kind == ">>>")
    done: set[str] = set()
    for block, (built, kind) in zip(handles, kinds, strict=True):
        if built and kind in done:
            continue
        if built:
            done.add(kind)
        shown, owner, data_copy = block.evaluate(PREPARE_COPY_JS)
        button = block.query_selector(COPY_BUTTON)
        assert button is not None, f"no copy button on the block showing {shown!r}"
        # A real click: Playwright scrolls to the button, moves the mouse over
        # the block (which is what shows the button) and presses.
        button.click()
        try:
            copied = page.wait_for_function(CLIPBOARD_TEXT, timeout=5000).json_value()
        except PlaywrightTimeoutError:
            raise AssertionError(
                f"the copy button put nothing on the clipboard for\n{shown}"
            ) from None
        results.append(Copied(shown, copied, owner, data_copy))
    return results, sessions_built
