"""Copy buttons on ``>>>`` and console blocks copy what pastes and runs."""

from __future__ import annotations

import doctest
import re

from sitetools.codeblocks import session_copy
from tests.browser.copying import copy_each_block, run_docstring_copy
from tests.browser.pages import NAV_PAGES, Opened, on_pages
from tests.support.sessions import sessions


def test_some_page_has_doctest_blocks() -> None:
    """So that the check below has a copy button to press."""
    assert any(sessions(page) for page in NAV_PAGES if "/" not in page)


@on_pages(NAV_PAGES)
def test_copy_buttons_copy_what_pastes_into_python(quiet: Opened) -> None:
    """Copy gives code without prompts or output that Python's prompt accepts.

    On a block the site's fences built, the button must copy the build's
    ``data-copy`` (Material trims its end), which ``tests/sitetools/test_codeblocks.py``
    pastes into Python's prompt (one block of each kind per page is pressed:
    the button does the same on all). A docstring's example must copy what the
    same rule makes of the text it shows, and that code runs alone in a fresh
    namespace, as pasted into a new Python prompt.
    """
    results, built = copy_each_block(quiet.page)
    for number, result in enumerate(results, 1):
        where = f"{quiet.name} block {number}"
        assert not re.search(r"^(>>>|\.\.\.|\$)( |$)", result.copied, re.MULTILINE), (
            f"{where}: prompts were copied:\n{result.copied}"
        )
        if result.built is not None:
            expected = result.built.rstrip()
        else:
            assert doctest.DocTestParser().get_examples(result.shown), where
            expected = session_copy(result.shown, where).rstrip()
        assert result.copied == expected, (
            f"{where}: copied\n{result.copied}\nnot\n{expected}"
        )
        if result.owner is not None:
            run_docstring_copy(result.copied, result.shown, result.owner)
    in_source = sessions(quiet.name)
    assert built == len(in_source), (
        f"{quiet.name}: {len(in_source)} >>> blocks in the Markdown,"
        f" {built} on the page"
    )
