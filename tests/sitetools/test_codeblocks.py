"""Code blocks as built: hidden lines, and a Copy that pastes into Python's prompt.

What Copy copies is the ``data-copy`` of the block's wrapper in the built
page (Material's copy button copies the nearest ``data-copy``; the browser
tests check that the button does). Here that text is fed, line by line, to
Python's interactive console, as a reader pasting it into ``python3.11``
would, and what the console prints must be what the page shows.
"""

from __future__ import annotations

import code
import doctest
import gc
import importlib
import io
import pkgutil
import re
import threading
from contextlib import redirect_stderr, redirect_stdout

import pytest

import chapter2
from sitetools.codeblocks import (
    CopyError,
    console_copy,
    hidden_lines,
    is_session,
    runnable,
    session_copy,
    shown,
)
from tests.support.sessions import CHAPTER_PAGES, built_blocks, load_runner, sessions
from tests.support.sitebuild import BuildResult, html_path

RUNNER = load_runner()


def test_hidden_lines_run_but_are_not_shown() -> None:
    text = "#~ >>> import math\n>>> math.pi > 3\nTrue\n    #~ x = 1\n# a comment\n"
    assert shown(text) == ">>> math.pi > 3\nTrue\n# a comment\n"
    assert runnable(text) == (
        ">>> import math\n>>> math.pi > 3\nTrue\n    x = 1\n# a comment\n"
    )
    assert runnable("#~\n#~x\n") == "\n#~x\n", "only '#~' alone or '#~ ' hides"
    assert hidden_lines(text) == [(0, ">>> import math"), (3, "    x = 1")]


def test_copy_ends_compound_statements_with_a_blank_line() -> None:
    session = (
        ">>> for n in range(2):\n...     print(n)\n0\n1\n"
        ">>> x = [\n...     1,\n... ]\n>>> x\n[1]\n"
        ">>> def f(): return 1\n>>> f()\n1\n"
    )
    assert session_copy(session) == (
        "for n in range(2):\n    print(n)\n\nx = [\n    1,\n]\nx\n"
        "def f(): return 1\n\nf()\n"
    )


def test_copy_refuses_a_blank_line_inside_a_compound_statement() -> None:
    with pytest.raises(CopyError, match="line 3 holds a blank line"):
        session_copy(">>> 1\n1\n>>> def f():\n...\n...     return 1\n")


def test_console_copy_leaves_out_prompts_and_output() -> None:
    text = "$ make serve\nServing on ...\n$ make test\n"
    assert console_copy(text) == "make serve\nmake test\n"
    continued = "$ rustc a.rs \\\n    | grep x\nx\n$ ls\n"
    assert console_copy(continued) == "rustc a.rs \\\n    | grep x\nls\n"


def feed_to_console(copied: str) -> str:
    """What Python's interactive console prints for ``copied``, line by line.

    In a thread of its own, so that asyncio.run() finds no loop running.
    """
    printed = io.StringIO()
    # The runner collects garbage after the paste (forget_run). Frozen, what
    # lived before the paste is not walked again: as after collection
    # (tests/conftest.py). Otherwise about 25 ms a block, 2 s in all. The
    # collection first frees what earlier tests left (and lets it warn);
    # only the first one here walks much.
    gc.collect()
    gc.freeze()

    def paste() -> None:
        console = code.InteractiveConsole({"__name__": "__main__"})
        with redirect_stdout(printed), redirect_stderr(printed):
            for line in copied.split("\n"):
                console.push(line)
            console.push("")  # the reader's last Enter
        # Coroutines the block left unawaited warn when collected: a
        # terminal shows that at exit; this test drops them quietly.
        RUNNER.forget_run(console.locals)

    thread = threading.Thread(target=paste)
    thread.start()
    thread.join()
    return printed.getvalue()


def expected_output(session: str) -> str:
    """What the page shows as output; a traceback's middle is elided."""
    parts = []
    for example in doctest.DocTestParser().get_examples(session):
        if example.exc_msg is None:
            parts.append(example.want)
        else:
            parts.append("Traceback (most recent call last):\n...\n" + example.exc_msg)
    return "".join(parts)


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_copied_code_pastes_into_python_prompt(
    built_site: BuildResult, page: str
) -> None:
    """A >>> block's copy, pasted alone into a fresh prompt, prints its output.

    Material copies ``data-copy`` with trailing whitespace removed, as here.
    """
    checker = doctest.OutputChecker()
    built = html_path(built_site.site, page).read_text(encoding="utf-8")
    on_page = [s.source for s in sessions(page)]
    blocks = [b for b in built_blocks(built) if is_session(b.shown)]
    assert len(blocks) == len(on_page), f"{page}: {len(blocks)} >>> blocks built"
    for block, session in zip(blocks, on_page, strict=True):
        printed = feed_to_console(block.copy.rstrip())
        wanted = expected_output(session)
        assert checker.check_output(wanted, printed, doctest.ELLIPSIS), (
            f"{page}: pasting\n{block.copy}\nprinted\n{printed}\nnot\n{wanted}"
        )


@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_console_blocks_copy_commands_only(built_site: BuildResult, page: str) -> None:
    built = html_path(built_site.site, page).read_text(encoding="utf-8")
    for block in built_blocks(built):
        if block.language == "console":
            assert not re.search(r"^\$", block.copy, re.MULTILINE), block.copy


def docstring_examples() -> list[doctest.DocTest]:
    """Every docstring in chapter2/ that holds a ``>>>`` example."""
    found = []
    finder = doctest.DocTestFinder()
    for module in pkgutil.iter_modules(chapter2.__path__, "chapter2."):
        if module.name.endswith(".__main__"):  # importing it runs the command
            continue
        tests = finder.find(importlib.import_module(module.name))
        found += [test for test in tests if test.examples]
    return sorted(found, key=lambda test: test.name)


@pytest.mark.parametrize("docstring", docstring_examples(), ids=lambda t: t.name)
def test_docstring_examples_paste_into_a_fresh_prompt(
    docstring: doctest.DocTest,
) -> None:
    """An API reference page shows each docstring's examples as a >>> block.

    Its copy (assets/doctest-copy.js, by the rule of ``session_copy``, which
    the browser tests compare the button with) must run alone in a new
    Python prompt: doctest runs it among its module's globals, a reader's
    prompt has none of them, so each example imports what it uses.
    """
    assert docstring.docstring is not None
    printed = feed_to_console(session_copy(docstring.docstring, docstring.name))
    wanted = expected_output(docstring.docstring)
    assert doctest.OutputChecker().check_output(wanted, printed, doctest.ELLIPSIS), (
        f"{docstring.name}: pasting its examples printed\n{printed}\nnot\n{wanted}"
    )
