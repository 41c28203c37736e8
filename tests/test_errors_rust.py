"""The errors page's model agrees with rustc on the listings it stands for.

The page's ``rustc on`` and ``output of`` blocks are checked against rustc
by test_rust_listings.py. These tests tie the model to the same compiler:
the value and type the model's :class:`~chapter2.layout.NotSend` names are
the ones rustc's note names, the model finds a cycle where rustc reports
E0733, the sizes it computes are the sizes the listings print, and the
values it puts in the state at ``first_price``'s ``.await`` are the locals
rustc's own layout puts there.
"""

from __future__ import annotations

import re
from dataclasses import fields

import pytest

from chapter2.errors import (
    COUNT_DOWN,
    COUNT_DOWN_BOXED,
    COUNT_VISIT,
    FIRST_PRICE,
    AwaitingYield,
)
from chapter2.layout import InfiniteSize, NotSend, check_send, holds, size_of
from tests.rust_listings import (
    FLAGS,
    LISTINGS,
    RUST_TESTS,
    compile_cached,
    run,
    rustc_rejects,
)

pytestmark = RUST_TESTS


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


def test_the_state_at_the_await_holds_what_rustc_puts_there() -> None:
    """rustc's ``-Zprint-type-sizes`` (stable, with RUSTC_BOOTSTRAP=1, as
    test_future_layout.py does) lists the locals of ``Suspend0``."""
    listing = LISTINGS / "borrow_across_await.rs"
    compiled = compile_cached(
        "borrow_across_await-layout",
        listing,
        flags=(*FLAGS, "-Zprint-type-sizes"),
        env={"RUSTC_BOOTSTRAP": "1"},
    )
    assert compiled.returncode == 0, compiled.stderr
    layout = compiled.stdout.split("type: `{async fn body of first_price()}`")[1]
    suspend = layout.split("variant `Suspend0`")[1].split("variant `")[0]
    locals_ = re.findall(r"local `\.(\w+)`", suspend)
    held = [f.name for f in fields(AwaitingYield)]
    # The model names the awaited future for what it is; rustc, __awaitee.
    assert locals_ == ["prices", "first", "__awaitee"]
    assert held == ["prices", "first", "yield_now"]
    awaited = next(f for f in holds(FIRST_PRICE) if f.name == "yield_now")
    assert any(
        line.endswith(f"type: {awaited.rust_type}") for line in suspend.splitlines()
    )
