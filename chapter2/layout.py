"""What a future's states hold, and two questions rustc asks of them.

rustc never shows you the type it generates for an ``async fn``, yet two of
its errors are about that type's fields:

* "future cannot be sent between threads safely". ``Send`` is an *auto
  trait*: a type is ``Send`` when every one of its fields is. A future is
  therefore ``Send`` only if every value any of its states holds is.
  :func:`check_send` asks that of a model's states and names the state and
  the value, as rustc's note does.
* E0733, "recursion in an async fn requires boxing". A type is as large as
  its fields, so a state that holds the future it belongs to would be
  infinitely large. :func:`size_of` computes a future's size from its
  states' fields and reports the cycle; a :class:`Box` field is one pointer,
  which ends it.

A future type is a :class:`FutureType`: a name and its states, each a
frozen dataclass whose field annotations say what it holds (a
:class:`~chapter2.machine.TransitionTable` or a single state class will do
too). A field's type is another future type, a dataclass (a struct),
:class:`Box` or :class:`Ref` of a type, or a *leaf*: a type listed in
:data:`LEAVES`, or one marked with :func:`rust_type`, with its Rust name,
size, alignment, and whether it is ``Send`` and ``Sync``.

Examples:
    >>> from chapter2.cart import CART_TOTAL
    >>> from chapter2.layout import size_of
    >>> size_of(CART_TOTAL)  # the hand-written enum of async-fn.md
    24
"""

from __future__ import annotations

import dataclasses
import sys
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from chapter2.machine import TransitionTable
from chapter2.oneshot import Receiver

T = TypeVar("T")

POINTER = 8  # bytes in a pointer on the 64-bit targets the chapter measures


@dataclass(frozen=True)
class RustType:
    """What the model knows of a leaf type: Rust's name for it, its size and
    alignment in bytes, and the two auto traits that decide where it may go
    (``Send``: it may move to another thread; ``Sync``: a reference to it
    may)."""

    name: str
    size: int
    align: int
    send: bool = True
    sync: bool = True

    def __post_init__(self) -> None:
        # Rust's own rules for a layout: a size is never negative, and an
        # alignment is a power of two (std::alloc::Layout refuses others).
        if not isinstance(self.size, int) or self.size < 0:
            raise ValueError(
                f"{self.name}: size must be a whole number of bytes, 0 or "
                f"more, not {self.size!r}"
            )
        if (
            not isinstance(self.align, int)
            or self.align < 1
            or self.align & (self.align - 1)
        ):
            raise ValueError(
                f"{self.name}: align must be a power of two (1, 2, 4, 8, "
                f"...), not {self.align!r}"
            )


LEAVES: dict[type, RustType] = {
    int: RustType("u32", 4, 4),  # the chapter's prices are u32
    bool: RustType("bool", 1, 1),
    Receiver: RustType("Receiver<u32>", POINTER, POINTER),  # one Arc
}
"""Leaf types the model knows, by Python class; :func:`rust_type` adds to it."""


C = TypeVar("C", bound=type)


def rust_type(
    name: str,
    *,
    size: int,
    align: int,
    send: bool = True,
    sync: bool = True,
) -> Callable[[C], C]:
    """A class decorator: the class models the leaf Rust type ``name``.

    ``send=False`` marks a thread-bound type, as ``std`` marks
    ``MutexGuard`` and ``Rc`` with ``impl !Send``.
    """

    leaf = RustType(name, size, align, send, sync)  # checked before any class

    def mark(cls: C) -> C:
        LEAVES[cls] = leaf
        return cls

    return mark


class Box(Generic[T]):
    """``Box<T>`` (or ``Pin<Box<T>>``): a pointer to a ``T`` on the heap.

    One pointer, whatever ``T`` is: that is why boxing the inner future
    makes a recursive ``async fn`` finite. ``Send`` when ``T`` is.
    """


class Ref(Generic[T]):
    """``&T``: a shared reference, one pointer. ``Send`` when ``T`` is ``Sync``.

    A field that borrows another field of the same state says so in its
    metadata, ``field(metadata={"borrows": "prices"})``; see
    :func:`self_references`.
    """


@dataclass(frozen=True)
class FutureType:
    """The anonymous type rustc generates for an ``async fn``: an enum with
    one variant per state. ``name`` is the function's name."""

    name: str
    states: tuple[type, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.states, tuple) or not all(
            isinstance(state, type) for state in self.states
        ):
            got = getattr(self.states, "__name__", repr(self.states))
            raise TypeError(
                f"future type {self.name!r}: states must be a tuple of state "
                f"classes, such as (Start, Done), not {got} "
                f"({type(self.states).__name__})"
            )
        if not self.states:
            raise ValueError(f"future type {self.name!r} has no states")
        for state in self.states:
            _check_state(state)

    @property
    def rust_name(self) -> str:
        """The name rustc prints for it, as in ``-Zprint-type-sizes``."""
        return f"{{async fn body of {self.name}()}}"


