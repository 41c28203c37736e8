"""Rust facts the async-fn page states beyond the listings' own output."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.rust_listings import compile_cached
from tests.sitebuild import ROOT

PAGE = ROOT / "docs" / "async-fn.md"
LISTING = ROOT / "docs" / "listings" / "cart_total.rs"
LAYOUT_TITLE = "RUSTC_BOOTSTRAP=1 rustc --edition 2021 -Zprint-type-sizes cart_total.rs"

pytestmark = [
    pytest.mark.rust,
    pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc not found on PATH"),
]


def text_block(page: Path, title: str) -> list[str]:
    """The lines of the ```text block with ``title`` on ``page``, dedented."""
    markdown = page.read_text(encoding="utf-8")
    fence = re.compile(
        rf'^(?P<indent>[ ]*)```text title="{re.escape(title)}"\n'
        r"(?P<body>.*?)^(?P=indent)```",
        re.MULTILINE | re.DOTALL,
    )
    found = fence.search(markdown)
    assert found, f"{page.name} has no text block titled {title!r}"
    return textwrap.dedent(found["body"]).splitlines()


def test_the_layout_excerpt_is_what_rustc_prints() -> None:
    """The -Zprint-type-sizes block is a contiguous excerpt of rustc's output."""
    shown = text_block(PAGE, LAYOUT_TITLE)
    assert shown[0].startswith("print-type-size type: `{async fn body of cart_total")
    compiled = compile_cached(
        "cart_total_layout",
        LISTING,
        flags=("--edition", "2021", "-Zprint-type-sizes"),
        env={"RUSTC_BOOTSTRAP": "1"},
    )
    assert compiled.returncode == 0, compiled.stderr
    printed = compiled.stdout.splitlines()
    start = printed.index(shown[0])
    assert printed[start : start + len(shown)] == shown


def test_rustc_futures_panic_when_resumed_after_completion() -> None:
    """The page quotes rustc's panic for polling a finished async fn."""
    compiled = compile_cached(
        "resumed",
        textwrap.dedent(
            """\
            use std::future::Future;
            use std::pin::pin;
            use std::task::{Context, Poll, Waker};

            async fn one() -> u32 { 1 }

            fn main() {
                let mut cx = Context::from_waker(Waker::noop());
                let mut future = pin!(one());
                assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(1));
                let _ = future.as_mut().poll(&mut cx);
            }
            """
        ),
        flags=("--edition", "2021"),
    )
    assert compiled.returncode == 0, compiled.stderr
    ran = subprocess.run(
        [compiled.binary],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "RUST_BACKTRACE": "0"},
    )
    assert ran.returncode != 0
    assert "`async fn` resumed after completion" in ran.stderr
    assert "`async fn` resumed after completion" in PAGE.read_text(encoding="utf-8")
