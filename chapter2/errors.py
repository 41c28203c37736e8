"""The programs of "The errors the state explains", as states.

Each Rust listing of that page that rustc rejects (or accepts once fixed) is
written here as the states of its future, one frozen dataclass per place it
can stop, holding what rustc's generated type holds there. The checks of
:mod:`chapter2.layout` then give the verdicts rustc gives:

* :data:`COUNT_VISIT` holds a ``MutexGuard`` across ``log(visits).await``
  (rustc 1.95 keeps a local that was borrowed, as ``*guard`` borrows the
  guard, even after ``drop(guard)``), so it is not ``Send``;
  :data:`COUNT_VISIT_FIXED` takes the lock in a plain function and is;
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


@rust_type("MutexGuard<'_, u32>", size=16, align=8, send=False)
class MutexGuard:
    """``std::sync::MutexGuard<'_, u32>``: not ``Send``.

    A lock must be released by the thread that took it, so ``std`` marks
    the guard ``impl !Send``: it may not move to another thread.
    """


@rust_type("{async fn body of log()}", size=8, align=4)
class Log:
    """The future of ``async fn log(visits: u32)``, being awaited."""


@rust_type("[u32; 2]", size=8, align=4)
class Prices:
    """``[u32; 2]``: two prices, stored in place."""


@rust_type("YieldNow", size=1, align=1)
class YieldNow:
    """A leaf future that is ``Pending`` once, then ``Ready``."""


# --8<-- [start:count_visit]
@dataclass(frozen=True)
class Start:
    """Created, not polled: ``count_visit`` takes no arguments."""


@dataclass(frozen=True)
class AwaitingLog:
    """Stopped at ``log(visits).await``. ``*guard`` borrowed the guard, so
    rustc 1.95 keeps its slot here until its scope ends, even after
    ``drop(guard)`` emptied it (a one-byte drop flag, not modelled, says
    that it is empty)."""

    guard: MutexGuard
    visits: int
    log: Log


@dataclass(frozen=True)
class Done:
    """Returned: holds nothing."""


COUNT_VISIT = FutureType("count_visit", (Start, AwaitingLog, Done))
# --8<-- [end:count_visit]


# --8<-- [start:count_visit_fixed]
@dataclass(frozen=True)
class AwaitingLogUnlocked:
    """Stopped at ``log(visits).await``, with the lock taken and released
    in ``add_visit``, a plain function: no guard left to hold."""

    visits: int
    log: Log


COUNT_VISIT_FIXED = FutureType(
    "count_visit", (Start, AwaitingLogUnlocked, Done)
)
# --8<-- [end:count_visit_fixed]


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