class NotAState(TypeError):
    """Something given as a state is not a dataclass, so the model cannot
    read what it holds."""


class UnknownType(TypeError):
    """A state's field has a type the model knows nothing about."""


class BadBorrow(TypeError):
    """A field's ``borrows`` metadata cannot be right: the field is not a
    :class:`Ref`, or what it names is not another field of the state."""


class NotSend(TypeError):
    """rustc's "future cannot be sent between threads safely": some state
    holds a value that is not ``Send``. ``state`` and ``value`` name it."""

    def __init__(self, future: str, state: str, value: str, path: str) -> None:
        self.state = state
        self.value = value
        super().__init__(
            f"future cannot be sent between threads safely: {future} "
            f"is not Send, because {path}"
        )


class InfiniteSize(TypeError):
    """rustc's E0733: a type holds itself, through one state or several.

    ``cycle`` lists each type on the way, starting and ending with the same
    one; ``steps`` says which state and field led from each to the next.
    """

    def __init__(self, cycle: list[str], steps: list[str]) -> None:
        self.cycle = cycle
        self.steps = steps
        links = ", whose ".join(
            f"{step} {target}"
            for step, target in zip(steps, cycle[1:], strict=True)
        )
        super().__init__(
            f"{cycle[0]} would be infinitely large: it holds itself. Its "
            f"{links}. Box the inner future (Box::pin) to hold a pointer "
            "to it instead"
        )


@dataclass(frozen=True)
class Field:
    """One value a state holds: its name and its type, as Rust names it."""

    state: str
    name: str
    rust_type: str
    send: bool


def as_future_type(future: object) -> FutureType:
    """``future`` as a :class:`FutureType`: one already, a
    :class:`~chapter2.machine.TransitionTable` (its states), or a single
    state class."""
    if isinstance(future, FutureType):
        return future
    if isinstance(future, TransitionTable):
        return FutureType(future.name, future.states())
    if isinstance(future, type):
        return FutureType(future.__name__, (future,))
    raise TypeError(
        "expected a FutureType, a TransitionTable or a state class, "
        f"got {future!r} ({type(future).__name__})"
    )


def holds(future: object) -> list[Field]:
    """Every value each state holds, in the order the states are listed.

    Examples:
        >>> from chapter2.cart import CART_TOTAL
        >>> from chapter2.layout import holds
        >>> for field in holds(CART_TOTAL):
        ...     print(field.state, field.name, field.rust_type, field.send)
        Start socks Receiver<u32> True
        Start shoes Receiver<u32> True
        WaitingForSocks socks Receiver<u32> True
        WaitingForSocks shoes Receiver<u32> True
        WaitingForShoes socks_price u32 True
        WaitingForShoes shoes Receiver<u32> True
    """
    future_type = as_future_type(future)
    return [
        Field(state.__name__, name, type_name(kind), is_send(kind))
        for state in future_type.states
        for name, kind in _fields(state)
    ]


def holds_table(future: object) -> str:
    """:func:`holds` as text, one state a line, non-``Send`` values marked."""
    future_type = as_future_type(future)
    width = max(len(state.__name__) for state in future_type.states)
    lines = []
    for state in future_type.states:
        values = [
            f"{name}: {type_name(kind)}"
            + ("" if is_send(kind) else " (not Send)")
            for name, kind in _fields(state)
        ]
        lines.append(f"{state.__name__:{width}}  {', '.join(values) or '-'}")
    return "\n".join(lines)


def check_send(future: object) -> None:
    """Refuse a future that is not ``Send``, as ``tokio::spawn``'s bound does.

    Raises :class:`NotSend` naming the first state (in order) that holds a
    value that is not ``Send``, the value, and its type; inside a struct or
    an awaited future, the path down to it.
    """
    future_type = as_future_type(future)
    for state in future_type.states:
        for name, kind in _fields(state):
            if not is_send(kind):
                path = (
                    f"state {state.__name__} holds `{name}`, "
                    + _why_not_send(kind, set())
                )
                raise NotSend(future_type.rust_name, state.__name__, name, path)


