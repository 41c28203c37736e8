"""Rust facts the pages state beyond the listings' own output."""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.rust_listings import (
    RUST_TESTS,
    compile_cached,
    execute,
)
from tests.sitebuild import ROOT

PAGE = ROOT / "docs" / "async-fn.md"
LISTING = ROOT / "docs" / "listings" / "cart_total.rs"
pytestmark = RUST_TESTS


def compile_rust(
    tmp_path: Path, name: str, source: str
) -> subprocess.CompletedProcess[str]:
    """Compile ``source`` as ``name``.rs in ``tmp_path``; the result, not checked."""
    path = tmp_path / f"{name}.rs"
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    return subprocess.run(
        ["rustc", "--edition", "2021", "-o", str(tmp_path / name), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_value_with_a_destructor_is_stored_across_an_await(tmp_path: Path) -> None:
    """The page: 'needed' includes being dropped at the end of the scope."""
    compiled = compile_rust(
        tmp_path,
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
    ran = subprocess.run(
        [tmp_path / "stored"], capture_output=True, text=True, timeout=30, check=True
    )
    copy, guard = map(int, ran.stdout.split())
    assert copy < 1000 <= guard, ran.stdout


def test_rustc_warns_about_an_unused_future_unless_let_underscore(
    tmp_path: Path,
) -> None:
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
    alone = compile_rust(tmp_path, "alone", source.replace("CALL", "work();"))
    assert alone.returncode == 0, alone.stderr
    assert warning in alone.stderr
    ignored = compile_rust(
        tmp_path, "ignored", source.replace("CALL", "let _ = work();")
    )
    assert ignored.returncode == 0, ignored.stderr
    assert not ignored.stderr.strip()
    closing = " ".join(
        (ROOT / "docs" / "using-the-model.md").read_text(encoding="utf-8").split()
    )
    assert warning in closing
    assert "`let _ = fut;` silences rustc's warning" in closing


@pytest.mark.skipif(
    shutil.which("clippy-driver") is None, reason="clippy-driver not found on PATH"
)
def test_clippy_still_flags_let_underscore_on_a_future(tmp_path: Path) -> None:
    """The closing page: Clippy's default lint is not silenced by `let _ =`."""
    path = tmp_path / "ignored.rs"
    path.write_text(
        "async fn work() -> u32 {\n    1\n}\n\nfn main() {\n    let _ = work();\n}\n",
        encoding="utf-8",
    )
    linted = subprocess.run(
        ["clippy-driver", "--edition", "2021", "-o", str(tmp_path / "x"), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
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
