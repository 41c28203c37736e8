"""What a state holds: the Send check, sizes, cycles, and bad input refused."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from chapter2.cart import CART_TOTAL
from chapter2.errors import (
    COUNT_DOWN,
    COUNT_DOWN_BOXED,
    COUNT_VISIT,
    COUNT_VISIT_FIXED,
    FIRST_PRICE,
    PING,
    MutexGuard,
)
from chapter2.layout import (
    LEAVES,
    BadBorrow,
    Box,
    FutureType,
    InfiniteSize,
    NotAState,
    NotSend,
    Ref,
    RustType,
    UnknownType,
    check_send,
    holds,
    is_send,
    rust_type,
    self_references,
    size_of,
)


@rust_type("Rc<u32>", size=8, align=8, send=False, sync=False)
class Rc:
    """A thread-bound leaf for these tests, neither Send nor Sync."""


@dataclass(frozen=True)
class Holder:
    count: int
    shared: Rc


@dataclass(frozen=True)
class Outer:
    inner: Box[Holder]


@dataclass(frozen=True)
class Flagged:
    shared: Rc
    flag: bool


@dataclass(frozen=True)
class Pair:
    flagged: Flagged
    flag: bool


@dataclass(frozen=True)
class HoldingPair:
    pair: Pair


def test_a_guard_held_across_the_await_is_named_with_its_state() -> None:
    with pytest.raises(NotSend) as raised:
        check_send(COUNT_VISIT)
    assert raised.value.state == "AwaitingLog"
    assert raised.value.value == "guard"
    assert "MutexGuard<'_, u32>" in str(raised.value)
    assert "{async fn body of count_visit()}" in str(raised.value)


def test_the_fixed_future_is_send() -> None:
    check_send(COUNT_VISIT_FIXED)
    assert is_send(COUNT_VISIT_FIXED)
    assert not is_send(COUNT_VISIT)


def test_a_future_awaiting_a_non_send_future_names_the_path_down() -> None:
    @dataclass(frozen=True)
    class AwaitingCount:
        inner: object

    # The annotation is the inner future's type, as rustc's __awaitee.
    AwaitingCount.__dataclass_fields__["inner"].type = COUNT_VISIT
    outer = FutureType("handler", (AwaitingCount,))
    with pytest.raises(NotSend) as raised:
        check_send(outer)
    message = str(raised.value)
    assert raised.value.state == "AwaitingCount"
    assert "whose state AwaitingLog holds `guard`" in message


def test_a_reference_is_send_only_to_a_sync_type() -> None:
    @dataclass(frozen=True)
    class Borrowing:
        shared: Ref[Rc]

    with pytest.raises(NotSend, match="Rc<u32> is not Sync"):
        check_send(Borrowing)
    assert is_send(Ref[MutexGuard])  # MutexGuard is Sync, not Send


def test_sync_is_an_auto_trait_too_decided_by_every_part() -> None:
    """&Holder is not Send when Holder holds something that is not Sync,
    however deep: a struct, a Box or a future is Sync when all parts are."""
    assert not is_send(Ref[Holder])
    assert not is_send(Ref[Outer])
    assert not is_send(Ref[Box[Rc]])
    assert not is_send(Ref[FutureType("f", (Holder,))])
    assert is_send(Ref[COUNT_VISIT_FIXED])

    @dataclass(frozen=True)
    class Borrowing:
        outer: Ref[Outer]

    with pytest.raises(NotSend) as raised:
        check_send(Borrowing)
    assert str(raised.value).endswith(
        "a &Outer, and Outer is not Sync, which holds `inner`: Holder is not "
        "Sync, which holds `shared`: Rc<u32> is not Sync"
    )


def test_the_hand_written_cart_total_enum_is_24_bytes() -> None:
    # docs/listings/cart_total_desugared.rs prints 24 (async-fn.md#size).
    assert size_of(CART_TOTAL) == 24


def test_sizes_match_what_the_listings_print() -> None:
    # recursive_boxed.rs prints 16, borrow_across_await.rs 24 (errors.md).
    assert size_of(COUNT_DOWN_BOXED) == 16
    assert size_of(FIRST_PRICE) == 24


def test_a_struct_is_rounded_up_to_a_multiple_of_its_alignment() -> None:
    """As in Rust: a struct of an 8-byte Rc and a bool takes 16 bytes, not 9,
    so a bool after it starts at 16, and that struct takes 24."""
    # The state: the tag, padding to 8, then the 24-byte Pair.
    assert size_of(HoldingPair) == 8 + 24


def test_recursion_is_an_infinite_size_naming_the_state_and_field() -> None:
    with pytest.raises(InfiniteSize) as raised:
        size_of(COUNT_DOWN)
    name = "{async fn body of count_down()}"
    assert raised.value.cycle == [name, name]
    assert raised.value.steps == ["state AwaitingInner holds `inner`, a"]


def test_a_cycle_through_two_futures_names_both() -> None:
    with pytest.raises(InfiniteSize) as raised:
        size_of(PING)
    assert raised.value.cycle == [
        "{async fn body of ping()}",
        "{async fn body of pong()}",
        "{async fn body of ping()}",
    ]
    assert "AwaitingPong" in str(raised.value)
    assert "AwaitingPing" in str(raised.value)


def test_a_cycle_through_a_struct_is_found_too() -> None:
    @dataclass(frozen=True)
    class Node:
        value: int
        next: object

    Node.__dataclass_fields__["next"].type = Node
    with pytest.raises(InfiniteSize, match="field `next` is a Node"):
        size_of(Node)
    Node.__dataclass_fields__["next"].type = Box[Node]
    assert size_of(Node) == 16


def test_a_boxed_recursive_future_is_send_unless_it_holds_a_guard() -> None:
    assert is_send(COUNT_DOWN_BOXED)

    @dataclass(frozen=True)
    class Locked:
        guard: MutexGuard
        inner: object

    Locked.__dataclass_fields__["inner"].type = Box[FutureType("f", (Locked,))]
    assert not is_send(Locked)


def test_a_state_that_is_not_a_dataclass_is_refused() -> None:
    class Waiting:
        socks: int

    with pytest.raises(NotAState, match="Waiting is not a dataclass"):
        FutureType("broken", (Waiting,))
    with pytest.raises(NotAState, match="Waiting is not a dataclass"):
        check_send(Waiting)


def test_an_unknown_field_type_is_refused_by_name() -> None:
    @dataclass(frozen=True)
    class Holding:
        thing: float

    with pytest.raises(UnknownType, match="float"):
        size_of(Holding)
    with pytest.raises(UnknownType, match="float"):
        check_send(Holding)


def test_an_unresolvable_annotation_names_the_state_and_field() -> None:
    @dataclass(frozen=True)
    class Dangling:
        inner: NoSuchFuture  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(UnknownType, match=r"state Dangling: .*`inner`"):
        holds(Dangling)


def test_other_input_is_refused() -> None:
    with pytest.raises(TypeError, match="got 42"):
        holds(42)
    with pytest.raises(ValueError, match="no states"):
        FutureType("empty", ())


def test_states_must_be_a_tuple_of_classes() -> None:
    @dataclass(frozen=True)
    class Start:
        pass

    with pytest.raises(TypeError, match=r"tuple of state classes.*not Start \(type\)"):
        FutureType("x", Start)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"tuple of state classes.*not 'ab' \(str\)"):
        FutureType("x", "ab")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="tuple of state classes"):
        FutureType("x", (Start, "Done"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("size", "align", "words"),
    [
        (-5, 8, "size must be a whole number of bytes, 0 or more, not -5"),
        (8, 0, "align must be a power of two (1, 2, 4, 8, ...), not 0"),
        (8, 3, "align must be a power of two (1, 2, 4, 8, ...), not 3"),
        (8.0, 8, "size must be a whole number"),
    ],
)
def test_an_impossible_layout_is_refused_and_nothing_registered(
    size: int, align: int, words: str
) -> None:
    leaves = dict(LEAVES)
    with pytest.raises(ValueError, match=re.escape(f"Odd: {words}")):

        @rust_type("Odd", size=size, align=align)
        class Odd:
            pass

    assert leaves == LEAVES
    with pytest.raises(ValueError, match="power of two"):
        RustType("Odd", 8, 6)


def test_a_borrow_must_be_a_reference_to_another_field() -> None:
    @dataclass(frozen=True)
    class NotARef:
        prices: int
        first: int = field(metadata={"borrows": "prices"})

    @dataclass(frozen=True)
    class Itself:
        first: Ref[int] = field(metadata={"borrows": "first"})

    not_a_ref = "state NotARef: `first` borrows `prices`, but it is a u32"
    for check in (self_references, holds, size_of):
        with pytest.raises(BadBorrow, match=re.escape(not_a_ref)):
            check(NotARef)
    with pytest.raises(BadBorrow, match="a field cannot borrow itself"):
        self_references(Itself)


def test_self_references_name_the_field_and_what_it_borrows() -> None:
    assert self_references(FIRST_PRICE) == [("AwaitingYield", "first", "prices")]
    assert self_references(CART_TOTAL) == []

    @dataclass(frozen=True)
    class Wrong:
        first: Ref[int] = field(metadata={"borrows": "nothing"})

    with pytest.raises(BadBorrow, match="`nothing`, which is not a field"):
        self_references(Wrong)
