"""Every Rust listing compiles, runs, and shows on its page what it prints;
or rustc rejects it, saying on its page what rustc says.

Skipped, with the reason, where ``rustc`` is not on PATH; ``.ci/run`` makes
sure it is.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from sitetools.codeblocks import console_commands
from sitetools.snippets import includes_in
from tests.support.rust_listings import (
    CACHE as CACHE_DIR,
)
from tests.support.rust_listings import (
    LISTINGS,
    PYTHON_HTML_BLOCK,
    ROOT,
    RUST_TESTS,
    RUSTC_QUOTE,
    RustcBlock,
    StillCompiles,
    compile_cached,
    excerpt_mismatch,
    headline_mismatch,
    headlines,
    layout_blocks,
    normalise,
    output_blocks,
    pages,
    programs,
    quoted_rustc_lines,
    rejected_listings,
    rejection,
    run,
    rust_fences,
    rustc_blocks,
    rustc_layout,
    rustc_rejects,
    rustc_version,
    saved_result,
    scenarios,
    toolchain_version,
)
from tests.support.sitebuild import BuildResult, code_lines, config

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


@pytest.mark.parametrize("block", rustc_blocks(), ids=lambda b: f"{b.page}:{b.listing}")
def test_rustc_rejects_the_listing_saying_what_the_page_shows(
    block: RustcBlock,
) -> None:
    stderr = rustc_rejects(block.listing)
    mismatch = excerpt_mismatch(block.text, stderr) or headline_mismatch(
        block.text, stderr
    )
    assert mismatch is None, (
        f"{block.page}: the `rustc on {block.listing}` block is not what rustc "
        f"says: {mismatch}\nrustc ({rustc_version()}) says:\n{stderr}"
    )


@pytest.mark.parametrize(
    "block", layout_blocks(), ids=lambda b: f"{b.page}:{b.listing}"
)
def test_layout_shown_on_the_page_is_what_rustc_prints(block: RustcBlock) -> None:
    """A ``-Zprint-type-sizes on NAME.rs`` block is an excerpt of rustc's
    layouts for the listing (lines in order, ``...`` skipping any)."""
    assert LISTINGS / block.listing in programs(), f"{block.listing}: no program"
    printed = rustc_layout(block.listing)
    mismatch = excerpt_mismatch(block.text, printed)
    assert mismatch is None, (
        f"{block.page}: the `-Zprint-type-sizes on {block.listing}` block is "
        f"not what rustc ({rustc_version()}) prints: {mismatch}"
    )


def test_an_excerpt_shows_every_error_rustc_gives() -> None:
    said = (
        "error: future cannot be sent between threads safely\n  |\n"
        "note: future is not `Send`\n"
        "error: unused variable: `x`\n"
        "error: aborting due to 2 previous errors\n"
    )
    both = "error: future cannot be sent between threads safely\n...\n"
    both += "error: unused variable: `x`\n"
    assert headline_mismatch(both, said) is None
    one = "error: future cannot be sent between threads safely\n...\n"
    assert excerpt_mismatch(one, said) is None  # the lines alone would pass
    assert headline_mismatch(one, said) is not None
    warned = said.replace("error: unused", "warning: unused")
    assert headline_mismatch(both, warned) is not None


def test_a_listing_is_shown_either_rejected_or_running() -> None:
    shown_running = {block.listing for block in output_blocks()}
    both = shown_running & set(rejected_listings())
    assert not both, f"shown both as output and as rustc's refusal: {both}"


@pytest.mark.parametrize(
    "page", pages(), ids=lambda p: str(p.relative_to(ROOT / "docs"))
)
def test_every_quoted_rustc_line_is_in_a_checked_block(page: Path) -> None:
    quotes = quoted_rustc_lines(page.read_text(encoding="utf-8"))
    assert not quotes, (
        f'{page.name} quotes rustc outside a ```text title="rustc on NAME.rs"``` '
        f"block, so no listing backs it: {quotes}"
    )


def test_every_quoted_rustc_line_on_the_built_site_is_a_checked_one(
    built_site: BuildResult,
) -> None:
    """The built pages too: docstrings and included files reach them as well."""
    checked = {
        line.strip() for block in rustc_blocks() for line in block.text.splitlines()
    }
    unchecked = {
        str(page.relative_to(built_site.site)): sorted(
            line
            for line in code_lines(
                PYTHON_HTML_BLOCK.sub("", page.read_text(encoding="utf-8"))
            )
            if RUSTC_QUOTE.match(line) and line not in checked
        )
        for page in sorted(built_site.site.rglob("*.html"))
    }
    unchecked = {page: lines for page, lines in unchecked.items() if lines}
    assert not unchecked, (
        "rustc quoted on the site but not in a checked `rustc on NAME.rs` block "
        f"of any page: {unchecked}"
    )


def test_the_quote_scan_finds_quotes_outside_checked_blocks() -> None:
    page = (
        "Prose with `error[E0277]: made up` in it.\n\n"
        '```text title="rustc on real.rs"\nerror: checked\n```\n\n'
        "    ```text\n    warning: unused variable\n    ```\n\n"
        "```text\nnote: required by a bound\nhelp: consider\n```\n"
        "```rust\nlet x = 1; // error: not at the start\n```\n"
        "```python\nerror: str = 'a Python annotation'\n```\n"
    )
    assert quoted_rustc_lines(page) == [
        "warning: unused variable",
        "note: required by a bound",
        "help: consider",
        "error[E0277]: made up",
    ]


def test_an_excerpt_is_in_order_and_skips_only_at_ellipses() -> None:
    said = "error: a\n  |\nnote: b\n...\nnote: c\nhelp: d\n"
    assert excerpt_mismatch("error: a\n  |\nnote: b\n", said) is None
    assert excerpt_mismatch("error: a\n...\nnote: c\n", said) is None
    assert excerpt_mismatch("note: b\n...\n...\nhelp: d", said) is None
    assert excerpt_mismatch("error: a\nnote: b\n", said) is not None
    assert excerpt_mismatch("note: c\n...\nnote: b\n", said) is not None
    assert excerpt_mismatch("note: e\n", said) is not None


def test_paths_are_reduced_to_file_names() -> None:
    said = (
        "  --> /work/x/docs/listings/not_unpin.rs:14:22\n"
        "  --> /rustc/59807616e1fa/library/core/src/pin.rs:1181:4\n"
        "  --> docs/listings/a-b.rs:1:1 and rust-lang/rust#62958\n"
    )
    assert normalise(said) == (
        "  --> not_unpin.rs:14:22\n  --> pin.rs:1181:4\n"
        "  --> a-b.rs:1:1 and rust-lang/rust#62958\n"
    )


def test_a_compile_record_read_only_whole(tmp_path: Path) -> None:
    """A record cut short (a process stopped while writing it) or of another
    shape counts as none, and the program is compiled again (read as it
    was, a cut record raised JSONDecodeError in every later run, tried)."""
    record = tmp_path / "program.json"
    whole = {"returncode": 1, "stdout": "", "stderr": "error[E0277]"}
    record.write_text(json.dumps(whole), encoding="utf-8")
    assert saved_result(record) == whole
    record.write_text(json.dumps(whole)[:20], encoding="utf-8")
    assert saved_result(record) is None
    record.write_text(json.dumps({**whole, "returncode": "1"}), encoding="utf-8")
    assert saved_result(record) is None
    assert saved_result(tmp_path / "missing.json") is None


def test_a_listing_that_starts_compiling_names_the_page() -> None:
    """What rustc accepting a rejected listing looks like: the fixed version."""
    shown_on = rejected_listings()["send_guard_drop.rs"]
    fixed = LISTINGS / "send_guard_block.rs"
    with pytest.raises(StillCompiles) as raised:
        rejection("send_guard_drop.rs", compile_cached(fixed.stem, fixed))
    assert "send_guard_drop.rs now compiles" in str(raised.value)
    for page in shown_on:
        assert page in str(raised.value)


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


CONSOLE = re.compile(r"^```console\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
# A command that reads the project's files: it only runs inside a clone.
NEEDS_A_CLONE = re.compile(r"docs/listings/|python -m chapter2\b")


@pytest.mark.parametrize(
    "page", pages(), ids=lambda p: str(p.relative_to(ROOT / "docs"))
)
def test_commands_that_need_the_repository_start_from_a_clone(page: Path) -> None:
    """A reader can run them as shown: the first block that needs the files
    begins by cloning the repository (mkdocs.yml's repo_url) and entering it."""
    blocks = [
        console_commands(match["body"])
        for match in CONSOLE.finditer(page.read_text(encoding="utf-8"))
    ]
    needing = [b for b in blocks if any(NEEDS_A_CLONE.search(c) for c in b)]
    if not needing:
        return
    repository = str(config()["repo_url"]).rstrip("/")
    assert needing[0][:2] == [
        f"git clone {repository}",
        f"cd {repository.rpartition('/')[2]}",
    ], f"{page.name}: the first command block using the repository's files "
    "does not start with its clone"


# index.md's promise, e.g. "need Rust 1.85 or later (for `Waker::noop`)".
VERSION_CLAIM = re.compile(
    r"need Rust (?P<version>1\.\d+) or later \(for `(?P<item>[^`]+)`\)"
)
NEWER_THAN_MSRV = re.compile(
    r"current MSRV \(Minimum Supported Rust Version\) is `(?P<msrv>[\d.]+)` but "
    r"this item is stable since `(?P<since>[\d.]+)`\n\s*--> (?P<where>\S+)\n"
    r"(?:.*\n){1,2}?\d+\s*\|(?P<line>.*)\n"
)


def version_claim() -> tuple[str, str]:
    """(version, item) that index.md says the listings need."""
    index = " ".join((ROOT / "docs" / "index.md").read_text(encoding="utf-8").split())
    claim = VERSION_CLAIM.search(index)
    assert claim, "index.md no longer says which Rust the listings need"
    return claim["version"], claim["item"]


def newer_items(listing: Path, msrv: str) -> list[tuple[str, str]]:
    """(since, source line) of each std item ``listing`` uses that is newer
    than ``msrv``, as Clippy's incompatible_msrv lint reports them."""
    config = CACHE_DIR / f"msrv-{msrv}"
    config.mkdir(parents=True, exist_ok=True)
    (config / "clippy.toml").write_text(f'msrv = "{msrv}"\n', encoding="utf-8")
    linted = compile_cached(
        f"{listing.stem}-msrv-{msrv.replace('.', '_')}",  # a dot would end the name
        listing,
        flags=(
            "--edition",
            "2021",
            "-A",
            "clippy::all",
            "-W",
            "clippy::incompatible_msrv",
        ),
        env={"CLIPPY_CONF_DIR": str(config)},
        driver="clippy-driver",
    )
    assert linted.returncode == 0, f"{listing.name}:\n{linted.stderr}"
    return [
        (found["since"], found["line"].strip())
        for found in NEWER_THAN_MSRV.finditer(normalise(linted.stderr))
    ]


@pytest.mark.skipif(
    shutil.which("clippy-driver") is None, reason="clippy-driver not found on PATH"
)
def test_the_rust_version_the_pages_ask_for_is_what_the_listings_use() -> None:
    """index.md: the listings "need Rust 1.85 or later (for `Waker::noop`)".

    Checked with Clippy's ``incompatible_msrv`` lint, which compares each
    standard-library item a program uses with the item's own stability
    attribute (``#[stable(since = "1.85.0")]``): with the page's version as
    the minimum, no listing rustc accepts uses a newer item; one minor
    version earlier, the item the page names is flagged. What the lint does
    not see: language features (syntax, not std items), and listings rustc
    rejects (Clippy's lints run only after type checking succeeds). For
    those, the test below builds the listings with that very toolchain,
    when rustup has it; the tests never install one.
    """
    version, item = version_claim()
    major, minor = version.split(".")
    earlier = f"{major}.{int(minor) - 1}"
    newer = {
        program.name: found
        for program in programs()
        if (found := newer_items(program, version))
    }
    assert not newer, f"listings use std items newer than Rust {version}: {newer}"
    flagged = {
        (since, line)
        for program in programs()
        for since, line in newer_items(program, earlier)
    }
    assert flagged, f"no listing needs Rust {version}: index.md should say less"
    assert {since for since, _ in flagged} == {f"{version}.0"}
    assert all(item in line for _, line in flagged), (
        f"index.md says `{item}` is why Rust {version} is needed; Clippy "
        f"flags other items: {flagged}"
    )


def installed_toolchain(version: str) -> str | None:
    """A rustup toolchain for Rust ``version`` (e.g. 1.85), if installed."""
    for name in (version, f"{version}.0"):
        if toolchain_version(name):
            return name
    return None


def test_the_listings_build_with_the_rust_version_the_pages_ask_for() -> None:
    """The same promise, kept by that compiler itself: every listing rustc
    accepts builds without a warning with it, and every listing a page shows
    rustc rejecting is still rejected with the same errors (headlines).
    Skipped unless rustup has that toolchain (`rustup toolchain install
    1.85`); the tests install nothing."""
    version, _ = version_claim()
    toolchain = installed_toolchain(version)
    if toolchain is None:
        pytest.skip(f"no Rust {version} toolchain installed (rustup)")
    for program in programs():
        built = compile_cached(program.stem, program, toolchain=toolchain)
        assert built.returncode == 0 and not built.stderr.strip(), (
            f"{program.name} does not build with Rust {version}:\n{built.stderr}"
        )
    for listing in rejected_listings():
        path = LISTINGS / listing
        refused = compile_cached(path.stem, path, toolchain=toolchain)
        assert refused.returncode != 0, f"Rust {version} accepts {listing}"
        assert headlines(normalise(refused.stderr)) == headlines(
            rustc_rejects(listing)
        ), f"Rust {version} rejects {listing} for other reasons:\n{refused.stderr}"


def test_the_block_checks_find_blocks_on_the_pages_that_show_them() -> None:
    """The output, rustc and layout checks run once per block found, so a
    title pattern or page scan that found nothing would let them all skip
    unseen. Each kind is on async-fn.md and errors.md."""
    for kind, blocks in [
        ("output of", output_blocks()),
        ("rustc on", rustc_blocks()),
        ("-Zprint-type-sizes on", layout_blocks()),
    ]:
        on = {block.page for block in blocks}
        assert {"async-fn.md", "errors.md"} <= on, f"{kind} blocks found on {on}"
