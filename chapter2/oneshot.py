"""A one-shot channel: ``tokio::sync::oneshot`` in miniature.

:func:`channel` returns a :class:`Sender` and a :class:`Receiver` sharing one
slot. The receiver is a *leaf future*, the kind at the bottom of every
``.await`` chain: it is where a task actually stops and where the
:class:`~chapter2.task.Waker` is kept. The sender is the other half of that
contract: :meth:`Sender.send` fills the slot and wakes the waker.

A receiver is ``Pending`` until its value is sent, then ``Ready``; misuse
raises instead of hanging or going quiet.

Examples:
    >>> from chapter2.oneshot import channel
    >>> from chapter2.task import Context, Waker
    >>> tx, rx = channel("socks")
    >>> cx = Context(Waker.noop())
    >>> rx.poll(cx)
    Pending
    >>> tx.send(12)
    >>> rx.poll(cx)
    Ready(12)
    >>> tx.send(13)
    Traceback (most recent call last):
      ...
    chapter2.oneshot.SenderConsumed: the socks sender was already used by send(); ...
    >>> rx.poll(cx)
    Traceback (most recent call last):
      ...
    chapter2.future.PolledAfterCompletion: the socks receiver was polled again ...
"""

from __future__ import annotations

from typing import Generic, NoReturn, TypeVar

from chapter2.future import FutureBase, PolledAfterCompletion
from chapter2.task import Context, Pending, Poll, Ready, Waker

T = TypeVar("T")


class Canceled(Exception):
    """The sender went away without sending a value.

    Models ``futures::channel::oneshot::Canceled`` (Tokio's receiver gives
    ``Err(RecvError)`` for the same event). ``await receiver`` raises it, so
    the waiting task ends with an error instead of waiting forever.
    """


class SenderConsumed(RuntimeError):
    """:meth:`Sender.send` or :meth:`Sender.close` was called on a used sender.

    In Rust both take the sender by value, so the second call is a compile
    error ("use of moved value"); Python can only refuse it at run time.
    """


class _Slot(Generic[T]):
    """What the two halves share (Tokio's ``Inner``): the value and the waker."""

    __slots__ = (
        "finished",
        "has_value",
        "name",
        "receiver_gone",
        "sender_gone",
        "value",
        "waker",
    )

    def __init__(self, name: str) -> None:
        self.name = name
        self.value: T | None = None
        self.has_value = False
        self.waker: Waker | None = None
        self.sender_gone = False
        self.receiver_gone = False
        self.finished = False


class Sender(Generic[T]):
    """``oneshot::Sender``: sends one value and wakes the receiving task.

    Dropping it unused (:meth:`close`, or letting it be garbage collected)
    completes the receiver with :class:`Canceled`, as Rust's ``Drop`` does.
    :meth:`is_closed` tells whether the receiver is gone; :meth:`send` to a
    gone receiver stores a value no one will read, where Tokio's ``send``
    hands it back as ``Err(value)``.
    """

    __slots__ = ("_slot", "_used")

    def __init__(self, slot: _Slot[T]) -> None:
        self._slot = slot
        self._used: str | None = None

    # --8<-- [start:send]
    def send(self, value: T) -> None:
        """Store ``value``, then wake the task that is waiting for it, if any."""
        self._use("send()")
        slot = self._slot
        slot.value, slot.has_value = value, True
        waker, slot.waker = slot.waker, None
        if waker is not None:
            waker.wake(by=f"{slot.name} sender")

    # --8<-- [end:send]

    def is_closed(self) -> bool:
        """``Sender::is_closed``: has the receiver been dropped?"""
        return self._slot.receiver_gone

    def close(self) -> None:
        """Drop the sender without sending: ``drop(tx)`` in Rust."""
        self._use("close()")
        self._drop()

    def _drop(self) -> None:
        slot = self._slot
        slot.sender_gone = True
        waker, slot.waker = slot.waker, None
        if waker is not None:
            waker.wake(by=f"{slot.name} sender (dropped)")

    def __del__(self) -> None:
        # CPython runs this as soon as the last reference goes, as Rust drops
        # a value at the end of its scope.
        if getattr(self, "_used", "unknown") is None:
            self._used = "drop"
            self._drop()

    def _use(self, how: str) -> None:
        if self._used is not None:
            raise SenderConsumed(
                f"the {self._slot.name} sender was already used by {self._used}; "
                "a oneshot channel carries one value (in Rust, send takes the "
                "sender by value, so a second call does not compile)"
            )
        self._used = how

    def __repr__(self) -> str:
        return f"Sender({self._slot.name!r})"

    def __reduce_ex__(self, protocol: object) -> NoReturn:
        # copy.copy, copy.deepcopy and pickle all come here. A copy would be
        # a second sender: it could send again, and dropping it would cancel
        # the receiver while the first still meant to send. Tokio's Sender
        # derives Debug only (tokio/src/sync/oneshot.rs), so Rust has no copy.
        raise TypeError(
            f"the {self._slot.name} sender cannot be copied: a oneshot channel "
            "has one sender (tokio::sync::oneshot::Sender is not Clone)"
        )


