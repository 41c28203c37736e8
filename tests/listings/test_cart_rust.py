"""Rust facts the pages state beyond the listings' own output."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
import textwrap

import pytest

from sitetools.snippets import section_text
from tests.support.rust_listings import (
    FLAGS,
    RUST_TESTS,
    Compiled,
    compile_cached,
    execute,
    run,
    rustc_layout,
)
from tests.support.sitebuild import ROOT

PAGE = ROOT / "docs" / "async-fn.md"
LISTING = ROOT / "docs" / "listings" / "cart_total.rs"
pytestmark = RUST_TESTS


def compile_rust(name: str, source: str) -> Compiled:
    """Compile ``source`` (edition 2021, warnings allowed); cached, not checked."""
    return compile_cached(name, textwrap.dedent(source), flags=("--edition", "2021"))


def test_a_value_with_a_destructor_is_stored_across_an_await() -> None:
    """The page: 'needed' includes being dropped at the end of the scope."""
    compiled = compile_rust(
        "stored",
        """\
        async fn pause() {}

        async fn read_before_the_await() -> u8 {
            let big = [1u8; 1000];
            let first = big[0];
            pause().await;
            first
        }

        struct Guard([u8; 1000]);
        impl Drop for Guard {
            fn drop(&mut self) {}
        }

        async fn dropped_after_the_await() -> u8 {
            let big = Guard([1u8; 1000]);
            let first = big.0[0];
            pause().await;
            first
        }

        fn main() {
            let copy = std::mem::size_of_val(&read_before_the_await());
            let guard = std::mem::size_of_val(&dropped_after_the_await());
            println!("{copy} {guard}");
        }
        """,
    )
    assert compiled.returncode == 0, compiled.stderr
    ran = execute(compiled.binary)
    assert ran.returncode == 0, ran.stderr
    copy, guard = map(int, ran.stdout.split())
    assert copy < 1000 <= guard, ran.stdout


def test_rustc_warns_about_an_unused_future_unless_let_underscore() -> None:
    """The closing page: rustc's warning, and how `let _ =` silences it."""
    source = """\
        async fn work() -> u32 {
            1
        }

        fn main() {
            CALL
        }
        """
    warning = "futures do nothing unless you `.await` or poll them"
    alone = compile_rust("alone", source.replace("CALL", "work();"))
    assert alone.returncode == 0, alone.stderr
    assert warning in alone.stderr
    ignored = compile_rust("ignored", source.replace("CALL", "let _ = work();"))
    assert ignored.returncode == 0, ignored.stderr
    assert not ignored.stderr.strip()
    closing = " ".join(
        (ROOT / "docs" / "using-the-model.md").read_text(encoding="utf-8").split()
    )
    assert warning in closing
    assert "`let _ = cart_total(..);` silences rustc's warning" in closing


@pytest.mark.skipif(
    shutil.which("clippy-driver") is None, reason="clippy-driver not found on PATH"
)
def test_clippy_still_flags_let_underscore_on_a_future() -> None:
    """The closing page: Clippy's default lint is not silenced by `let _ =`."""
    linted = compile_cached(
        "ignored-clippy",
        "async fn work() -> u32 {\n    1\n}\n\nfn main() {\n    let _ = work();\n}\n",
        flags=("--edition", "2021"),
        driver="clippy-driver",
    )
    assert linted.returncode == 0, linted.stderr
    assert "`#[warn(clippy::let_underscore_future)]` on by default" in linted.stderr
    closing = " ".join(
        (ROOT / "docs" / "using-the-model.md").read_text(encoding="utf-8").split()
    )
    assert "Clippy's `let_underscore_future`, on by default, still flags it" in closing


def run_with_mini_runtime(
    name: str, main_body: str
) -> subprocess.CompletedProcess[str]:
    """Compile and run a scratch ``main`` against the listings' mini_runtime."""
    runtime = ROOT / "docs" / "listings" / "mini_runtime.rs"
    source = (
        f'#[path = "{runtime}"]\nmod mini_runtime;\n'
        "use mini_runtime::{block_on, channel};\n\n"
        f"fn main() {{\n{textwrap.indent(main_body, '    ')}}}\n"
    )
    compiled = compile_cached(name, source)
    assert compiled.returncode == 0, compiled.stderr
    return execute(compiled.binary)


def test_the_rust_executor_panics_when_nothing_can_wake_the_task() -> None:
    """The page says the listing's block_on panics instead of waiting forever."""
    ran = run_with_mini_runtime(
        "stuck",
        'let (_socks_tx, socks) = channel::<u32>("socks");\n'
        'block_on("cart_total", socks, |_| None, Vec::new());\n',
    )
    assert ran.returncode != 0
    assert "task cart_total is stuck in state awaiting socks" in ran.stderr
    assert "`task cart_total is stuck in state" in PAGE.read_text(encoding="utf-8")


