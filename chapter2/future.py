"""``std::future::Future``, and how ``await`` reaches a hand-written future.

A Rust future is anything with ``poll(self: Pin<&mut Self>, cx) -> Poll<T>``.
Here it is anything with ``poll(cx) -> Poll[T]`` (the :class:`Future`
protocol). Two bridges connect that protocol to Python's ``async def``:

* :class:`FutureBase` gives a hand-written future ``__await__``, so a
  coroutine can ``await`` it, as an ``async fn`` can ``.await`` any future.
* :class:`CoroutineFuture` wraps a coroutine object so an executor can
  ``poll`` it: one ``poll`` is one ``coroutine.send(None)``.

Inside a poll, the :class:`~chapter2.task.Context` travels down to the leaf
future the coroutine is awaiting, as rustc passes ``cx`` down through every
``.await``. Outside the chapter's executor, under ``asyncio``, a leaf future
is given a waker that resolves an ``asyncio`` future instead, so the same
coroutine also runs with ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Coroutine, Generator, Sequence
from contextvars import ContextVar
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from chapter2.machine import Move
from chapter2.task import Context, Pending, Poll, Ready, Waker

T = TypeVar("T")

_current_context: ContextVar[Context | None] = ContextVar("cx", default=None)


@runtime_checkable
class Future(Protocol[T]):
    """``std::future::Future``: a value that can be polled towards a result."""

    def poll(self, cx: Context) -> Poll[T]:
        """Make as much progress as possible without blocking.

        Return :class:`~chapter2.task.Ready` with the output, or
        :class:`~chapter2.task.Pending` after arranging for
        ``cx.waker()`` to be woken when progress is possible again.
        """
        ...


class PolledAfterCompletion(RuntimeError):
    """A future was polled again after it returned ``Ready``.

    rustc's generated futures panic with "`async fn` resumed after
    completion"; this model raises instead.
    """


class WakerDropped(RuntimeError):
    """Under ``asyncio``, a future returned ``Pending`` and dropped its waker."""


class ForeignAwait(TypeError):
    """A coroutine driven by the chapter's executor awaited something else.

    The executor can only drive chapter2 futures; an ``asyncio`` object, for
    example, needs the ``asyncio`` event loop to wake it.
    """


def label_of(future: object) -> str:
    """A short name for the state a future is in, for traces and errors.

    A future may provide ``state_label()``; otherwise its type name is used.
    """
    label = getattr(future, "state_label", None)
    if callable(label):
        return str(label())
    return type(future).__name__


def held_by(future: object) -> str:
    """What a future holds now, as text for traces; empty if it cannot say.

    A future may provide ``held()``; :class:`CoroutineFuture` shows the
    local variables of its suspended frame.
    """
    held = getattr(future, "held", None)
    return str(held()) if callable(held) else ""


def moves_of(future: object) -> Sequence[Move]:
    """The moves a state machine future has made so far, if it keeps them."""
    moves = getattr(future, "moves", None)
    return moves if isinstance(moves, list) else []


class FutureBase(Generic[T]):
    """Base for hand-written futures, as a Rust type with ``impl Future``.

    Adds ``__await__`` on top of ``poll``, so a coroutine can ``await`` it.

    ``await leaf`` inside a coroutine polls ``leaf`` with the current task's
    context; on ``Pending`` it suspends the coroutine (yielding ``leaf`` so the
    executor knows what it is waiting for), and polls again when resumed.
    This is the loop rustc writes for each ``.await``.
    """

    # No per-instance dict unless a subclass wants one: leaf futures are many.
    __slots__ = ()

    def poll(self, cx: Context) -> Poll[T]:
        raise NotImplementedError

    # --8<-- [start:await_loop]
    def __await__(self) -> Generator[Any, None, T]:
        while True:
            cx = _current_context.get()
            if cx is None:
                return (yield from self._await_under_asyncio())
            result = self.poll(cx)
            # Keep no reference to the context across the yield: it would keep
            # the waker alive when the future itself chose not to store it.
            del cx
            match result:
                case Ready(value):
                    return value
                case Pending():
                    del result  # nothing in the suspended frame but the future
                    yield self

    # --8<-- [end:await_loop]

    # --8<-- [start:await_under_asyncio]
    def _await_under_asyncio(self) -> Generator[Any, None, T]:
        """Drive this future from an ``asyncio`` task: the waker resolves a future.

        If the waker is dropped while the future is still pending, nothing can
        ever resolve it; the ``asyncio`` task gets :class:`WakerDropped`
        instead of hanging.
        """
        loop = asyncio.get_running_loop()
        while True:
            woken: asyncio.Future[None] = loop.create_future()

            def wake(_by: str, woken: asyncio.Future[None] = woken) -> None:
                if not woken.done():
                    woken.set_result(None)

            waker = Waker("asyncio task", wake)
            dropped = weakref.finalize(
                waker, _waker_dropped, woken, label_of(self)
            )
            try:
                result = self.poll(Context(waker))
            except BaseException:
                dropped.detach()  # the error ends the wait, not a lost waker
                raise
            match result:
                case Ready(value):
                    dropped.detach()  # before the waker can go
                    return value
                case Pending():
                    del waker  # from here on, only the future may hold it
                    yield from woken

    # --8<-- [end:await_under_asyncio]


def _waker_dropped(woken: asyncio.Future[None], state: str) -> None:
    if not woken.done():
        woken.set_exception(
            WakerDropped(
                f"{state} returned Pending without keeping its waker; "
                "nothing can ever wake this task"
            )
        )


class CoroutineFuture(Generic[T]):
    """An ``async def`` coroutine seen as a future: ``poll`` is ``send(None)``.

    Plays the part of the anonymous future type rustc generates for an
    ``async fn``.

    Python's compiler already turned the coroutine into a state machine (its
    frame remembers where it stopped); this wrapper only gives it the
    ``poll`` interface and a readable state label.
    """

    __slots__ = ("coroutine", "finished", "name", "waiting_on")

    def __init__(self, coroutine: Coroutine[Any, Any, T]) -> None:
        self.coroutine = coroutine
        self.name: str = getattr(coroutine, "__qualname__", repr(coroutine))
        self.waiting_on: object | None = None
        self.finished = False

    def state_label(self) -> str:
        if self.finished:
            return "Done"
        if self.waiting_on is None:
            return "Start"
        return f"awaiting {label_of(self.waiting_on)}"

    def held(self) -> str:
        """The local variables of the coroutine's frame, by name.

        CPython keeps every local of a suspended coroutine, needed again or
        not, until the function returns or a ``del`` removes it: unlike the
        states of :class:`~chapter2.cart.CartTotal`, which hold only what the
        rest of the function needs.
        """
        frame = getattr(self.coroutine, "cr_frame", None)
        if frame is None:
            return ""
        names = frame.f_locals.items()
        return ", ".join(f"{name}={value!r}" for name, value in names)

    # --8<-- [start:coroutine_poll]
    def poll(self, cx: Context) -> Poll[T]:
        if self.finished:
            raise PolledAfterCompletion(
                f"coroutine {self.name} polled after completion"
            )
        token = _current_context.set(cx)
        try:
            yielded = self.coroutine.send(None)
        except StopIteration as stop:
            self.finished = True
            self.waiting_on = None
            result: T = stop.value
            return Ready(result)
        finally:
            _current_context.reset(token)
        # FutureBase first: a runtime Protocol check is slow, and a page
        # runs 10,000 tasks.
        if not isinstance(yielded, FutureBase | Future):
            self.coroutine.close()
            self.finished = True
            raise ForeignAwait(
                f"coroutine {self.name} awaited {yielded!r}, "
                "which is not a chapter2 future; only asyncio's loop can drive it"
            )
        self.waiting_on = yielded
        return Pending()

    # --8<-- [end:coroutine_poll]
