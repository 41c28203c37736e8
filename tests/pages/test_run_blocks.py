"""Every ``>>>`` block runs on its own in the browser's Python.

Sybil runs each page's blocks in order, in one namespace, as a reader reads
them. Each block also runs alone, in fresh globals: on this CPython (3.11 in
CI) as a reader who copies it runs it, pasted into Python's prompt
(``tests/sitetools/test_codeblocks.py``), and here in pyodide (CPython 3.14 compiled to
WebAssembly) under Node, with the Run button's own code. A block that needs
a name it does not define or import fails here, even when the page order
hides that. A block marked ``norun="why"`` must run on CPython and must fail
in pyodide: if it runs there after all, the mark is wrong.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import pytest

from tests.support.pyodide_check import ISOLATION_PROBES, PyodideCheck
from tests.support.report import note
from tests.support.sessions import (
    CHAPTER_PAGES,
    DOCS,
    Session,
    all_sessions,
    blocks,
    built_blocks,
    load_runner,
    sessions,
)
from tests.support.sitebuild import BuildResult, html_path, needs_runtime

SESSIONS = all_sessions()
RUNNER = load_runner()


def ids(session: Session) -> str:
    return f"{session.page}:{session.line}"


def failures(records: list[dict[str, Any]]) -> list[str]:
    return [
        f">>> {r['source'].rstrip()}\n--- the page shows:\n{r['want']}"
        f"--- it printed:\n{r['got']}"
        for r in records
        if not r["ok"]
    ]


def test_the_chapter_has_blocks_to_run() -> None:
    assert len(SESSIONS) >= 40, [s.where for s in SESSIONS]
    assert len([s for s in SESSIONS if s.norun is None]) >= 40


def test_the_home_page_names_the_pages_with_blocks_that_cannot_run() -> None:
    """index.md promises a Run button on the Python examples, save the few it
    points to: exactly the pages with a norun block."""
    text = (DOCS / "index.md").read_text(encoding="utf-8")
    promise = next(part for part in text.split("\n\n") if "**Run** button" in part)
    pointed_to = set(re.findall(r"\]\(([\w-]+\.md)\)", promise))
    with_norun = {
        block.page
        for page in CHAPTER_PAGES
        for block in blocks(page)
        if block.norun is not None
    }
    assert with_norun
    assert pointed_to == with_norun


@pytest.mark.parametrize("session", SESSIONS, ids=ids)
def test_block_runs_alone_in_pyodide(
    session: Session, pyodide_check: PyodideCheck
) -> None:
    result = pyodide_check.answer().results[session]
    assert isinstance(result, list), f"{session.where}: {result}"
    problems = failures(result)
    if session.norun is None:
        assert not problems, (
            f"{session.where}, in pyodide: if this is a difference between"
            " Python versions, the page should say so; if the block cannot"
            ' run in a browser, mark it norun="why":\n' + "\n".join(problems)
        )
    else:
        assert problems, (
            f'{session.where} runs in pyodide: remove its norun="{session.norun}" mark'
        )


def test_pyodide_check_runs_python_314(
    pyodide_check: PyodideCheck, request: pytest.FixtureRequest
) -> None:
    answer = pyodide_check.answer()
    assert answer.version.startswith("3.14."), answer.version
    note(
        request.config,
        "pyodide under Node",
        f"Python {answer.version}: start {answer.seconds['start']:.1f} s,"
        f" {len(SESSIONS)} blocks {answer.seconds['blocks']:.1f} s"
        + (
            " (stored by an earlier run: nothing it runs has changed since)"
            if answer.stored
            else " (made in this run)"
        ),
    )


def test_a_start_compiles_none_of_the_standard_library(
    pyodide_check: PyodideCheck,
) -> None:
    """Every module of the standard library that a start imports comes
    with its bytecode in the site's library (sitetools/precompile.mjs):
    compiling them from source was more than half of a first Run (141
    modules, 3.1 s against 1.6 s in Chromium, tried)."""
    uncompiled = pyodide_check.answer().uncompiled
    assert not uncompiled, f"{len(uncompiled)} compiled at the start: {uncompiled}"


@pytest.mark.parametrize("number", range(len(ISOLATION_PROBES)))
def test_what_a_run_changes_never_reaches_the_pages_own_examples(
    number: int, pyodide_check: PyodideCheck
) -> None:
    """A reader's run replaces a function of the standard library, a builtin,
    a class's method, sys settings, sys.modules, the working directory or
    the environment; the next run of the page's own example still gives the
    page's output (runner.py's Baseline puts the interpreter back; without
    it the first probe already broke every later run, tried)."""
    jobs = pyodide_check.answer().jobs
    probed = jobs[f"probe {number}"]
    assert isinstance(probed, list), probed
    after = jobs[f"after probe {number}"]
    assert isinstance(after, list), f"{ISOLATION_PROBES[number]}\n{after}"
    assert all(record["ok"] for record in after), (ISOLATION_PROBES[number], after)


def test_input_and_interrupts_read_as_python_does(pyodide_check: PyodideCheck) -> None:
    """input() says why there is no input (it gave ``OSError: [Errno 29]``);
    an example that raises KeyboardInterrupt shows its traceback (it ended
    the run with the runner's own); plain Python runs as a file runs."""
    jobs = pyodide_check.answer().jobs
    [asked] = jobs["input"]
    assert asked["got"].endswith(
        "EOFError: input() is not available in the page: Python here has no"
        " keyboard. Put the value in the code instead\n"
    ), asked
    [interrupted] = jobs["interrupt"]
    assert interrupted["got"] == (
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 1, in <module>\nKeyboardInterrupt\n'
    ), interrupted
    [plain] = jobs["plain"]
    assert plain["ok"] and plain["got"] == "hello\n", plain


def test_a_python_restored_from_the_snapshot_is_a_python_of_its_own(
    pyodide_check: PyodideCheck,
) -> None:
    """Every later start in the page restores the first start's memory
    snapshot (run-core.mjs). Two restored interpreters draw different random
    numbers (without run-core's RESEED both drew 0.2302738060396804, tried),
    and each gives the page's output for its example."""
    restored = pyodide_check.answer().restored
    assert isinstance(restored, list), restored
    draws = []
    for jobs in restored:
        [drawn] = jobs["draw"]
        assert drawn["ok"], drawn
        draws.append(float(drawn["got"]))
        assert all(record["ok"] for record in jobs["trace"]), jobs["trace"]
    assert len(draws) == 2 and draws[0] != draws[1], draws


def test_what_a_run_switches_off_is_on_again_for_the_next(
    pyodide_check: PyodideCheck,
) -> None:
    """gc.disable() and warnings turned into errors last only for their run
    (the next run had no collector and failed on a warning, tried), and an
    audit hook, which nothing can remove, is refused with the reason (it
    printed in every later run, tried). The root logger's handler and a
    logger's level last only for their run too (later runs' logging went
    to the first run's output, tried). A JavaScript timer, an asyncio
    callback and a task a run left end with it (they printed into the next
    run's output, tried)."""
    jobs = pyodide_check.answer().jobs
    *_, hooked = jobs["lasting probe"]
    assert hooked["got"].endswith(
        "RuntimeError: sys.addaudithook() is not available in the page: a hook"
        " cannot be removed, and every later run on the page would call it\n"
    ), hooked["got"]
    [ticked] = jobs["timer after"]
    assert ticked["got"] == "quiet\n", ticked["got"]
    [alone] = jobs["task after"]
    assert alone["got"] == "only this run\n", alone["got"]
    [after] = jobs["lasting after"]
    assert after["ok"], after
    assert after["got"].startswith("True\n"), after["got"]
    assert "UserWarning: only a warning" in after["got"], after["got"]
    assert "WARNING:root:logged\nERROR:cart:cart logged\n" in after["got"]
    assert after["got"].endswith("went on\n"), after["got"]


def test_asyncio_errors_read_as_the_readers_own(pyodide_check: PyodideCheck) -> None:
    """In pyodide, asyncio.run's exception is traced once, from the reader's
    call down to the raise (it was traced twice, the second time through
    pyodide's event loop and without the call, tried); a task's exception
    that nothing awaited has no blank line after each line (pyodide's own
    handler put one there, tried). A JavaScript error met in run_sync is
    traced from the reader's line (contextlib's frame, where the runner's
    own ``with`` passed it on, came first, tried)."""
    jobs = pyodide_check.answer().jobs
    [javascript] = jobs["javascript raises"]
    assert javascript["got"] == (
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 3, in <module>\n'
        '    run_sync(js.Promise.reject(js.Error.new("refused")))\n'
        "    ~~~~~~~~^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
        "pyodide.ffi.JsException: Error: refused\n"
    ), javascript["got"]
    [raised] = jobs["asyncio raises"]
    assert raised["got"] == (
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 7, in <module>\n'
        "    asyncio.run(main())\n"
        "    ~~~~~~~~~~~^^^^^^^^\n"
        '  File "<stdin>", line 5, in main\n'
        '    raise ValueError("oops")\n'
        "ValueError: oops\n"
    ), raised["got"]
    [task] = jobs["task raises"]
    assert task["got"] == (
        "Unhandled exception in event loop\n"
        "Traceback (most recent call last):\n"
        '  File "<stdin>", line 4, in boom\n'
        '    raise ValueError("in a task")\n'
        "ValueError: in a task\n"
        "main done\n"
    ), task["got"]


def test_runner_marks_output_that_differs() -> None:
    """The check can fail: a wrong number in the output is not accepted."""
    [record] = RUNNER.run_session(">>> 6 * 7\n41\n")
    assert not record["ok"] and record["got"] == "42\n"
    [record] = RUNNER.run_session(
        ">>> 1 / 0\nTraceback (most recent call last):\n  ...\n"
        "ZeroDivisionError: division by zero\n"
    )
    assert record["ok"], record
    [record] = RUNNER.run_session(">>> {}['x']\n")
    assert not record["ok"] and record["got"].endswith("KeyError: 'x'\n"), record


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        (">>>print(1)\n", "line 1 needs a space after >>>: '>>>print(1)'"),
        (">>> for i in (1,):\n...print(i)\n", "line 2 needs a space after ..."),
        ("  >>> print(1)\n1\n", "line 2 has inconsistent leading whitespace"),
    ],
)
def test_prompts_doctest_cannot_read_are_named_not_a_crash(
    typed: str, said: str
) -> None:
    """A typo in the prompts gives one record saying which line and why
    (the run ended in the runner's own ValueError traceback, tried)."""
    [record] = RUNNER.run_session(typed)
    assert record["unreadable"] and not record["ok"], record
    assert said in record["got"], record["got"]
    assert "docstring" not in record["got"], record["got"]