# --8<-- [start:is_send]
def is_send(kind: object, _visiting: frozenset[object] = frozenset()) -> bool:
    """Is a value of this type ``Send``? Yes when every part of it is.

    A type met again while it is being checked counts as ``Send``, as
    rustc counts it, so a boxed recursive future is ``Send`` when the rest
    of it is.
    """
    if kind in _visiting:
        return True
    visiting = _visiting | {kind}
    origin, args = _split(kind)
    if origin is Box:
        return is_send(args[0], visiting)
    if origin is Ref:
        return _is_sync(args[0])
    parts = _parts(kind)
    if parts is None:
        return _leaf(kind).send
    return all(is_send(part, visiting) for _, _, part in parts)


# --8<-- [end:is_send]


def _parts(kind: object) -> list[tuple[str | None, str, object]] | None:
    """A future's or struct's values as (state or None, name, type);
    ``None`` for a leaf."""
    if isinstance(kind, FutureType):
        return [
            (state.__name__, name, part)
            for state in kind.states
            for name, part in _fields(state)
        ]
    if _is_dataclass_type(kind):
        return [(None, name, part) for name, part in _fields(kind)]
    return None


def _why_not_send(kind: object, visiting: set[object]) -> str:
    """Words for why a type that is not ``Send`` is not."""
    visiting.add(kind)
    origin, args = _split(kind)
    name = type_name(kind)
    if origin is Ref:
        return f"a {name}, and " + _why_not_sync(args[0], set())
    if origin is Box:
        return f"a {name}: " + _why_not_send(args[0], visiting)
    for state, field_name, part in _parts(kind) or []:
        if part not in visiting and not is_send(part):
            where = f"whose state {state} holds" if state else "which holds"
            return f"a {name}, {where} `{field_name}`, " + _why_not_send(
                part, visiting
            )
    return f"a {name}, which is not Send"


def _is_sync(kind: object, _visiting: frozenset[object] = frozenset()) -> bool:
    """Is a reference to this type ``Send``, that is, is the type ``Sync``?

    ``Sync`` is an auto trait too: a struct or a future is ``Sync`` when all
    its parts are, and ``Box<T>`` and ``&T`` are when ``T`` is.
    """
    if kind in _visiting:
        return True
    visiting = _visiting | {kind}
    origin, args = _split(kind)
    if origin is Box or origin is Ref:
        return _is_sync(args[0], visiting)
    parts = _parts(kind)
    if parts is None:
        return _leaf(kind).sync
    return all(_is_sync(part, visiting) for _, _, part in parts)


def _why_not_sync(kind: object, visiting: set[object]) -> str:
    """Words for why a type that is not ``Sync`` is not."""
    visiting.add(kind)
    origin, args = _split(kind)
    name = type_name(kind)
    if origin is Box or origin is Ref:
        return _why_not_sync(args[0], visiting)
    for state, field_name, part in _parts(kind) or []:
        if part not in visiting and not _is_sync(part):
            where = f"whose state {state} holds" if state else "which holds"
            return f"{name} is not Sync, {where} `{field_name}`: " + (
                _why_not_sync(part, visiting)
            )
    return f"{name} is not Sync"


@dataclass(frozen=True)
class Layout:
    """A type's size and alignment in bytes."""

    size: int
    align: int


def size_of(future: object) -> int:
    """The size in bytes of a future (or any type the model knows).

    A future is an enum of its states: a one-byte tag, then each state's
    fields, and the largest state decides. A dataclass given here is read
    as a future with that one state, tag included. Raises :class:`InfiniteSize` when
    a type holds itself without a :class:`Box` on the way.
    """
    kind = future if _is_type_like(future) else as_future_type(future)
    return _layout(kind, []).size


Step = tuple[object, str]  # a type, and the words for the field taken


def _layout(kind: object, path: list[Step]) -> Layout:
    """The layout of ``kind``; ``path`` is how it was reached (for cycles)."""
    for index, (seen, _) in enumerate(path):
        if seen == kind:
            cycle = [type_name(t) for t, _ in path[index:]] + [type_name(kind)]
            raise InfiniteSize(cycle, [step for _, step in path[index:]])
    origin, _ = _split(kind)
    if origin is Box or origin is Ref:
        return Layout(POINTER, POINTER)  # a pointer: no cycle goes through
    if isinstance(kind, FutureType):
        # The tag first, then each state's fields, smallest alignment
        # first so that small fields fill the bytes after the tag.
        variants = [
            _place(
                [
                    _layout(
                        part,
                        [*path, (kind, f"state {s.__name__} holds `{n}`, a")],
                    )
                    for n, part in _fields(s)
                ],
                start=1,
                ascending=True,
            )
            for s in kind.states
        ]
        return _round_up(variants)
    if _is_dataclass_type(kind):
        fields = [
            _layout(part, [*path, (kind, f"field `{n}` is a")])
            for n, part in _fields(kind)
        ]
        return _round_up([_place(fields, start=0, ascending=False)])
    leaf = _leaf(kind)
    return Layout(leaf.size, leaf.align)


