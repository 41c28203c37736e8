"""Runs a reader's code against an exercise's checks; prints one verdict line.

The page sends this file, the exercise's checks and a call to :func:`judge`
to the page's Python as one script (``docs/assets/quiz/quiz.js``); the tests
run the same text under CPython (:func:`sitetools.questions.exercises.judge`).
Standard library and ``chapter2`` only: the page's Python has nothing else.

Each check is a function of the namespace the reader's code left, listed in
``CHECKS``; it raises ``AssertionError`` (or anything) with a message saying
what went wrong. The verdict line starts with :data:`MARK` and holds JSON:
``{"ok": bool, "error": str, "checks": [{"name", "ok", "message"}]}``.
"""

import json
import traceback
from collections.abc import Callable
from typing import Any

MARK = "@@exercise-verdict@@ "


def _message(error: BaseException) -> str:
    text = str(error).strip()
    name = type(error).__name__
    if isinstance(error, AssertionError):
        return text or "a check failed"
    return f"{name}: {text}" if text else name


def _name(check: Callable[..., object]) -> str:
    return (check.__doc__ or check.__name__).strip()


def judge(code: str, checks: list[Callable[[dict[str, Any]], None]]) -> dict[str, Any]:
    """Run ``code``, then each check on what it defined; print the verdict."""
    namespace: dict[str, Any] = {"__name__": "__exercise__"}
    verdict: dict[str, Any] = {"ok": False, "error": "", "checks": []}
    try:
        exec(compile(code, "<your code>", "exec"), namespace)
    except BaseException as error:  # the reader's code: report, do not crash
        lines = traceback.format_exception_only(type(error), error)
        verdict["error"] = (
            "Your code raised before the checks ran: " + "".join(lines).strip()
        )
        print(MARK + json.dumps(verdict))
        return verdict
    results: list[dict[str, object]] = []
    for check in checks:
        try:
            check(namespace)
        except BaseException as error:
            results.append(
                {"name": _name(check), "ok": False, "message": _message(error)}
            )
        else:
            results.append({"name": _name(check), "ok": True, "message": ""})
    verdict["checks"] = results
    verdict["ok"] = all(result["ok"] for result in results)
    print(MARK + json.dumps(verdict))
    return verdict
