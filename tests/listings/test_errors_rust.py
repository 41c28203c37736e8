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
import shutil
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
    execute,
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


DEPTH_MAIN = """fn main() {{
    let levels = std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(|| {{
            let mut future = pin!(count_down({levels}));
            let mut cx = Context::from_waker(Waker::noop());
            match future.as_mut().poll(&mut cx) {{
                Poll::Ready(levels) => levels,
                Poll::Pending => 0,
            }}
        }})
        .unwrap()
        .join()
        .unwrap();
    println!("went {{levels}} levels down");
}}
"""


def test_boxing_bounds_the_size_not_the_depth() -> None:
    """errors.md#recursion: recursive_boxed.rs's count_down, polled on a
    thread with a 1 MiB stack, goes a thousand levels down, and overflows
    the stack at a million: each level's poll calls the next."""
    listing = (LISTINGS / "recursive_boxed.rs").read_text(encoding="utf-8")
    functions = listing[: listing.index("fn main() {")]
    ran = {}
    for levels in (1_000, 1_000_000):
        compiled = compile_cached(
            f"recursive_depth_{levels}", functions + DEPTH_MAIN.format(levels=levels)
        )
        assert compiled.returncode == 0, compiled.stderr
        ran[levels] = execute(compiled.binary)
    assert ran[1_000].returncode == 0, ran[1_000].stderr
    assert ran[1_000].stdout == "went 1000 levels down\n"
    assert ran[1_000_000].returncode != 0
    assert "has overflowed its stack" in ran[1_000_000].stderr
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert (
        "A million levels of this `count_down`, on a thread with a 1 MiB stack,"
        ' end with Rust\'s "has overflowed its stack"'
    ) in prose


def test_a_temporary_guard_fails_the_same_way_in_edition_2024() -> None:
    """errors.md#temporary: edition 2024 shortened the life of a block's
    last expression's temporaries, not enough to save send_temporary.rs."""
    flags = ("--edition", "2024", "-D", "warnings")
    compiled = compile_cached(
        "send_temporary_2024", LISTINGS / "send_temporary.rs", flags=flags
    )
    assert compiled.returncode != 0
    in_2021 = rustc_rejects("send_temporary.rs")
    for said in (
        "error: future cannot be sent between threads safely",
        "with `VISITS.lock().unwrap()` maybe used later",
    ):
        assert said in in_2021 and said in compiled.stderr, compiled.stderr
    assert compiled.stderr.count("error") == in_2021.count("error")
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "the listing fails the same way in both" in prose


UNPINNED = """use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Waker};

fn main() {
    let mut context = Context::from_waker(Waker::noop());
    let mut block = async {};
    let _ = Pin::new(&mut block).poll(&mut context);
    let closure = async || {};
    let mut called = closure();
    let _ = Pin::new(&mut called).poll(&mut context);
}
"""


def test_no_future_rustc_generates_is_unpin() -> None:
    """errors.md#pin says none is `Unpin`: not_unpin.rs shows it for an
    `async fn`; an async block's future and an async closure's are refused
    by `Pin::new` the same way, each with E0277."""
    assert "cannot be unpinned" in rustc_rejects("not_unpin.rs")
    compiled = compile_cached("unpinned_blocks", UNPINNED)
    refused = re.findall(
        r"error\[E0277\]: `\{(async \w+)[^`]*` cannot be unpinned", compiled.stderr
    )
    assert refused == ["async block", "async closure"], compiled.stderr
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "Every future it generates is treated as self-referential: none is" in prose


PING_PONG = """async fn ping(n: u32) -> u32 {
    if n > 0 { pong(n - 1).await } else { 0 }
}

async fn pong(n: u32) -> u32 {
    if n > 0 { ping(n - 1).await } else { 0 }
}

fn main() {
    let _future = ping(3);
}
"""


def test_a_cycle_through_two_functions_is_e0733_too() -> None:
    """errors.md#recursion: `ping` awaits `pong`, which awaits `ping`."""
    compiled = compile_cached("ping_pong", PING_PONG)
    assert compiled.returncode != 0
    assert re.findall(r"^error\[\w+\]", compiled.stderr, re.MULTILINE) == [
        "error[E0733]"
    ], compiled.stderr
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "(`ping` awaits `pong`, which awaits `ping`) is the same problem" in prose


LARGE_FUTURE = """{attribute}async fn big() -> u8 {{
    let buffer = [1u8; {bytes}];
    std::future::ready(()).await;
    buffer[0]
}}

async fn caller() -> u8 {{
    big().await
}}

fn main() {{
    println!("{{}}", std::mem::size_of_val(&big()));
    let _future = caller();
}}
"""
LINT = "#![warn(clippy::large_futures)]\n"


@pytest.mark.skipif(
    shutil.which("clippy-driver") is None, reason="clippy-driver not found on PATH"
)
def test_clippy_flags_an_await_on_a_future_of_16384_bytes_when_asked() -> None:
    """errors.md#size: `large_futures` flags the `.await` on a future of
    16384 bytes, not 16383, suggests `Box::pin`, and is silent unless a
    crate asks for it (it is pedantic)."""
    flagged = {}
    for name, attribute, bytes_ in (
        ("at_threshold", LINT, 16382),
        ("below", LINT, 16381),
        ("not_asked", "", 16382),
    ):
        linted = compile_cached(
            f"large_future_{name}",
            LARGE_FUTURE.format(attribute=attribute, bytes=bytes_),
            flags=("--edition", "2021"),
            driver="clippy-driver",
        )
        assert linted.returncode == 0, linted.stderr
        size = int(execute(linted.binary).stdout)
        flagged[name] = (size, "large future with a size of" in linted.stderr)
        if flagged[name][1]:
            assert "help: consider `Box::pin` on it" in linted.stderr
    assert flagged == {
        "at_threshold": (16384, True),
        "below": (16383, False),
        "not_asked": (16384, False),
    }
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "`future-size-threshold` bytes (16384 unless configured)" in prose
