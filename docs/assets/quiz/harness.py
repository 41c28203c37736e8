"""Runs a reader's code against an exercise's checks; prints one verdict line.

The page sends this file, the exercise's checks and a call to :func:`judge`
to the page's Python as one script (``docs/assets/quiz/quiz.js``); the tests
run the same text under CPython (:func:`sitetools.questions.exercises.judge`).
Standard library and ``chapter2`` only: the page's Python has nothing else.

Each check is a function of the namespace the reader's code left, listed in
``CHECKS``; it raises ``AssertionError`` (or anything) with a message saying
what went wrong. The verdict line starts with :data:`MARK` and holds JSON:
``{"ok": bool, "error": str, "checks": [{"name", "ok", "message"}],
"printed": str}``; it is the last line of the run's output.

What the reader's code prints, while it runs and while the checks call it,
goes into ``printed`` (its first :data:`PRINTED_LIMIT` characters), not
into the run's output: so the page can show it, and no amount of it, nor a
line of it that looks like a verdict, stands in for the verdict. The checks
are taken as they are when :func:`judge` is called, so the reader's code
cannot remove them; no checks is no pass. What writes the verdict is taken
before the reader's code runs, so replacing ``json.dumps`` or ``all`` fools
nothing. This is a self-check, not a security boundary: the reader's code
runs in the same Python and could still rewrite the harness itself, which
would fool only the reader.
"""

import gc
import io
import json
import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

# Taken now, before any reader's code runs.
_dumps = json.dumps

MARK = "@@exercise-verdict@@ "
PRINTED_LIMIT = 4000  # characters of the reader's output kept
MESSAGE_LIMIT = 1000  # characters of a check's message kept
YOUR_CODE = "<your code>"  # the file name of the reader's code in tracebacks


def _not_shown(count: int) -> str:
    return f"\n[{count} more characters not shown]" if count else ""


def _cut(text: str, limit: int) -> str:
    return text[:limit] + _not_shown(max(len(text) - limit, 0))


def _message(error: BaseException) -> str:
    text = str(error).strip()
    name = type(error).__name__
    if isinstance(error, AssertionError):
        return _cut(text or "a check failed", MESSAGE_LIMIT)
    said = f"{name}: {text}" if text else name
    return _cut(said + _where(error), MESSAGE_LIMIT)


def _where(error: BaseException) -> str:
    """Where in the reader's code an error of a check came from, if there."""
    frames = traceback.extract_tb(error.__traceback__)
    lines = [frame.lineno for frame in frames if frame.filename == YOUR_CODE]
    return f" (line {lines[-1]} of your code)" if lines else ""


def _name(check: Callable[..., object]) -> str:
    return (check.__doc__ or check.__name__).strip()


class _Printed(io.StringIO):
    """What the reader's code prints: its first :data:`PRINTED_LIMIT`
    characters, and how many more there were. Closing it does nothing: the
    harness still reads it, and the code could otherwise stop the verdict."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped = 0

    def write(self, text: str) -> int:
        room = max(PRINTED_LIMIT - self.tell(), 0)
        if len(text) > room:
            self.dropped += len(text) - room
        super().write(text[:room])
        return len(text)

    def close(self) -> None:
        pass

    def text(self) -> str:
        return self.getvalue() + _not_shown(self.dropped)


STREAMS = ("stdout", "stderr", "__stdout__", "__stderr__")


@contextmanager
def _printing_to(printed: _Printed) -> Iterator[None]:
    """Every stream the reader's code can reach, the terminal's own too
    (``sys.__stdout__``), writes to ``printed`` meanwhile."""
    saved = {name: getattr(sys, name) for name in STREAMS}
    for name in STREAMS:
        setattr(sys, name, printed)
    try:
        yield
    finally:
        for name, stream in saved.items():
            setattr(sys, name, stream)


def judge(code: str, checks: list[Callable[[dict[str, Any]], None]]) -> dict[str, Any]:
    """Run ``code``, then each check on what it defined; print the verdict."""
    run_output = sys.stdout  # where the verdict goes, whatever the code does
    checks_given = tuple(checks)
    printed = _Printed()
    namespace: dict[str, Any] = {"__name__": "__exercise__"}
    verdict: dict[str, Any] = {"ok": False, "error": "", "checks": []}
    results: list[dict[str, object]] = []
    with _printing_to(printed):
        try:
            exec(compile(code, YOUR_CODE, "exec"), namespace)
        except BaseException as error:  # the reader's code: report, do not crash
            lines = traceback.format_exception_only(type(error), error)
            verdict["error"] = _cut(
                "Your code raised before the checks ran: " + "".join(lines).strip(),
                MESSAGE_LIMIT,
            )
        else:
            for check in checks_given:
                try:
                    check(namespace)
                except BaseException as error:
                    results.append(
                        {"name": _name(check), "ok": False, "message": _message(error)}
                    )
                else:
                    results.append({"name": _name(check), "ok": True, "message": ""})
        # What the code made goes now, so that anything it prints as it goes
        # (a __del__, say) is its output, not a line after the verdict.
        namespace.clear()
        gc.collect()
    verdict["checks"] = results
    verdict["ok"] = bool(results) and not [r for r in results if not r["ok"]]
    verdict["printed"] = printed.text()
    run_output.write("\n" + MARK + _dumps(verdict) + "\n")
    return verdict
