"""``std::task`` in miniature: ``Poll``, ``Context`` and ``Waker``.

These are the three types every Rust future touches. ``poll`` returns a
:data:`Poll`; it receives a :class:`Context`; the context carries the
:class:`Waker` a future must keep if it returns :class:`Pending`, because
calling :meth:`Waker.wake` is the only way the task gets polled again.

Examples:
    >>> from chapter2.task import Pending, Ready
    >>> Ready(42)
    Ready(42)
    >>> Pending()
    Pending
    >>> Ready(42).is_ready(), Pending().is_ready()
    (True, False)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeAlias, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Ready(Generic[T]):
    """``Poll::Ready(value)``: the future has finished with ``value``."""

    value: T

    def is_ready(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"Ready({self.value!r})"


@dataclass(frozen=True, slots=True)
class Pending:
    """``Poll::Pending``: not finished; the future has arranged to be woken."""

    def is_ready(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "Pending"


Poll: TypeAlias = Ready[T] | Pending
"""``std::task::Poll<T>``: either :class:`Ready` or :class:`Pending`."""


class Waker:
    """``std::task::Waker``: a handle that asks the executor to poll a task again.

    A leaf future that returns :class:`Pending` keeps a waker (in Rust it
    clones ``cx.waker()``); whoever completes the wait calls :meth:`wake`.
    Waking twice before the next poll still means one poll, and waking a task
    that has finished does nothing, as with Tokio.

    ``by`` is the model's only addition to Rust's API: a note saying who woke
    the task, so the executor's trace can show it.
    """

    __slots__ = ("__weakref__", "_schedule", "task_name")

    def __init__(self, task_name: str, schedule: Callable[[str], None]) -> None:
        self.task_name = task_name
        self._schedule = schedule

    def wake(self, by: str = "a waker") -> None:
        """``Waker::wake``: schedule the task to be polled again.

        In Rust ``wake`` consumes the waker, which saves a reference-count
        update when the caller owns it and will not need it again.
        """
        self._schedule(by)

    def wake_by_ref(self, by: str = "a waker") -> None:
        """``Waker::wake_by_ref``: wake the task and keep the waker.

        Python has no moves, so this is the same as :meth:`wake` here.
        """
        self._schedule(by)

    def will_wake(self, other: Waker) -> bool:
        """``Waker::will_wake``: would ``other`` wake the same task?

        A leaf future uses it to skip replacing a waker it already holds. In
        Rust the answer is best effort: ``true`` is a promise, ``false`` may
        be wrong.
        """
        return self._schedule == other._schedule

    @staticmethod
    def noop() -> Waker:
        """``Waker::noop``: a waker whose ``wake`` does nothing.

        For polling a future by hand, outside any executor, as in a test.
        """
        return _NOOP

    def __repr__(self) -> str:
        return f"Waker(task={self.task_name!r})"


def _ignore(_by: str) -> None:
    pass


_NOOP = Waker("noop", _ignore)


class Context:
    """``std::task::Context``: what ``poll`` is given; today, just the waker."""

    __slots__ = ("_waker",)

    def __init__(self, waker: Waker) -> None:
        self._waker = waker

    def waker(self) -> Waker:
        """``Context::waker``: the waker of the task being polled."""
        return self._waker

    def __repr__(self) -> str:
        return f"Context(waker={self._waker!r})"
