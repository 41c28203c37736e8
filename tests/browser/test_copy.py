"""Copy buttons on ``>>>`` blocks copy runnable code, without prompts or output."""

from __future__ import annotations

import doctest
import re

from tests.browser.copying import (
    copy_each_doctest,
    page_doctests,
    run_docstring_copy,
    run_page_with_copied_code,
)
from tests.browser.pages import NAV_PAGES, Opened, on_pages


def test_some_page_has_doctest_blocks() -> None:
    """So that the check below has a copy button to press."""
    assert any(page_doctests(page) for page in NAV_PAGES), "no page has >>> blocks"


@on_pages(NAV_PAGES)
def test_copy_button_on_doctests_copies_runnable_code(quiet: Opened) -> None:
    """Copy gives the code without prompts or output, and that code runs.

    What the copy should be comes from doctest's own reading of the text the
    block shows. Blocks written on the page then run in page order, in the
    page's namespace; examples from docstrings (the API reference) run in
    their module's globals, as doctest runs them.
    """
    results = copy_each_doctest(quiet.page)
    for number, result in enumerate(results, 1):
        where = f"{quiet.name} block {number}"
        examples = doctest.DocTestParser().get_examples(result.shown)
        code = "".join(example.source for example in examples)
        assert examples, f"{where}: no examples in {result.shown!r}"
        assert not re.search(r"^(>>>|\.\.\.)( |$)", result.copied, re.MULTILINE), (
            f"{where}: prompts were copied:\n{result.copied}"
        )
        assert result.copied == code.rstrip("\n"), (
            f"{where}: copied\n{result.copied}\nnot\n{code}"
        )
    on_page = [r.copied for r in results if r.owner is None]
    in_source = page_doctests(quiet.name)
    assert len(on_page) == len(in_source), (
        f"{quiet.name}: {len(in_source)} doctest blocks in the Markdown,"
        f" {len(on_page)} on the page"
    )
    if on_page:
        run_page_with_copied_code(quiet.name, on_page)
    for result in results:
        if result.owner is not None:
            run_docstring_copy(result.copied, result.shown, result.owner)
