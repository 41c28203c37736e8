"""The errors page's model agrees with rustc on the listings it stands for.

The page's ``rustc on``, ``output of`` and ``-Zprint-type-sizes on`` blocks
are checked against rustc by test_rust_listings.py. These tests tie the
model to the same compiler: the value and type the model's
:class:`~chapter2.layout.NotSend` names are the ones rustc's note names, the
model finds a cycle where rustc reports E0733, the sizes it computes are the
sizes the listings print, and the values it puts in the state at
``first_price``'s and ``count_visit``'s ``.await`` are the locals rustc's
own layout puts there. The page's reading of ``drop(guard)`` (the borrow
keeps the guard) is checked by compiling the listing without the borrow.
"""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from chapter2.cart import CART_TOTAL
from chapter2.errors import (
    COUNT_DOWN,
    COUNT_DOWN_BOXED,
    COUNT_VISIT,
    FIRST_PRICE,
    AwaitingYield,
)
from chapter2.layout import InfiniteSize, NotSend, check_send, holds, size_of
from tests.support.rust_listings import (
    LISTINGS,
    ROOT,
    RUST_TESTS,
    compile_cached,
    run,
    rustc_layout,
    rustc_rejects,
)

pytestmark = RUST_TESTS
PAGE = ROOT / "docs" / "errors.md"


def test_not_send_names_the_value_and_type_rustc_names() -> None:
    with pytest.raises(NotSend) as raised:
        check_send(COUNT_VISIT)
    stderr = rustc_rejects("send_guard_drop.rs")
    kind = re.search(r"has type `std::sync::(?P<type>[^`]+)` which is not", stderr)
    assert kind, stderr
    assert kind["type"] in str(raised.value)
    used = re.search(r"with `(?:mut )?(?P<name>\w+)` maybe used later", stderr)
    assert used, stderr
    assert used["name"] == raised.value.value


def test_the_model_finds_a_cycle_where_rustc_reports_e0733() -> None:
    assert "error[E0733]" in rustc_rejects("recursive.rs")
    with pytest.raises(InfiniteSize) as raised:
        size_of(COUNT_DOWN)
    assert raised.value.cycle[0] == raised.value.cycle[-1]
    # rustc's name for the type, as -Zprint-type-sizes prints it.
    assert raised.value.cycle[0] == "{async fn body of count_down()}"


def test_sizes_the_model_computes_are_the_sizes_the_listings_print() -> None:
    boxed = run(LISTINGS / "recursive_boxed.rs")
    assert f"= {size_of(COUNT_DOWN_BOXED)} bytes" in boxed
    borrowing = run(LISTINGS / "borrow_across_await.rs")
    assert f"the future: {size_of(FIRST_PRICE)} bytes" in borrowing
    # errors.md#asking: CART_TOTAL's size is what the hand-written enum prints.
    enum = run(LISTINGS / "cart_total_desugared.rs")
    assert f"CartTotal::Start {{ .. }}) = {size_of(CART_TOTAL)} bytes" in enum


def suspended(layout: str, function: str) -> list[str]:
    """The lines of ``Suspend0`` in the layout of ``function``'s future."""
    future = layout.split(f"type: `{{async fn body of {function}()}}`")[1]
    future = future.split("print-type-size type:")[0]
    return future.split("variant `Suspend0`")[1].split("variant `")[0].splitlines()


def test_the_state_at_the_await_holds_what_rustc_puts_there() -> None:
    """rustc's layout lists the locals of ``Suspend0``: the model's fields."""
    suspend = suspended(rustc_layout("borrow_across_await.rs"), "first_price")
    locals_ = re.findall(r"local `\.(\w+)`", "\n".join(suspend))
    held = [f.name for f in fields(AwaitingYield)]
    # The model names the awaited future for what it is; rustc, __awaitee.
    assert locals_ == ["prices", "first", "__awaitee"]
    assert held == ["prices", "first", "yield_now"]
    awaited = next(f for f in holds(FIRST_PRICE) if f.name == "yield_now")
    assert any(line.endswith(f"type: {awaited.rust_type}") for line in suspend)


def test_count_visit_holds_the_dropped_guard_as_rustc_lays_it_out() -> None:
    """send_local.rs runs count_visit where nothing asks for Send: its
    suspended state holds the guard drop() was given, the awaited future
    and visits, plus one bool, the guard's drop flag, that the model leaves
    out. The sizes agree too."""
    layout = rustc_layout("send_local.rs")
    suspend = suspended(layout, "count_visit")
    locals_ = re.findall(r"local `\.(\w+)`", "\n".join(suspend))
    flags = re.findall(
        r"local `\.\.(coroutine_field\d+)`.*type: bool", "\n".join(suspend)
    )
    held = {f.name: f.rust_type for f in holds(COUNT_VISIT) if f.state == "AwaitingLog"}
    assert sorted(locals_) == sorted(["guard", "__awaitee", "visits"])
    assert set(held) == {"guard", "log", "visits"}
    assert len(flags) == 1, suspend
    assert any(line.endswith(f"type: {held['log']}") for line in suspend)
    total = re.search(
        r"type: `\{async fn body of count_visit\(\)\}`: (\d+) bytes", layout
    )
    assert total and int(total[1]) == size_of(COUNT_VISIT)


def test_drop_alone_takes_an_unborrowed_guard_out_of_the_state() -> None:
    """The page's reading of send_guard_drop.rs: the borrow, not the guard,
    is what keeps it. Without `*guard += 1` and `*guard`, the same function
    with drop(guard) is Send, and spawn accepts it."""
    listing = (LISTINGS / "send_guard_drop.rs").read_text(encoding="utf-8")
    borrows = (
        "let mut guard = VISITS.lock().unwrap();\n"
        "    *guard += 1;\n"
        "    let visits = *guard;\n"
    )
    assert borrows in listing
    unborrowed = listing.replace(
        borrows, "let guard = VISITS.lock().unwrap();\n    let visits = 1;\n"
    )
    compiled = compile_cached("send_guard_unborrowed", unborrowed)
    assert compiled.returncode == 0, compiled.stderr
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "so that nothing borrows the guard, and the same function" in prose


def test_the_doubling_the_page_quotes_is_what_size_by_value_prints() -> None:
    sizes = [
        int(line.split()[-2])
        for line in run(LISTINGS / "size_by_value.rs").splitlines()
    ]
    assert sizes[0] // 1024 == 1 and sizes[4] // 1024 == 16, sizes
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "four levels turn one kilobyte into sixteen" in prose
