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

from playwright.sync_api import Locator, Page
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
# For each block: the text it shows, the documented object whose docstring
# holds it (mkdocstrings puts each object in a .doc-object under a heading
# with its dotted path), null for a block written on the page itself; the
# build's data-copy, null where the build gave none; and the data-copy that
# Material's button copies, the nearest around the code (the build's, or
# the one assets/doctest-copy.js put on a docstring's example).
DESCRIBE_JS = """
(block) => {
  const owner = block.closest('.doc-object');
  const heading = owner && owner.querySelector(':scope > .doc-heading');
  const built = block.closest('.chapter-code');
  const code = block.querySelector('pre > code');
  return [
    code.textContent,
    heading ? heading.id : null,
    built ? built.dataset.copy : null,
    code.closest('[data-copy]')?.dataset.copy ?? null,
  ];
}
"""
# Gets a block ready to copy: shows it (opening tabs and details around it)
# and empties the clipboard. One round trip to the browser, not several.
PREPARE_COPY_JS = (
    "async (block) => {\n  ("
    + REVEAL_JS.strip()
    + """)(block);
  await navigator.clipboard.writeText('');
}
"""
)
# What the copy button put on the clipboard, once it has put something there.
CLIPBOARD_TEXT = "async () => (await navigator.clipboard.readText()) || null"


@dataclass(frozen=True)
class Copied:
    """What a block showed, what its copy button gives, what the build said."""

    shown: str
    copied: str
    owner: str | None  # the documented object, for a docstring's example
    built: str | None  # the build's data-copy, for a block of the site's fences


def copy_each_block(page: Page) -> tuple[list[Copied], int]:
    """What the copy buttons on >>> and console blocks give.

    The button copies the data-copy nearest around the code, the same way on
    every block: the first block of each kind (>>> or console; built by the
    site's fences, or a docstring's example) is pressed, and its clipboard
    must hold that data-copy. Every docstring example is returned, with the
    data-copy assets/doctest-copy.js computed for it, as what its button
    gives. Of the fences' blocks only the pressed ones are:
    tests/sitetools/test_codeblocks.py checks every data-copy the build
    wrote. Returns the copies and how many >>> blocks the fences built on
    the page.
    """
    results = []
    blocks = page.locator(CODE_BLOCKS).filter(
        has=page.locator("pre > code", has_text=re.compile(r"^\s*(>>>|\$ )"))
    )
    described = blocks.evaluate_all(f"(blocks) => blocks.map({DESCRIBE_JS.strip()})")
    kinds = [
        (built is not None, shown.lstrip()[:3]) for shown, _, built, _ in described
    ]
    sessions_built = sum(1 for built, kind in kinds if built and kind == ">>>")
    pressed: set[tuple[bool, str]] = set()
    for number, ((shown, owner, built, nearest), kind) in enumerate(
        zip(described, kinds, strict=True)
    ):
        if kind not in pressed:
            pressed.add(kind)
            copied = press_copy(page, blocks.nth(number), shown)
            assert nearest is not None and copied == nearest.rstrip(), (
                f"the button copied\n{copied}\nnot the block's data-copy\n{nearest}"
            )
        elif built is None:
            assert nearest is not None, (
                f"assets/doctest-copy.js gave no data-copy to the example\n{shown}"
            )
            copied = nearest.rstrip()
        else:
            continue
        results.append(Copied(shown, copied, owner, built))
    return results, sessions_built


def press_copy(page: Page, block: Locator, shown: str) -> str:
    """Press a block's copy button; what it put on the clipboard."""
    block.evaluate(PREPARE_COPY_JS)
    # A real click: Playwright scrolls to the button, moves the mouse over
    # the block (which is what shows the button) and presses.
    button = block.locator(COPY_BUTTON)
    assert button.count() == 1, f"no copy button on the block showing {shown!r}"
    button.click()
    try:
        copied: str = page.wait_for_function(CLIPBOARD_TEXT, timeout=5000).json_value()
    except PlaywrightTimeoutError:
        raise AssertionError(
            f"the copy button put nothing on the clipboard for\n{shown}"
        ) from None
    return copied