# --8<-- [start:receiver]
class Receiver(FutureBase[T]):
    """``oneshot::Receiver``: a leaf future, ``Ready`` once a value was sent.

    Its :meth:`state_label` is the channel's name, so a task stopped at
    ``await socks`` shows up in a trace as ``awaiting socks``. Polled again
    after it completed, it raises
    :class:`~chapter2.future.PolledAfterCompletion`, where Tokio's receiver
    panics ("called after complete").
    """

    __slots__ = ("_slot",)

    def __init__(self, slot: _Slot[T]) -> None:
        self._slot = slot

    def poll(self, cx: Context) -> Poll[T]:
        ready = self._take()
        if ready is not None:
            return ready
        # Keep the waker *before* returning Pending: send() needs it.
        self._slot.waker = cx.waker()
        return Pending()

    def _take(self) -> Ready[T] | None:
        """The value if it has arrived; ``None`` if the wait goes on."""
        slot = self._slot
        if slot.finished:
            raise PolledAfterCompletion(
                f"the {slot.name} receiver was polled again after it completed"
            )
        if slot.has_value:
            slot.finished = True
            value: T = slot.value  # type: ignore[assignment]
            slot.value = None
            return Ready(value)
        if slot.sender_gone:
            slot.finished = True
            raise Canceled(
                f"the {slot.name} sender was dropped without sending"
            )
        return None

    # --8<-- [end:receiver]

    def __del__(self) -> None:
        # The last reference gone is Rust's drop: the sender can see it.
        slot = getattr(self, "_slot", None)
        if slot is not None:
            slot.receiver_gone = True

    def state_label(self) -> str:
        return self._slot.name

    def __repr__(self) -> str:
        return f"Receiver({self._slot.name!r})"


# --8<-- [start:forgetful]
class ForgetfulReceiver(Receiver[T]):
    """A receiver with the classic leaf-future bug: it drops the waker.

    It returns ``Pending`` without keeping ``cx.waker()``, so when the value
    arrives the sender has nobody to wake, and the task is never polled
    again. In Rust the program hangs; the model's executor raises
    :class:`~chapter2.executor.Stalled` instead.
    """

    __slots__ = ()

    def poll(self, cx: Context) -> Poll[T]:
        ready = self._take()
        if ready is not None:
            return ready
        return Pending()  # the bug: cx.waker() is never stored


# --8<-- [end:forgetful]


def channel(name: str) -> tuple[Sender[T], Receiver[T]]:
    """``oneshot::channel()``: a connected sender and receiver.

    ``name`` labels the channel in traces and errors (``"socks"``).
    """
    slot: _Slot[T] = _Slot(name)
    return Sender(slot), Receiver(slot)


def forgetful_channel(name: str) -> tuple[Sender[T], Receiver[T]]:
    """:func:`channel`, but its receiver is a :class:`ForgetfulReceiver`."""
    slot: _Slot[T] = _Slot(name)
    return Sender(slot), ForgetfulReceiver(slot)
