"""Run one ``>>>`` example block the way doctest does, and say what it printed.

This is the Python half of the Run button: ``run-core.mjs`` loads it into
pyodide, in the page's Web Worker and in ``make test``'s Node check alike,
and calls :func:`run_session` once per Run (:func:`run_script` for a script
block; ``listings.py`` puts the reader's edits of the package in place
first). The tests also import it under CPython. Standard library only.

Each run starts from fresh globals, and from freshly imported ``chapter2``
modules, so a run can never see what an earlier one defined or changed; in
the page's Python, :class:`Baseline` also puts back what a run changed
elsewhere (the standard library, builtins, ``sys``, the working directory).
Each
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
import gc
import importlib
import io
import linecache
import os
import re
import sys
import traceback
import types
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager, redirect_stderr, redirect_stdout, suppress
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, cast


def _doctest() -> ModuleType:
    """doctest, for its parser and output checker, imported quickly.

    doctest imports pdb and unittest at the top, for its debugger and its
    unittest integration, which the Run button never uses; in the page's
    Python they were two thirds of the time doctest took to import, a tenth
    of Python's whole start (measured in pyodide under Node). Where they are
    not imported yet, stand-ins take their place while doctest imports, and
    then doctest and the stand-ins leave ``sys.modules``: this module keeps
    its own doctest, and a reader's ``import doctest`` gets the real one.
    """
    if "doctest" in sys.modules:
        return importlib.import_module("doctest")
    stand_ins = {"pdb": ("Pdb",), "unittest": ("TestCase", "TestSuite")}
    stand_ins = {
        name: names for name, names in stand_ins.items() if name not in sys.modules
    }
    for name, classes in stand_ins.items():
        module = types.ModuleType(name)
        for cls in classes:
            setattr(module, cls, type(cls, (), {}))
        sys.modules[name] = module
    try:
        return importlib.import_module("doctest")
    finally:
        for name in ["doctest", *stand_ins]:
            sys.modules.pop(name, None)


if TYPE_CHECKING:
    import doctest
else:
    doctest = _doctest()
OPTIONS = doctest.ELLIPSIS
OUTPUT_LIMIT = 100_000  # characters kept per example; a runaway loop keeps going
SESSION_LIMIT = 4 * OUTPUT_LIMIT  # and per session, however many examples it has
SESSION_RULES = (
    "Each example starts with >>> and a space, its continuation lines with"
    " ... and a space, and what it prints follows, indented as its >>> is."
)
TRACEBACK_FRAMES = 3  # the last frames a traceback shows, as a terminal's end does
FILENAME = "<stdin>"
PACKAGE = "chapter2"

Record = dict[str, Any]

# Files whose frames are the Run button's, not the reader's (listings.py adds
# its own), and the lines of the package that hold a reader's edit:
# {path: [(first line, number of lines, "your edit of FILE (SECTIONS)")]}.
INTERNAL_FILES = {__file__}
EDITED_LINES: dict[str, list[tuple[int, int, str]]] = {}
NO_INPUT = (
    "input() is not available in the page: Python here has no keyboard."
    " Put the value in the code instead"
)


class NoInput(io.TextIOBase):
    """``sys.stdin`` during a run: reading says why there is nothing to read.

    EOFError is what ``input()`` raises when input has ended; the page's
    Python has none at all (pyodide's own says ``OSError: [Errno 29]``).
    """

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> str:
        raise EOFError(NO_INPUT)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        raise EOFError(NO_INPUT)


@contextmanager
def captured_by(capture: io.StringIO) -> Iterator[None]:
    """What the reader's code prints goes to ``capture``, and what it writes
    to ``sys.__stdout__`` as well; it reads nothing, and ``breakpoint()``
    says why there is no debugger.

    ``sys.excepthook`` says nothing meanwhile: every exception of the run
    reaches :func:`format_traceback`, and pyodide, on its way back from an
    awaited JavaScript promise, printed the same exception a first time
    through the hook.
    """
    no_input = NoInput()
    # print(file=sys.__stdout__) shows where a terminal would show it.
    during = {
        "stdin": no_input,
        "__stdin__": no_input,
        "__stdout__": capture,
        "__stderr__": capture,
        "excepthook": _say_nothing,
        "breakpointhook": refuse_breakpoint,
    }
    saved = {name: getattr(sys, name) for name in during}
    for name, value in during.items():
        setattr(sys, name, value)
    try:
        with redirect_stdout(capture), redirect_stderr(capture):
            yield
    finally:
        for name, value in saved.items():
            setattr(sys, name, value)


def _say_nothing(*_: object) -> None:
    """``sys.excepthook`` during a run."""


NO_DEBUGGER = (
    "breakpoint() is not available in the page: pdb would wait for commands"
    " that nothing here can type. Print the values you want to see instead"
)


def refuse_breakpoint(*_: object, **__: object) -> None:
    """``sys.breakpointhook`` during a run."""
    raise RuntimeError(NO_DEBUGGER)


class Capture(io.StringIO):
    """What an example prints, cut at ``limit`` characters.

    The reader's code may close it (``sys.stdout.close()``): then, as in a
    terminal, printing raises ValueError, and what it printed before stays.
    """

    def __init__(self, limit: int = OUTPUT_LIMIT) -> None:
        super().__init__()
        self.limit = limit
        self.dropped = 0
        self.closed_by_code = False

    def close(self) -> None:
        self.closed_by_code = True

    def write(self, text: str) -> int:
        if self.closed_by_code:
            raise ValueError("I/O operation on closed file.")
        return self.add(text)

    def add(self, text: str) -> int:
        """Write, even once closed: for what the Run button itself adds."""
        room = self.limit - self.tell()
        if len(text) > room:
            self.dropped += len(text) - max(room, 0)
            text = text[: max(room, 0)]
        super().write(text)
        return len(text)

    def text(self) -> str:
        if self.dropped:
            return self.getvalue() + f"\n[{self.dropped} more characters not shown]\n"
        return self.getvalue()


def _as_edited(frame: traceback.FrameSummary) -> traceback.FrameSummary:
    """A frame in a reader's edit of a listing, its line counted in the edit."""
    for first, count, label in EDITED_LINES.get(frame.filename, []):
        if frame.lineno is not None and first <= frame.lineno < first + count:
            return traceback.FrameSummary(
                label, frame.lineno - first + 1, frame.name, line=frame.line
            )
    return frame


def _internal(filename: str) -> bool:
    """A frame of the machinery: this module, importlib, or pyodide's own
    modules (its event loop runs ``asyncio.run`` in the page)."""
    return (
        filename in INTERNAL_FILES
        or filename.startswith("<frozen")
        or "/importlib/" in filename
        or PYODIDE_MODULES.search(filename) is not None
    )


def format_traceback(error: BaseException) -> str:
    """The end of a traceback, as a terminal shows it, of the reader's code
    only: frames of this module, importlib and pyodide are left out, and a
    line in a reader's edit of a listing is counted in that edit."""
    frames = traceback.extract_tb(error.__traceback__)
    mine = [_as_edited(frame) for frame in frames if not _internal(frame.filename)]
    # An exception from JavaScript, met in pyodide's run_sync, comes back
    # through the runner's own `with`: contextlib's frame leads then.
    while mine and mine[0].filename.endswith(CONTEXTLIB):
        del mine[0]
    shown = traceback.StackSummary.from_list(mine[-TRACEBACK_FRAMES:])
    lines = ["Traceback (most recent call last):\n"]
    if len(mine) > TRACEBACK_FRAMES:
        lines.append(f"  ... ({len(mine) - TRACEBACK_FRAMES} earlier frames)\n")
    lines += shown.format()
    lines += traceback.format_exception_only(type(error), error)
    return "".join(lines)


CONTEXTLIB = "/contextlib.py"
# pyodide's modules, in the standard library's zip file (/lib/python314.zip).
PYODIDE_MODULES = re.compile(r"/_?pyodide/")
IMPORT_LINE = re.compile(r"^[ \t]*(?:import|from)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)


def prepare() -> None:
    """Note the baseline every run starts from, when Python starts.

    It holds what the package imports from the standard library (read from
    its import lines; a module this Python lacks is left out), so that a
    run does not import those again each time; the package's own modules
    stay out of it, imported afresh by every run. The package is compiled
    later, by :func:`compile_package`, once the first run has shown its
    output.
    """
    folder = Path(__import__(PACKAGE).__path__[0])
    names = {
        name
        for path in folder.glob("*.py")
        for name in IMPORT_LINE.findall(path.read_text(encoding="utf-8"))
    }
    for name in sorted(names - {PACKAGE, "__future__"}):
        with suppress(ImportError):  # resource, say: not in the browser's Python
            importlib.import_module(name)
    import asyncio

    # pyodide's event loop, which stays for good in the page's Python.
    asyncio.get_event_loop().set_exception_handler(report_loop_error)
    sys.addaudithook = refuse_audit_hook
    forget_package()
    _baseline.append(Baseline())


def refuse_audit_hook(hook: object) -> None:
    """``sys.addaudithook`` in the page's Python: a hook cannot be taken
    away, so it would run in every later run of every block."""
    raise RuntimeError(
        "sys.addaudithook() is not available in the page: a hook cannot be"
        " removed, and every later run on the page would call it"
    )


def report_loop_error(_: object, context: dict[str, Any]) -> None:
    """What the event loop says of an exception nothing awaited (a task's
    that nobody retrieved): its message, then the reader's traceback, line
    after line (pyodide's own handler put a blank line after each)."""
    said = context.get("message") or "Unhandled exception in event loop"
    error = context.get("exception")
    traced = format_traceback(error) if isinstance(error, BaseException) else ""
    sys.stderr.write(f"{said}\n{traced}")


def compile_package() -> None:
    """Compile the package's modules to bytecode, once.

    pyodide does not write bytecode as it imports, and every run imports
    ``chapter2`` afresh: from compiled files that takes half the time. Done
    after the first run (run-worker.mjs), so the reader waits for none of it.
    """
    compileall.compile_dir(__import__(PACKAGE).__path__[0], quiet=1)
    forget_package()


MISSING = object()
_baseline: list[Baseline] = []


class Baseline:
    """The interpreter as :func:`prepare` left it, and :meth:`restore`.

    A run may change anything in the interpreter: replace a function of the
    standard library or a builtin, import or remove modules, change ``sys``
    settings, the working directory, the environment, switch the garbage
    collector off, turn warnings into errors. Before each run,
    :meth:`restore` puts back every module this baseline had (and drops the
    others), each one's namespace and the namespaces of the classes defined
    in it, and the settings below, so an example runs as in a fresh
    interpreter. Only in the page's Python: a test process under CPython
    never calls :func:`prepare`. What this cannot see (a change deep inside
    an object) the page catches another way: an unchanged example that
    differs after the reader's own code ran is run again in a new Python.
    """

    SYS_OBJECTS = ("stdin", "stdout", "stderr", "displayhook", "excepthook")
    SYS_LISTS = ("path", "meta_path", "path_hooks")

    def __init__(self) -> None:
        # __main__ is the host's (pyodide's globals): a run has globals of its own.
        self.modules = {
            name: module
            for name, module in sys.modules.items()
            if not _in_package(name) and name != "__main__"
        }
        # Modules proper: pyodide's js is a proxy, None marks a failed import.
        self.spaces = {
            name: dict(vars(module))
            for name, module in self.modules.items()
            if isinstance(module, types.ModuleType)
        }
        self.classes = [
            (cls, dict(vars(cls)))
            for name in self.spaces
            for cls in list(vars(self.modules[name]).values())
            if isinstance(cls, type)
            and getattr(cls, "__module__", None) == name
            and not cls.__flags__ & (1 << 8)  # Py_TPFLAGS_IMMUTABLETYPE
        ]
        self.sys_objects = {name: getattr(sys, name) for name in self.SYS_OBJECTS}
        self.sys_lists = {name: list(getattr(sys, name)) for name in self.SYS_LISTS}
        self.recursion_limit = sys.getrecursionlimit()
        self.digits = sys.get_int_max_str_digits()
        self.collecting = gc.isenabled()
        # The list object stays; simplefilter() and friends change it in place.
        self.warning_filters = list(warnings.filters)
        self.cwd = Path.cwd()
        self.environ = dict(os.environ)
        self.logging = LoggingState() if "logging" in self.modules else None

    def restore(self) -> None:
        for name in [n for n in sys.modules if n not in self.modules]:
            if not _in_package(name) and name != "__main__":
                del sys.modules[name]
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                sys.modules[name] = module
        for name, space in self.spaces.items():
            _put_back(vars(self.modules[name]), space, owner=None)
        for cls, space in self.classes:
            _put_back(vars(cls), space, owner=cls)
        for name, value in self.sys_objects.items():
            setattr(sys, name, value)
        for name, items in self.sys_lists.items():
            getattr(sys, name)[:] = items
        sys.setrecursionlimit(self.recursion_limit)
        sys.set_int_max_str_digits(self.digits)
        if self.collecting:
            gc.enable()
        if warnings.filters != self.warning_filters:
            cast(list[Any], warnings.filters)[:] = self.warning_filters
            warnings._filters_mutated()  # type: ignore[attr-defined]
        sys.settrace(None)
        sys.setprofile(None)
        os.chdir(self.cwd)
        if dict(os.environ) != self.environ:
            os.environ.clear()
            os.environ.update(self.environ)
        if self.logging is not None:
            self.logging.restore()


class LoggingState:
    """The loggers ``logging`` knows, root first, as a baseline has them:
    their levels, handlers and filters. asyncio imports logging, so it stays
    imported from run to run; without this, the first run that logged gave
    the root logger a handler that wrote into that run's output for good,
    and every later run's logging went there, not to its own output."""

    def __init__(self) -> None:
        import logging

        self.manager = logging.root.manager
        self.manager_space = dict(vars(self.manager))
        self.known = dict(self.manager.loggerDict)
        loggers = [logging.root, *self.known.values()]
        self.loggers = [
            (logger, dict(vars(logger)), list(logger.handlers), list(logger.filters))
            for logger in loggers
            if isinstance(logger, logging.Logger)
        ]

    def restore(self) -> None:
        _put_back(vars(self.manager), self.manager_space, owner=None)
        if self.manager.loggerDict != self.known:
            self.manager.loggerDict.clear()
            self.manager.loggerDict.update(self.known)
        for logger, space, handlers, filters in self.loggers:
            _put_back(vars(logger), space, owner=None)
            logger.handlers[:] = handlers
            logger.filters[:] = filters
        self.manager._clear_cache()  # type: ignore[attr-defined]


def _put_back(space: Any, saved: dict[str, Any], owner: type | None) -> None:
    """Make a namespace hold ``saved`` again (a class's: through its owner)."""
    if len(space) == len(saved) and all(
        space.get(key, MISSING) is value for key, value in saved.items()
    ):
        return
    for key in [key for key in space if key not in saved]:
        if owner is None:
            del space[key]
        else:
            type.__delattr__(owner, key)
    for key, value in saved.items():
        if space.get(key, MISSING) is not value:
            if owner is None:
                space[key] = value
            else:
                type.__setattr__(owner, key, value)


def _in_package(name: str) -> bool:
    return name == PACKAGE or name.startswith(PACKAGE + ".")


def restore() -> None:
    """After a run: the interpreter as it started (in the page's Python)."""
    if _baseline:
        _baseline[0].restore()
        end_tasks()


def end_tasks() -> None:
    """Cancel the asyncio tasks a run left pending, as asyncio.run does with
    its own when it ends: pyodide's event loop outlives the run, and a task
    still going would print into later runs and slow them down."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return
    # After the baseline's restore, so asyncio is its own again; a loop the
    # run replaced or broke has no tasks to end that a later run could meet.
    with suppress(Exception):
        for task in asyncio.all_tasks(asyncio.get_event_loop()):
            task.cancel()


def forget_package() -> None:
    """Drop ``chapter2`` from the imported modules, so a run imports it afresh."""
    for name in [n for n in sys.modules if _in_package(n)]:
        del sys.modules[name]


def run_example(
    example: doctest.Example, globs: dict[str, Any], limit: int = OUTPUT_LIMIT
) -> Record:
    """One statement: its output and whether doctest would accept it.

    ``line`` is where the example starts in the block (0 for the first
    line). What it printed and its traceback are cut at ``limit`` characters.
    """
    checker = doctest.OutputChecker()
    captured = Capture(limit)
    error: BaseException | None = None
    try:
        code = compile(example.source, FILENAME, "single", dont_inherit=True)
        with captured_by(captured):
            exec(code, globs)
    except BaseException as raised:  # SystemExit, KeyboardInterrupt: shown
        error = raised
    if error is not None:
        captured.add(format_traceback(error))
    got = captured.text()
    if error is None:
        ok = example.exc_msg is None and checker.check_output(
            example.want, got, OPTIONS
        )
    else:
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
    session: str,
    report: Callable[[Record], object] | None = None,
    fresh: Callable[[], object] | None = None,
) -> list[Record]:
    """Run every example of a ``>>>`` block in fresh globals, in order.

    ``report`` is called with each example's record as soon as it is done, so
    a page can show output while a long block runs. An example that raises
    where the page shows no traceback does not stop the block: like the
    interactive prompt, it shows the traceback and goes on. ``fresh`` is
    called once the package is forgotten, before the first example
    (``replay.py`` watches the run from there).
    """
    forget_package()
    if fresh is not None:
        fresh()
    try:
        examples = doctest.DocTestParser().get_examples(session)
    except ValueError as error:
        return [unreadable(error)]
    globs: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    records: list[Record] = []
    room = SESSION_LIMIT
    try:
        for example in examples:
            record = run_example(example, globs, min(OUTPUT_LIMIT, room))
            room -= len(record["got"])
            records.append(record)
            if report is not None:
                report(record)
    finally:
        forget_run(globs)
    return records


def unreadable(error: ValueError) -> Record:
    """The one record of a block doctest's parser cannot read as a session,
    with its complaint, e.g. "line 1 lacks blank after >>>: '>>>print(1)'",
    put in the reader's terms. ``unreadable``: run.js shows it as it is."""
    said = re.sub(r" of the docstring for \S*", "", str(error))
    said = said.replace("lacks blank after", "needs a space after")
    return {
        "line": 0,
        "source": "",
        "want": "",
        "got": f"This block cannot be read as a >>> session: {said}.\n"
        f"{SESSION_RULES}\n",
        "ok": False,
        "unreadable": True,
    }


def forget_run(globs: dict[str, Any]) -> None:
    """Drop what a run made, now, rather than in the middle of the next run.

    A coroutine the run created and never awaited warns when it is collected;
    a terminal would show that at exit, and the next run must not show it.
    Then the interpreter is put back as it started, so that what runs next
    (another run, or putting a listing's edit in place) finds it sound.
    """
    with warnings.catch_warnings(), redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        globs.clear()
        gc.collect()
    restore()


def run_script(source: str, fresh: Callable[[], object] | None = None) -> list[Record]:
    """Run a script block as a file runs, in fresh globals: what it printed.

    One record, as for a one-example block; ``ok`` when it raised nothing.
    ``fresh`` as for :func:`run_session`.
    """
    forget_package()
    if fresh is not None:
        fresh()
    globs: dict[str, Any] = {"__name__": "__main__", "__builtins__": builtins}
    captured = Capture()
    ok = True
    ended: dict[str, Any] = {}
    # A traceback quotes the script's lines, as it would a file's.
    linecache.cache[FILENAME] = (len(source), None, source.splitlines(True), FILENAME)
    try:
        code = compile(source, FILENAME, "exec", dont_inherit=True)
        with captured_by(captured):
            exec(code, globs)
    except SystemExit as exiting:
        status, said = exit_status(exiting.code)
        captured.add(said)
        ok = status == 0
        ended["exit"] = status
    except BaseException as error:
        captured.add(format_traceback(error))
        ok = False
    finally:
        linecache.cache.pop(FILENAME, None)
        forget_run(globs)
    got = captured.text()
    return [{"line": 0, "source": source, "want": "", "got": got, "ok": ok, **ended}]


def exit_status(code: object) -> tuple[int, str]:
    """What ``sys.exit(code)`` (or ``exit()``) ends a script with, as
    ``python FILE`` does: the exit status, and what Python prints. No code
    or 0 is success and prints nothing; another number is that status; any
    other value is printed, and the status is 1. No traceback either way."""
    if code is None:
        return 0, ""
    if isinstance(code, int):  # True is 1, as for Python
        return int(code), ""
    return 1, f"{code}\n"