def test_what_the_code_does_to_its_output_ends_as_python_says() -> None:
    """sys.stdout.close(), then print: Python's own ValueError, and what was
    printed before stays (the runner's own write failed, tried); a script's
    traceback quotes its line, as a file's does; sys.__stdin__ reads no
    more than input() does."""
    [closed] = RUNNER.run_script(
        "import sys\nprint('kept')\nsys.stdout.close()\nprint('x')\n"
    )
    assert closed["got"].startswith("kept\nTraceback"), closed
    assert "    print('x')\n" in closed["got"], closed["got"]
    assert closed["got"].endswith("ValueError: I/O operation on closed file.\n")
    [read] = RUNNER.run_script("import sys\nsys.__stdin__.readline()\n")
    assert read["got"].endswith(f"EOFError: {RUNNER.NO_INPUT}\n"), read["got"]
    assert "    sys.__stdin__.readline()\n" in read["got"], read["got"]


@pytest.mark.parametrize(
    ("ending", "status", "said"),
    [
        ("exit()", 0, ""),
        ("import sys; sys.exit(0)", 0, ""),
        ("raise SystemExit", 0, ""),
        ("import sys; sys.exit(3)", 3, ""),
        ("import sys; sys.exit('no socks left')", 1, "no socks left\n"),
    ],
)
def test_a_script_that_exits_ends_as_python_file_does(
    ending: str, status: int, said: str
) -> None:
    """exit() or sys.exit() ends a script quietly, with its status, and a
    message given to it printed, as ``python FILE`` does (each showed a
    SystemExit traceback, tried); code after it does not run."""
    [record] = RUNNER.run_script(f"print('before')\n{ending}\nprint('after')\n")
    assert record["got"] == f"before\n{said}", record
    assert record["exit"] == status and record["ok"] == (status == 0), record