def test_the_rust_receiver_panics_when_its_sender_is_dropped() -> None:
    ran = run_with_mini_runtime(
        "sender_dropped",
        'let (socks_tx, socks) = channel::<u32>("socks");\n'
        "let events: Vec<Box<dyn FnOnce()>> = vec![Box::new(move || drop(socks_tx))];\n"
        'block_on("cart_total", socks, |_| None, events);\n',
    )
    assert ran.returncode != 0
    assert "the socks sender was dropped without sending" in ran.stderr


def resume_function(mir: str, name: str) -> str:
    """The MIR body of ``async fn NAME``'s resume function (its ``poll``)."""
    found = re.search(
        rf"^fn {name}::\{{closure#0\}}\(_1: Pin<&mut \{{async fn body of {name}\(\)\}}>"
        r".*?^\}$",
        mir,
        re.MULTILINE | re.DOTALL,
    )
    assert found, f"no resume function for {name} in the MIR"
    return found.group(0)


def test_rustcs_poll_jumps_on_the_tag_and_polls_the_awaitee_in_place() -> None:
    """The poll section: one switch on the tag, no loop around a match; the
    tag written in place; each awaited receiver polled where it lies."""
    compiled = compile_cached("cart_total-mir", LISTING, flags=(*FLAGS, "--emit=mir"))
    assert compiled.returncode == 0, compiled.stderr
    body = resume_function(compiled.binary.read_text(encoding="utf-8"), "cart_total")
    reads = re.findall(r"(_\d+) = discriminant\(\(\*(_\d+)\)\);", body)
    assert len(reads) == 1, f"the tag is read {len(reads)} times, not once"
    tag, future = reads[0]
    switch = re.search(rf"switchInt\(move {tag}\) -> \[(.*?)\]", body)
    assert switch, "the tag read is not switched on"
    targets = {int(n) for n in re.findall(r"(\d+): bb\d+", switch.group(1))}
    # Unresumed, Returned, Panicked, then one per .await: every state at once.
    assert targets == {0, 1, 2, 3, 4}
    written = set(re.findall(rf"discriminant\(\(\*{future}\)\) = (\d+);", body))
    assert {"3", "4", "1"} <= written, "states are not entered by writing the tag"
    pinned = re.findall(
        r"Pin::<&mut [^>]*Receiver<u32>>::new_unchecked\(copy (_\d+)\)", body
    )
    assert len(pinned) == 2, "one poll per .await"
    for pointer in pinned:
        assert re.search(
            rf"{pointer} = &mut \(\(\(\*{future}\) as variant#\d+\)", body
        ), f"{pointer}: the receiver polled is not in the future's own state"
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "starts with one switch on the tag" in prose


WAITING_PROBE = """
#[allow(dead_code)]
fn probe_main() {}

/// Wakes its own task twice and returns Pending; then waits for a timer,
/// made at the second poll so that a slow machine cannot let its deadline
/// pass before that poll sees it.
struct WakeTwice {
    polls: u32,
    timer: Option<Sleep>,
}

impl Future for WakeTwice {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        if self.polls == 1 {
            cx.waker().wake_by_ref();
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let timer = self
            .timer
            .get_or_insert_with(|| sleep(Duration::from_millis(20)));
        match Pin::new(timer).poll(cx) {
            Poll::Ready(()) => Poll::Ready(self.polls),
            Poll::Pending => Poll::Pending,
        }
    }
}

fn main() {
    // One poll, two wakes; one poll that starts the timer; one at its end.
    let task = Box::pin(WakeTwice { polls: 0, timer: None }) as Task<u32>;
    println!("polls to finish: {}", run_all(vec![task])[0]);
    let mut timer = std::pin::pin!(sleep(Duration::from_secs(60)));
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..3 {
        assert!(timer.as_mut().poll(&mut cx).is_pending());
    }
    println!("timer entries after three polls: {}", TIMERS.with(|t| t.borrow().len()));
}
"""


def test_the_waiting_executor_and_sleep_keep_the_rules_the_page_states() -> None:
    """async-fn.md cites waiting.rs as the model's executor in Rust: two wakes
    before a poll bring one poll, and a Sleep polled again keeps one entry."""
    listing = (ROOT / "docs" / "listings" / "waiting.rs").read_text(encoding="utf-8")
    assert listing.count("\nfn main() {") == 1
    source = listing.replace(
        "\nfn main() {", "\n#[allow(dead_code)]\nfn listing_main() {"
    )
    compiled = compile_cached("waiting_probe", source + WAITING_PROBE)
    assert compiled.returncode == 0, compiled.stderr
    ran = execute(compiled.binary)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [
        "polls to finish: 3",
        "timer entries after three polls: 1",
    ]


