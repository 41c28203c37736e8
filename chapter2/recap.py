"""Chapter 1 in three facts, shown with Python's own coroutines.

A Rust future does nothing until it is polled. A Python coroutine behaves the
same way: calling an ``async def`` builds a coroutine object and runs none of
its body. This module holds the small examples the landing page drives.

Examples:
    >>> from chapter2.recap import brew, drive
    >>> log: list[str] = []
    >>> coroutine = brew(log)
    >>> log
    []
    >>> drive(coroutine)
    'tea'
    >>> log
    ['boil water', 'steep leaves']
"""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


# --8<-- [start:brew]
async def brew(log: list[str]) -> str:
    """Make tea, noting each step in ``log``.

    Models a Rust ``async fn brew() -> &'static str``: calling it only
    builds the future; the body runs when something drives it.
    """
    log.append("boil water")
    log.append("steep leaves")
    return "tea"


# --8<-- [end:brew]


# --8<-- [start:drive]
def drive(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run ``coroutine`` to completion and return its result.

    The smallest possible executor: resume the coroutine until it finishes.
    Python reports the return value through ``StopIteration``.
    """
    while True:
        try:
            coroutine.send(None)
        except StopIteration as finished:
            result: T = finished.value
            return result


# --8<-- [end:drive]