def test_debugger_and_the_terminals_own_streams_stay_in_the_page() -> None:
    """breakpoint() says why there is no debugger (pdb waited for commands
    nothing could type, tried); what goes to sys.__stdout__ or
    sys.__stderr__, as a terminal would show it, is in the output (it was
    lost, tried); both are put back after the run."""
    [record] = RUNNER.run_script("x = 1\nbreakpoint()\n")
    assert record["got"].endswith(f"RuntimeError: {RUNNER.NO_DEBUGGER}\n"), record
    assert "    breakpoint()\n" in record["got"], record["got"]
    streams = sys.__stdout__, sys.__stderr__, sys.breakpointhook
    [record] = RUNNER.run_script(
        "import sys\nprint('out', file=sys.__stdout__)\n"
        "print('err', file=sys.__stderr__)\n"
    )
    assert record["got"] == "out\nerr\n", record
    assert (sys.__stdout__, sys.__stderr__, sys.breakpointhook) == streams


def test_a_session_keeps_its_output_within_bounds() -> None:
    """An example's traceback counts toward its output's limit (a 30 MB
    message reached the page whole, tried), and a session's examples share
    a limit of their own."""
    limit = RUNNER.OUTPUT_LIMIT
    [raised] = RUNNER.run_session(f">>> raise ValueError('y' * {3 * limit})\n")
    assert len(raised["got"]) < limit + 100, len(raised["got"])
    assert raised["got"].endswith("more characters not shown]\n"), raised["got"][-99:]
    many = RUNNER.run_session(f">>> print('z' * {limit})\n" * 8)
    shown = sum(len(record["got"]) for record in many)
    assert RUNNER.SESSION_LIMIT <= shown < RUNNER.SESSION_LIMIT + 8 * 100, shown


def test_runner_starts_each_run_afresh() -> None:
    RUNNER.run_session(
        ">>> seen = 1\n>>> import chapter2.cart\n"
        ">>> chapter2.cart.PRICES['socks'] = 99\n"
    )
    [record] = RUNNER.run_session(">>> 'seen' in globals()\nFalse\n")
    assert record["ok"], record
    [record] = RUNNER.run_session(
        ">>> from chapter2.cart import PRICES\n>>> PRICES['socks']\n12\n"
    )[1:]
    assert record["ok"], record


@needs_runtime
@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_run_buttons_run_what_these_tests_run(
    built_site: BuildResult, page: str
) -> None:
    """The built page's blocks carry exactly the sessions checked above."""
    built = html_path(built_site.site, page).read_text(encoding="utf-8")
    on_page = [b.session for b in built_blocks(built) if b.session is not None]
    checked = [s.source for s in sessions(page) if s.norun is None]
    assert on_page == checked
