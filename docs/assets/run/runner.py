"""Run one ``>>>`` example block the way doctest does, and say what it printed.

This is the Python half of the Run button: ``run-core.mjs`` loads it into
pyodide, in the page's Web Worker and in ``make test``'s Node check alike,
and calls :func:`run_session` once per Run (:func:`run_script` for a script
block; ``listings.py`` puts the reader's edits of the package in place
first). The tests also import it under CPython. Standard library only.

Each run starts from fresh globals, and from freshly imported ``chapter2``
modules, so a run can never see what an earlier one defined or changed. Each
example (one ``>>>`` statement with its ``...`` lines) is compiled as the
interactive prompt compiles it, so an expression's value is shown as there;
what it prints, or the traceback it raises, is its output. Whether the output
matches the page's is decided by doctest's own checker, with the options the
tests use (``ELLIPSIS``), so "differs from the page" means what a failing
test would mean.
"""

from __future__ import annotations

import builtins
import compileall
import doctest
import gc
import io
import sys
import traceback
import warnings
from collections.abc import Callable
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

OPTIONS = doctest.ELLIPSIS
OUTPUT_LIMIT = 100_000  # characters kept per example; a runaway loop keeps going
TRACEBACK_FRAMES = 3  # the last frames a traceback shows, as a terminal's end does
FILENAME = "<stdin>"
PACKAGE = "chapter2"

Record = dict[str, Any]


class Capture(io.StringIO):
    """What an example prints, cut at :data:`OUTPUT_LIMIT` characters."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def write(self, text: str) -> int:
        room = OUTPUT_LIMIT - self.tell()
        if len(text) > room:
            self.dropped += len(text) - max(room, 0)
            text = text[: max(room, 0)]
        super().write(text)
        return len(text)

    def text(self) -> str:
        if self.dropped:
            return self.getvalue() + f"\n[{self.dropped} more characters not shown]\n"
        return self.getvalue()


def format_traceback(error: BaseException) -> str:
    """The end of a traceback, as a terminal shows it, without this module."""
    frames = traceback.extract_tb(error.__traceback__)
    # The first frame is the exec() below; the reader's code starts after it.
    # An import's frames inside importlib are no more the reader's.
    mine = [
        frame
        for frame in frames
        if frame.filename != __file__ and not frame.filename.startswith("<frozen")
    ]
    shown = traceback.StackSummary.from_list(mine[-TRACEBACK_FRAMES:])
    lines = ["Traceback (most recent call last):\n"]
    if len(mine) > TRACEBACK_FRAMES:
        lines.append(f"  ... ({len(mine) - TRACEBACK_FRAMES} earlier frames)\n")
    lines += shown.format()
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines)


def prepare() -> None:
    """Compile the package once, when Python starts.

    pyodide does not write bytecode as it imports, and every run imports
    ``chapter2`` afresh: from compiled files that takes half the time.
    """
    package = __import__(PACKAGE)
    compileall.compile_dir(package.__path__[0], quiet=1)


def forget_package() -> None:
    """Drop ``chapter2`` from the imported modules, so a run imports it afresh."""
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]


def run_example(example: doctest.Example, globs: dict[str, Any]) -> Record:
    """One statement: its output and whether doctest would accept it.

    ``line`` is where the example starts in the block (0 for the first line).
    """
    checker = doctest.OutputChecker()
    captured = Capture()
    error: BaseException | None = None
    try:
        code = compile(example.source, FILENAME, "single", dont_inherit=True)
        with redirect_stdout(captured), redirect_stderr(captured):
            exec(code, globs)
    except KeyboardInterrupt:
        raise
    except BaseException as raised:  # SystemExit too: the page shows it
        error = raised
    got = captured.text()
    if error is None:
        ok = example.exc_msg is None and checker.check_output(
            example.want, got, OPTIONS
        )
    else:
        got += format_traceback(error)
        last = traceback.format_exception_only(type(error), error)[-1]
        ok = example.exc_msg is not None and checker.check_output(
            example.exc_msg, last, OPTIONS
        )
    return {
        "line": example.lineno,
        "source": example.source,
        "want": example.want,
        "got": got,
        "ok": ok,
    }


def run_session(
    session: str, report: Callable[[Record], object] | None = None
) -> list[Record]:
    """Run every example of a ``>>>`` block in fresh globals, in order.

    ``report`` is called with each example's record as soon as it is done, so
    a page can show output while a long block runs. An example that raises
    where the page shows no traceback does not stop the block: like the
    interactive prompt, it shows the traceback and goes on.
    """
    forget_package()
    globs: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    records = []
    try:
        for example in doctest.DocTestParser().get_examples(session):
            record = run_example(example, globs)
            records.append(record)
            if report is not None:
                report(record)
    finally:
        forget_run(globs)
    return records


def forget_run(globs: dict[str, Any]) -> None:
    """Drop what a run made, now, rather than in the middle of the next run.

    A coroutine the run created and never awaited warns when it is collected;
    a terminal would show that at exit, and the next run must not show it.
    """
    with warnings.catch_warnings(), redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        globs.clear()
        gc.collect()


def run_script(source: str) -> list[Record]:
    """Run a script block as a file runs, in fresh globals: what it printed.

    One record, as for a one-example block; ``ok`` when it raised nothing.
    """
    forget_package()
    globs: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    captured = Capture()
    ok = True
    try:
        code = compile(source, FILENAME, "exec", dont_inherit=True)
        with redirect_stdout(captured), redirect_stderr(captured):
            exec(code, globs)
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        captured.write(format_traceback(error))
        ok = False
    finally:
        forget_run(globs)
    return [{"line": 0, "source": source, "want": "", "got": captured.text(), "ok": ok}]