def _place(fields: list[Layout], *, start: int, ascending: bool) -> Layout:
    """Lay fields out from byte ``start``, ordered by alignment."""
    offset, align = start, 1
    for layout in sorted(fields, key=lambda f: f.align, reverse=not ascending):
        offset = -(-offset // layout.align) * layout.align + layout.size
        align = max(align, layout.align)
    return Layout(offset, align)


def _round_up(variants: list[Layout]) -> Layout:
    """The largest variant, rounded up to a multiple of the alignment."""
    align = max((v.align for v in variants), default=1)
    size = max((v.size for v in variants), default=0)
    return Layout(-(-size // align) * align, align)


def self_references(future: object) -> list[tuple[str, str, str]]:
    """Fields that borrow another field of the same state, as
    ``(state, field, borrowed field)``: references into the future itself.

    Moving such a future to another address would leave the reference
    pointing at the old one; this is why rustc's generated futures are not
    ``Unpin`` and are pinned before their first poll.
    """
    future_type = as_future_type(future)
    found = []
    for state in future_type.states:
        _fields(state)  # refuses a borrow that cannot be right
        for f in dataclasses.fields(state):
            borrowed = f.metadata.get("borrows")
            if borrowed is not None:
                found.append((state.__name__, f.name, str(borrowed)))
    return found


def type_name(kind: object) -> str:
    """Rust's name for a type the model knows."""
    origin, args = _split(kind)
    if origin is Box:
        return f"Pin<Box<{type_name(args[0])}>>"
    if origin is Ref:
        return f"&{type_name(args[0])}"
    if isinstance(kind, FutureType):
        return kind.rust_name
    if _is_dataclass_type(kind):
        return kind.__name__  # type: ignore[attr-defined, no-any-return]
    return _leaf(kind).name


# Helpers: reading a state's fields and classifying a field's type.


def _check_state(state: object) -> None:
    if not _is_dataclass_type(state):
        name = getattr(state, "__name__", repr(state))
        raise NotAState(
            f"{name} is not a dataclass: the model reads what a state holds "
            "from its dataclass fields (write @dataclass(frozen=True) above it)"
        )


def _fields(cls: Any) -> list[tuple[str, object]]:
    """A dataclass's fields with their types resolved, in order."""
    _check_state(cls)
    module = sys.modules.get(cls.__module__)
    namespace = dict(vars(module)) if module is not None else {}
    resolved = []
    for f in dataclasses.fields(cls):
        kind = f.type
        if isinstance(kind, str):
            try:
                kind = eval(kind, namespace)  # the class's own annotation
            except NameError as error:
                raise UnknownType(
                    f"state {cls.__name__}: cannot resolve the type of "
                    f"`{f.name}` ({f.type}): {error}"
                ) from None
        resolved.append((f.name, kind))
    names = [name for name, _ in resolved]
    for (name, kind), f in zip(resolved, dataclasses.fields(cls), strict=True):
        borrowed = f.metadata.get("borrows")
        if borrowed is not None:
            _check_borrow(cls.__name__, name, kind, borrowed, names)
    return resolved


def _check_borrow(
    state: str, name: str, kind: object, borrowed: object, names: list[str]
) -> None:
    """A field that borrows another field must be a reference to it."""
    where = f"state {state}: `{name}` borrows `{borrowed}`"
    if _split(kind)[0] is not Ref:
        raise BadBorrow(
            f"{where}, but it is a {type_name(kind)}, not a reference "
            "(Ref[...]): only a reference can borrow"
        )
    if borrowed == name:
        raise BadBorrow(f"{where}: a field cannot borrow itself")
    if borrowed not in names:
        raise BadBorrow(f"{where}, which is not a field of that state")


def _split(kind: object) -> tuple[object, tuple[object, ...]]:
    origin = typing.get_origin(kind)
    return origin, typing.get_args(kind)


def _is_dataclass_type(kind: object) -> bool:
    return isinstance(kind, type) and dataclasses.is_dataclass(kind)


def _is_type_like(kind: object) -> bool:
    return _split(kind)[0] is not None or (
        isinstance(kind, type) and not _is_dataclass_type(kind)
    )


def _leaf(kind: object) -> RustType:
    origin, _ = _split(kind)
    cls = origin if isinstance(origin, type) else kind
    if isinstance(cls, type) and cls in LEAVES:
        return LEAVES[cls]
    raise UnknownType(
        f"the model does not know the Rust type of {kind!r}: add it to "
        "chapter2.layout.LEAVES or mark its class with @rust_type(...)"
    )