def test_a_future_passed_by_value_doubles_per_level() -> None:
    """The size section's arithmetic, from what size_by_value.rs prints."""
    printed = run(ROOT / "docs" / "listings" / "size_by_value.rs")
    sizes = {
        line.rpartition(" ")[0].rsplit(maxsplit=1)[0]: int(line.split()[-2])
        for line in printed.splitlines()
    }
    chain = [size for expression, size in sizes.items() if "leaf" in expression]
    assert len(chain) == 5, sizes
    for inner, outer in itertools.pairwise(chain):
        assert outer == 2 * inner + 1, f"{outer} is not twice {inner} plus a tag"
    assert sizes["inside()"] == chain[0] + 1, "a future made in the body is stored once"
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "Each level is twice the level below plus one byte" in prose
    assert f"{chain[1]} is 2 \N{MULTIPLICATION SIGN} {chain[0]} + 1" in prose


GUARD_LISTINGS = ROOT / "docs" / "listings"


def suspended_locals(layout: str, function: str) -> str:
    """The ``Suspend0`` variant of ``async fn FUNCTION``'s future in a
    ``-Zprint-type-sizes`` printout."""
    future = layout.split(f"type: `{{async fn body of {function}()}}`")[1]
    future = future.split("print-type-size type:")[0]
    return future.split("variant `Suspend0`")[1].split("variant `")[0]


def test_the_released_guard_is_send_guard_drops_own_function() -> None:
    """The guard section runs send_guard_drop.rs's count_visit on this thread:
    send_guard_released.rs has the very function send_guard_drop.rs shows."""
    rejected = section_text(
        (GUARD_LISTINGS / "send_guard_drop.rs").read_text(encoding="utf-8"),
        "count",
        "send_guard_drop.rs",
    )
    assert rejected.startswith("async fn count_visit()")
    released = (GUARD_LISTINGS / "send_guard_released.rs").read_text(encoding="utf-8")
    assert f"\n{rejected.strip()}\n" in released


def test_a_dropped_guard_keeps_its_slot_only_once_borrowed() -> None:
    """The guard section: drop(guard) releases the lock, and rustc keeps the
    guard's slot in the state (and so refuses Send) because `*guard += 1`
    borrowed it. Without the borrow, drop(guard) is enough: the same spawn
    accepts the future, whose suspended state has no slot for the guard. The
    block version has none either."""
    listing = (GUARD_LISTINGS / "send_guard_drop.rs").read_text(encoding="utf-8")
    borrowing = "    *guard += 1;\n    let visits = *guard;\n"
    assert borrowing in listing
    unborrowed = listing.replace(borrowing, "    let visits = 1;\n").replace(
        "let mut guard", "let guard"
    )
    compiled = compile_cached(
        "send_guard_unborrowed",
        unborrowed,
        flags=(*FLAGS, "-Zprint-type-sizes"),
        env={"RUSTC_BOOTSTRAP": "1"},
    )
    assert compiled.returncode == 0, compiled.stderr
    assert "local `.guard`" not in suspended_locals(compiled.stdout, "count_visit")
    released = suspended_locals(rustc_layout("send_guard_released.rs"), "count_visit")
    assert "local `.guard`" in released
    block = suspended_locals(rustc_layout("send_guard_block.rs"), "count_visit")
    assert "local `.guard`" not in block
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "Had the code never borrowed the guard, `drop(guard)` would" in prose


def test_unpin_is_automatic_unless_a_field_opts_out() -> None:
    """The Pin section: a type whose fields are all Unpin is Unpin, unless
    a field opts out, as PhantomPinned does."""
    source = """\
        use std::marker::PhantomPinned;

        #[allow(dead_code)]
        struct Plain(u32);
        #[allow(dead_code)]
        struct OptedOut(u32, PhantomPinned);

        fn unpin<T: Unpin>() {}

        fn main() {
            unpin::<TYPE>();
        }
        """
    plain = compile_rust("unpin_plain", source.replace("TYPE", "Plain"))
    assert plain.returncode == 0, plain.stderr
    opted_out = compile_rust("unpin_opted_out", source.replace("TYPE", "OptedOut"))
    assert opted_out.returncode != 0
    assert "error[E0277]: `PhantomPinned` cannot be unpinned" in opted_out.stderr
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "unless a field opts out, as `std::marker::PhantomPinned` does" in prose
