"""Copy buttons on ``>>>`` blocks: what the copy should be, and running it.

What a copy button should give comes from doctest's own reading of the block;
the copied code is then run the way a reader who pasted it would run it.
"""

from __future__ import annotations

import ast
import doctest
import importlib
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
from sybil import Document, Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from sitetools.snippets import expand
from sitetools.sybil_blocks import PYTHON_FENCE_INFO, PythonBlockParser
from tests.browser.pages import DOCS, REVEAL_JS


@dataclass(frozen=True)
class DoctestBlock:
    """A ``>>>`` block in a page's Markdown: where it is, and its examples."""

    start: int
    end: int
    examples: list[doctest.Example]

    @property
    def code(self) -> str:
        """What a reader should get from the copy button (doctest's own parse)."""
        return "".join(example.source for example in self.examples)


def doctest_blocks(document: Document) -> list[DoctestBlock]:
    """Every ``>>>`` block on a page, in page order."""
    lexer = RawFencedCodeBlockLexer(info_pattern=PYTHON_FENCE_INFO)
    blocks = []
    for region in lexer(document):
        text = expand(str(region.lexemes["source"]))[0]
        if text.lstrip().startswith(">>>"):
            examples = doctest.DocTestParser().get_examples(text)
            blocks.append(DoctestBlock(region.start, region.end, examples))
    return blocks


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


def run_page_with_copied_code(page: str, copied: list[str]) -> None:
    """Run the page's Python blocks in order, the doctests replaced by copies.

    Each doctest block is swapped for what its copy button gave, run as plain
    Python in the page's namespace, so later blocks see what it did.
    """
    document = Sybil(parsers=[PythonBlockParser(ELLIPSIS)]).parse(DOCS / page)
    blocks = doctest_blocks(document)
    assert len(blocks) == len(copied)
    done: set[int] = set()
    for example in document.examples():
        number = next(
            (
                i
                for i, b in enumerate(blocks)
                if b.start <= example.region.start < b.end
            ),
            None,
        )
        if number is None:
            example.evaluate()
        elif number not in done:
            done.add(number)
            where = f"{page}, copied block {number + 1}"
            examples = blocks[number].examples
            run_copied(copied[number], examples, document.namespace, where)
    assert done == set(range(len(blocks)))


def run_docstring_copy(copied: str, shown: str, owner: str) -> None:
    """Run code copied from a docstring's example, where doctest runs it.

    doctest runs a docstring's examples in a copy of its module's globals;
    ``owner`` is the documented object's dotted path (chapter2.recap.drive).
    """
    parts = owner.split(".")
    for length in range(len(parts), 0, -1):
        try:
            module = importlib.import_module(".".join(parts[:length]))
        except ImportError:
            continue
        break
    else:
        raise AssertionError(f"no importable module in {owner}")
    examples = doctest.DocTestParser().get_examples(shown)
    run_copied(copied, examples, dict(vars(module)), f"example in {owner}")


COPY_BUTTON = "button[data-clipboard-target]"
DOCTEST_BLOCKS = ".highlight:has(> pre > code)"
# Gets a block ready to copy: shows it (opening tabs and details around it)
# and empties the clipboard. Returns the text the block shows, and the
# documented object whose docstring holds it (mkdocstrings puts each object in
# a .doc-object under a heading with its dotted path), null for a block written
# on the page itself. One round trip to the browser per block, not five.
PREPARE_COPY_JS = (
    "async (block) => {\n  ("
    + REVEAL_JS.strip()
    + """)(block);
  await navigator.clipboard.writeText('');
  const owner = block.closest('.doc-object');
  const heading = owner && owner.querySelector(':scope > .doc-heading');
  return [block.querySelector('pre > code').textContent, heading ? heading.id : null];
}
"""
)
# What the copy button put on the clipboard, once it has put something there.
CLIPBOARD_TEXT = "async () => (await navigator.clipboard.readText()) || null"


@dataclass(frozen=True)
class Copied:
    """What a doctest block showed, what its copy button gave, whose it is."""

    shown: str
    copied: str
    owner: str | None  # the documented object, for a docstring's example


def copy_each_doctest(page: Page) -> list[Copied]:
    """Click each doctest block's copy button, as a reader would; read the clipboard."""
    results = []
    blocks = page.locator(DOCTEST_BLOCKS).filter(
        has=page.locator("pre > code", has_text=re.compile(r"^\s*>>>"))
    )
    for block in blocks.element_handles():
        shown, owner = block.evaluate(PREPARE_COPY_JS)
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
        results.append(Copied(shown, copied, owner))
    return results


def page_doctests(page: str) -> list[DoctestBlock]:
    return doctest_blocks(Sybil(parsers=[]).parse(DOCS / page))
