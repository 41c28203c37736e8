"""Every Rust listing compiles, runs, and shows on its page what it prints.

Skipped, with the reason, where ``rustc`` is not on PATH; ``.ci/run`` makes
sure it is.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sitetools.snippets import includes_in
from tests.rust_listings import (
    LISTINGS,
    ROOT,
    RUST_TESTS,
    output_blocks,
    programs,
    run,
    rust_fences,
    rustc_version,
    scenarios,
)

pytestmark = RUST_TESTS


@pytest.mark.parametrize("program", programs(), ids=lambda p: p.name)
def test_listing_compiles_without_warnings_and_runs(program: Path) -> None:
    assert run(program).strip(), f"{program.name} printed nothing"


@pytest.mark.parametrize(
    "block", output_blocks(), ids=lambda b: f"{b.page}:{b.listing}"
)
def test_output_shown_on_the_page_is_what_the_program_prints(block: object) -> None:
    page, listing, text = block.page, block.listing, block.text  # type: ignore[attr-defined]
    program = LISTINGS / listing
    assert program in programs(), f"{page} shows output of {listing}, not a program"
    printed = run(program).splitlines()
    shown = text.rstrip("\n").splitlines()
    windows = (printed[i : i + len(shown)] for i in range(len(printed)))
    assert shown in windows, (
        f"{page}: the output block for {listing} is not what it prints.\n"
        f"shown:\n{text}\nprinted:\n{chr(10).join(printed)}"
    )


def test_every_program_is_shown_on_a_page() -> None:
    pages = "\n".join(p.read_text() for p in (ROOT / "docs").rglob("*.md"))
    for listing in LISTINGS.glob("*.rs"):
        assert f"docs/listings/{listing.name}" in pages, f"{listing.name} is unused"


@pytest.mark.parametrize("fence", rust_fences(), ids=lambda f: f[0])
def test_rust_blocks_come_from_listings(fence: tuple[str, str]) -> None:
    page, body = fence
    includes = includes_in(body)
    assert includes, f"{page}: a rust block with no --8<-- include is hand-copied"
    sources = {
        line.strip()
        for include in includes
        for line in include.path.read_text().splitlines()
    }
    for line in body.splitlines():
        if line.strip() and "--8<--" not in line:
            assert line.strip() in sources, (
                f"{page}: rust line {line.strip()!r} is not in the included listing"
            )


def test_quoted_rustc_version_is_the_one_installed() -> None:
    installed = rustc_version().split()[1]
    quoted = {
        (page.name, version)
        for page in (ROOT / "docs").rglob("*.md")
        for version in re.findall(r"rustc (\d+\.\d+\.\d+)", page.read_text())
    }
    for page, version in quoted:
        assert version == installed, (
            f"{page} quotes figures measured with rustc {version}, but rustc "
            f"{installed} is installed: re-measure and update the page"
        )


@pytest.mark.parametrize("listing", ["cart_total.rs", "cart_total_desugared.rs"])
@pytest.mark.parametrize("version", ["async-fn", "state-machine"])
def test_rust_traces_equal_the_python_model(listing: str, version: str) -> None:
    from chapter2 import cart

    printed = scenarios(run(LISTINGS / listing))
    assert set(printed) == set(cart.SCENARIOS)
    for name, table in printed.items():
        assert cart.trace_for(name, version) == table, f"{listing} {name} ({version})"


@pytest.mark.skipif(shutil.which("rustfmt") is None, reason="rustfmt not found on PATH")
@pytest.mark.parametrize(
    "listing", sorted(LISTINGS.glob("*.rs")), ids=lambda path: path.name
)
def test_listing_is_formatted_as_rustfmt_would(listing: Path) -> None:
    """Readers copy these: they should look like any other Rust they read."""
    checked = subprocess.run(
        ["rustfmt", "--check", "--edition", "2021", str(listing)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert checked.returncode == 0, (
        f"rustfmt would change {listing.name}:\n{checked.stdout}"
    )
