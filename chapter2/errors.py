"""The programs of "The errors the state explains", as states.

Each Rust listing of that page that rustc rejects (or accepts once fixed) is
written here as the states of its future, one frozen dataclass per place it
can stop, holding what rustc's generated type holds there. The checks of
:mod:`chapter2.layout` then give the verdicts rustc gives:

* :data:`COUNT` holds a ``MutexGuard`` across ``other().await`` (rustc 1.95
  keeps it even after ``drop(guard)``), so it is not ``Send``;
  :data:`COUNT_WITH_HELPER` takes the lock in a plain function and is;
* :data:`COUNT_DOWN` awaits itself, so its size is infinite;
  :data:`COUNT_DOWN_BOXED` holds a box instead and is 16 bytes;
  :data:`PING` and :data:`PONG` make the same cycle through two functions;
* :data:`FIRST_PRICE` holds a reference to one of its own fields.

Examples:
    >>> from chapter2.errors import COUNT_DOWN_BOXED
    >>> from chapter2.layout import size_of
    >>> size_of(COUNT_DOWN_BOXED)
    16
"""

# A field typed with a FutureType names a Rust type that has no Python
# class; the model reads it from the annotation, and mypy need not.
# mypy: disable-error-code="valid-type"

from __future__ import annotations

from dataclasses import dataclass, field

from chapter2.layout import Box, FutureType, Ref, rust_type


@rust_type("Mutex<Vec<u32>>", size=40, align=8)
class Mutex:
    """``std::sync::Mutex<Vec<u32>>``: ``Send`` and ``Sync``."""


@rust_type("MutexGuard<'_, Vec<u32>>", size=16, align=8, send=False)
class MutexGuard:
    """``std::sync::MutexGuard``: not ``Send``.

    The lock must be released by the thread that took it, so ``std``
    marks the guard ``impl !Send``: it may not move to another thread.
    """


@rust_type("{async fn body of other()}", size=1, align=1)
class Other:
    """The future of ``async fn other() -> usize``, being awaited."""


@rust_type("usize", size=8, align=8)
class Usize:
    """``usize``: a count, as ``Vec::len`` returns."""


@rust_type("[u32; 2]", size=8, align=4)
class Prices:
    """``[u32; 2]``: two prices, stored in place."""


@rust_type("YieldNow", size=1, align=1)
class YieldNow:
    """A leaf future that is ``Pending`` once, then ``Ready``."""


# --8<-- [start:count]
@dataclass(frozen=True)
class CountStart:
    """Created, not polled: holds the argument, a reference to the mutex."""

    cart: Ref[Mutex]


@dataclass(frozen=True)
class AwaitingOther:
    """Stopped at ``other().await``. rustc 1.95 keeps the guard's slot in
    the state until the end of its scope, even after ``drop(guard)``."""

    guard: MutexGuard
    n: Usize
    other: Other


@dataclass(frozen=True)
class CountDone:
    """Returned: holds nothing."""


COUNT = FutureType("count", (CountStart, AwaitingOther, CountDone))
# --8<-- [end:count]


# --8<-- [start:count_with_helper]
@dataclass(frozen=True)
class AwaitingOtherUnlocked:
    """Stopped at ``other().await``: the lock was taken and released inside
    ``item_count``, so no guard is left to hold."""

    n: Usize
    other: Other


COUNT_WITH_HELPER = FutureType(
    "count", (CountStart, AwaitingOtherUnlocked, CountDone)
)
# --8<-- [end:count_with_helper]


# --8<-- [start:count_down]
@dataclass(frozen=True)
class CountDownStart:
    """Created, not polled: holds ``n``."""

    n: int


@dataclass(frozen=True)
class AwaitingInner:
    """Stopped at ``count_down(n - 1).await``: holds the inner future,
    which is a ``count_down`` future too."""

    inner: COUNT_DOWN


@dataclass(frozen=True)
class CountDownDone:
    """Returned: holds nothing."""


COUNT_DOWN = FutureType(
    "count_down", (CountDownStart, AwaitingInner, CountDownDone)
)
# --8<-- [end:count_down]


# --8<-- [start:count_down_boxed]
@dataclass(frozen=True)
class AwaitingBoxed:
    """Stopped at ``Box::pin(count_down(n - 1)).await``: holds a pointer
    to the inner future, which lives on the heap."""

    inner: Box[COUNT_DOWN_BOXED]


COUNT_DOWN_BOXED = FutureType(
    "count_down", (CountDownStart, AwaitingBoxed, CountDownDone)
)
# --8<-- [end:count_down_boxed]


@dataclass(frozen=True)
class AwaitingPong:
    """``ping`` stopped at ``pong(n - 1).await``."""

    inner: PONG


@dataclass(frozen=True)
class AwaitingPing:
    """``pong`` stopped at ``ping(n).await``."""

    inner: PING


PING = FutureType("ping", (CountDownStart, AwaitingPong, CountDownDone))
PONG = FutureType("pong", (CountDownStart, AwaitingPing, CountDownDone))


# --8<-- [start:first_price]
@dataclass(frozen=True)
class FirstPriceStart:
    """Created, not polled: no arguments, nothing to hold."""


@dataclass(frozen=True)
class AwaitingYield:
    """Stopped at ``YieldNow(false).await``: the array, a reference to its
    first element, and the future being awaited."""

    prices: Prices
    first: Ref[int] = field(metadata={"borrows": "prices"})
    yield_now: YieldNow


@dataclass(frozen=True)
class FirstPriceDone:
    """Returned: holds nothing."""


FIRST_PRICE = FutureType(
    "first_price", (FirstPriceStart, AwaitingYield, FirstPriceDone)
)
# --8<-- [end:first_price]
