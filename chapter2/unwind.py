"""What a panic inside ``poll`` leaves behind, and what Tokio does with it.

In Rust a panic in ``poll`` unwinds out of it. On the way, the values the
future's state held are dropped, and rustc's generated future is left in
its ``Panicked`` state: poll it again and it panics with "`async fn`
resumed after panicking" rather than run a body whose values are gone. In
the model an exception raised by ``poll`` plays the panic:

* :class:`AsyncFn` gives a hand-written state machine, such as
  :class:`~chapter2.cart.CartTotal`, the ``Panicked`` state rustc adds;
* :func:`catch_panic` wraps a task's future as Tokio's task harness does
  (tokio/src/runtime/task/harness.rs, ``poll_future``): the panic is
  caught, the future dropped, and the task's output is a
  :class:`JoinError` instead of a crashed runtime.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from chapter2.future import (
    CoroutineFuture,
    Future,
    FutureBase,
    PolledAfterCompletion,
    held_by,
    label_of,
)
from chapter2.task import Context, Poll, Ready

T = TypeVar("T")


class ResumedAfterPanic(RuntimeError):
    """A future was polled again after a poll of it panicked.

    rustc's generated futures panic with "`async fn` resumed after
    panicking"; this model raises instead.
    """


@dataclass(frozen=True)
class Panicked:
    """rustc's ``Panicked`` variant: a poll panicked. Holds nothing: the
    values of the state it was in were dropped as the panic unwound."""


# --8<-- [start:async_fn]
class AsyncFn(FutureBase[T]):
    """A state machine future with the ``Panicked`` state rustc adds to the
    type it generates for an ``async fn``."""

    def __init__(self, body: Future[T]) -> None:
        self.body: Future[T] | None = body

    def poll(self, cx: Context) -> Poll[T]:
        if self.body is None:
            raise ResumedAfterPanic("`async fn` resumed after panicking")
        try:
            return self.body.poll(cx)
        except Exception as panic:
            # Unwinding drops the values the state held; Panicked is left.
            # (The traceback's frames would keep them alive: cut them.)
            self.body = None
            raise panic.with_traceback(None) from None

    # --8<-- [end:async_fn]

    @property
    def state(self) -> object:
        """The body's state, or :class:`Panicked`."""
        if self.body is None:
            return Panicked()
        return getattr(self.body, "state", None)

    def state_label(self) -> str:
        return "Panicked" if self.body is None else label_of(self.body)

    def held(self) -> str:
        return repr(Panicked()) if self.body is None else held_by(self.body)


def rust_debug(text: str) -> str:
    r"""``text`` as Rust's ``{:?}`` prints a ``&str``: in double quotes, with
    backslashes, quotes and control characters escaped, and characters that
    do not print alone (a combining accent, a zero-width space) as
    ``\u{...}``.

    Examples:
        >>> from chapter2.unwind import rust_debug
        >>> print(rust_debug('he said "no"\n'))
        "he said \"no\"\n"
    """
    return '"' + "".join(_debug_char(char) for char in text) + '"'


_ESCAPES = {
    "\\": r"\\",
    '"': r"\"",
    "\n": r"\n",
    "\r": r"\r",
    "\t": r"\t",
    "\0": r"\0",
}


def _debug_char(char: str) -> str:
    if char in _ESCAPES:
        return _ESCAPES[char]
    # Marks that attach to the previous character (Rust's Grapheme_Extend,
    # mostly the categories Mn and Me) are escaped, as are non-printables.
    if char.isprintable() and unicodedata.category(char) not in ("Mn", "Me"):
        return char
    return f"\\u{{{ord(char):x}}}"


class JoinError(Exception):
    """``tokio::task::JoinError`` for a task that panicked.

    Its text is Tokio's, ``task {id} panicked with message {:?}``
    (tokio/src/runtime/task/error.rs): the message in quotes, escaped as
    Rust's ``{:?}`` escapes it, with the task's name where Tokio prints its
    id. ``panic`` is the exception.
    """

    def __init__(self, task: str, panic: Exception) -> None:
        self.task = task
        self.panic = panic
        message = rust_debug(str(panic))
        super().__init__(f"task {task} panicked with message {message}")

    def __repr__(self) -> str:
        # Tokio's Debug: JoinError::Panic({id:?}, {message:?}, ...)
        return (
            f"JoinError::Panic({self.task}, {rust_debug(str(self.panic))}, ...)"
        )

    def is_panic(self) -> bool:
        """``JoinError::is_panic``: always, here (the model does not abort
        tasks, the other way a Tokio task ends in a ``JoinError``)."""
        return True


# --8<-- [start:catch_panic]
class CatchPanic(FutureBase["T | JoinError"], Generic[T]):
    """A task's future as Tokio's harness polls it: a panic is caught, the
    future dropped, and the output is a :class:`JoinError`."""

    def __init__(self, future: Future[T], task: str) -> None:
        self.future: Future[T] | None = future
        self.task = task

    def poll(self, cx: Context) -> Poll[T | JoinError]:
        if self.future is None:
            raise PolledAfterCompletion(f"task {self.task} already ended")
        try:
            result = self.future.poll(cx)
        except Exception as panic:
            self.future = None  # Tokio drops the future that panicked
            # The traceback would keep the dropped future's frames alive.
            return Ready(JoinError(self.task, panic.with_traceback(None)))
        match result:
            case Ready(output):
                self.future = None
                return Ready(output)
        return result

    # --8<-- [end:catch_panic]

    def state_label(self) -> str:
        return "Done" if self.future is None else label_of(self.future)


def catch_panic(
    future: Future[T] | Coroutine[Any, Any, T], task: str
) -> CatchPanic[T]:
    """``future`` (or a coroutine) wrapped in :class:`CatchPanic`, for a
    task named ``task``."""
    if isinstance(future, Coroutine):
        return CatchPanic(CoroutineFuture(future), task)
    return CatchPanic(future, task)
