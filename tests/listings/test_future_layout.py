"""The size section of async-fn.md: rustc's layout of `cart_total`'s future.

Three things on the page are checked against the compiler:

* the ``-Zprint-type-sizes`` excerpt is what the page's command prints:
  rustc with the page's flags (stable rustc with ``RUSTC_BOOTSTRAP=1``, and a
  nightly toolchain when one is installed), through the page's ``grep``;
* the byte map, on stable rustc alone: a probe polls the listing's
  ``cart_total`` into each state and reads every byte the map names (the tag,
  the drop flag, each field) at the offset the map gives;
* the byte map again, against ``-Zprint-type-sizes``, which alone can say
  that a byte marked *unused* holds no field.

And the table of a state's four names agrees with the model, Python's
coroutines and the byte map's columns.
"""

from __future__ import annotations

import inspect
import re
import shlex
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest

from sitetools.codeblocks import console_commands
from sitetools.snippets import section_text
from tests.support.rust_listings import (
    LISTINGS,
    RUST_TESTS,
    compile_cached,
    execute,
    rustc_layout,
    text_blocks,
    toolchain_version,
)
from tests.support.sitebuild import ROOT, config

PAGE = ROOT / "docs" / "async-fn.md"
LISTING = LISTINGS / "cart_total.rs"
LAYOUT_TITLE = "rustc 1.95.0 -Zprint-type-sizes (excerpt)"
CONSOLE_BLOCK = re.compile(r"^```console\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)
FUTURE_TYPE = "print-type-size type: `{async fn body of cart_total()}`"

F = TypeVar("F", bound=Callable[..., Any])


def rust(test: F) -> F:
    """The marks of every Rust test (skipped, with a reason, without rustc)."""
    for mark in RUST_TESTS:
        test = mark(test)
    return test


def markdown_table(page: Path, first_heading: str) -> list[dict[str, str]]:
    """The rows of the table on ``page`` whose first heading is given."""
    lines = page.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines):  # noqa: B007 (used after the loop)
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == first_heading:
            headings = cells
            break
    else:
        raise AssertionError(f"{page.name} has no table headed {first_heading!r}")
    rows = []
    for line in lines[number + 2 :]:
        if not line.startswith("|"):
            break
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        assert len(cells) == len(headings), f"ragged row: {line}"
        rows.append(dict(zip(headings, cells, strict=True)))
    return rows


# ---------------------------------------------------------------- four names


def test_one_state_four_names_agree_with_the_model() -> None:
    """The trace label, the hand-written state and Python's coroutine state."""
    from chapter2.cart import CartTotal, cart_total
    from chapter2.future import CoroutineFuture, label_of
    from chapter2.oneshot import channel
    from chapter2.task import Context, Waker

    def walk(make: Callable[[Any, Any], Any]) -> list[Any]:
        """Poll a fresh cart into each state; what `make` built, each time."""
        socks_tx, socks = channel("socks")
        shoes_tx, shoes = channel("shoes")
        future = make(socks, shoes)
        cx = Context(Waker.noop())
        seen = [future.snapshot()]
        for send in (
            lambda: None,
            lambda: socks_tx.send(12),
            lambda: shoes_tx.send(58),
        ):
            send()
            future.poll(cx)
            seen.append(future.snapshot())
        return seen

    class ByHand(CartTotal):
        def snapshot(self) -> tuple[str, str]:
            return label_of(self), type(self.state).__name__

    class Coroutine(CoroutineFuture[int]):
        def snapshot(self) -> str:
            return inspect.getcoroutinestate(self.coroutine)

    by_hand = walk(ByHand)
    coroutine = walk(lambda socks, shoes: Coroutine(cart_total(socks, shoes)))
    table = markdown_table(PAGE, "In a trace")
    shown = [(row["In a trace"], row["Hand-written state"].strip("`")) for row in table]
    assert shown == by_hand
    assert [row["Python coroutine"].strip("`") for row in table] == coroutine


def byte_map() -> list[dict[str, str]]:
    return markdown_table(PAGE, "Bytes")


def column_names() -> list[tuple[str, str, str]]:
    """(column heading, state, rustc variant) for each state column of the map."""
    headings = [heading for heading in byte_map()[0] if heading != "Bytes"]
    named = [re.fullmatch(r"(\w+) \(`(\w+)`\)", heading) for heading in headings]
    assert all(named), f"byte map headings must read 'State (`Variant`)': {headings}"
    return [(match[0], match[1], match[2]) for match in named if match]


def test_the_byte_map_and_the_four_names_name_the_variants_alike() -> None:
    names = {
        row["Hand-written state"].strip("`"): row["rustc's variant"].strip("`")
        for row in markdown_table(PAGE, "In a trace")
    }
    for _, state, variant in column_names():
        assert names[state] == variant, f"{state} is {names[state]}, not {variant}"


# ------------------------------------------------------------------ byte map


@dataclass(frozen=True)
class Cell:
    """One cell of the byte map: what the table says a stretch of bytes holds."""

    state: str
    variant: str
    start: int
    end: int  # exclusive
    text: str


def cells() -> list[Cell]:
    found = []
    previous_end = 0
    for row in byte_map():
        first, _, last = row["Bytes"].partition("\N{EN DASH}")
        start, end = int(first), int(last or first) + 1
        assert start == previous_end, f"the byte map skips or repeats {row['Bytes']}"
        previous_end = end
        for heading, state, variant in column_names():
            found.append(Cell(state, variant, start, end, row[heading]))
    assert previous_end == 40, "the byte map must cover the 40 bytes of the future"
    return found


# What each kind of cell claims, as (pattern, width, what a stable read gives,
# the -Zprint-type-sizes field it must be). "receiver NAME" stands for the
# pointer that receiver holds, which the probe prints.
RECEIVER = "receiver {name}"
CLAIMS: list[tuple[str, int | None, str | None, str | None]] = [
    (r"upvar `(?P<name>\w+)`", 8, RECEIVER, r"upvar `\.{name}`"),
    (r"upvar `(?P<name>\w+)`, moved out", 8, None, r"upvar `\.{name}`"),
    (r"local `(?P<name>\w+)`", 8, RECEIVER, r"local `\.{name}`"),
    (r"`__awaitee` \((?P<name>\w+) receiver\)", 8, RECEIVER, r"local `\.__awaitee`"),
    (r"`socks_price`", 4, "12", r"local `\.socks_price`"),
    (r"drop flag: (?P<value>[01])", 1, "{value}", r"local `\.\.coroutine_field\d+`"),
    (r"tag: (?P<value>\d)", 1, "{value}", None),
    (r"unused", None, None, None),
]


def claim(cell: Cell) -> tuple[str | None, str | None]:
    """(expected stable read, expected -Z field pattern) for a cell."""
    for pattern, width, reads, field in CLAIMS:
        match = re.fullmatch(pattern, cell.text)
        if match:
            if width is not None:
                assert cell.end - cell.start == width, (
                    f"{cell.text!r} takes {width} bytes, "
                    f"not {cell.start}-{cell.end - 1}"
                )
            groups = match.groupdict()
            return (
                reads.format(**groups) if reads else None,
                field.format(**groups) if field else None,
            )
    raise AssertionError(f"the test cannot check the byte map cell {cell.text!r}")


# Each state of the probe, and what moves the future into it.
STEPS = {
    "Start": "",
    "WaitingForSocks": "assert!(future.as_mut().poll(&mut cx).is_pending());",
    "WaitingForShoes": (
        "socks_tx.send(12);\nassert!(future.as_mut().poll(&mut cx).is_pending());"
    ),
    "Done": (
        "shoes_tx.send(58);\n"
        "assert_eq!(future.as_mut().poll(&mut cx), Poll::Ready(70));"
    ),
}

PROBE = """\
#[path = "{runtime}"]
mod mini_runtime;

use std::future::Future;
use std::pin::pin;
use std::task::{{Context, Poll, Waker}};

use mini_runtime::{{channel, Receiver}};

{cart_total}
/// The `width` bytes at `offset` in `value`, as an unsigned number.
fn read<T>(value: &T, offset: usize, width: usize) -> u64 {{
    assert!(offset + width <= std::mem::size_of::<T>());
    let at = unsafe {{ (value as *const T).cast::<u8>().add(offset) }};
    // SAFETY: in bounds, and the test asks only for bytes the current state
    // initialises (a field, the tag, the drop flag), never for padding.
    unsafe {{
        match width {{
            1 => u64::from(at.read()),
            4 => u64::from(at.cast::<u32>().read_unaligned()),
            8 => at.cast::<u64>().read_unaligned(),
            _ => panic!("no read of {{width}} bytes"),
        }}
    }}
}}

const READS: &[(&str, usize, usize)] = &[
{reads}];

fn report<T>(state: &str, future: &T) {{
    for &(name, offset, width) in READS {{
        if name == state {{
            println!("{{state}} {{offset}} {{}}", read(future, offset, width));
        }}
    }}
}}

fn main() {{
    let (socks_tx, socks) = channel::<u32>("socks");
    let (shoes_tx, shoes) = channel::<u32>("shoes");
    println!("receiver socks {{}}", read(&socks, 0, 8));
    println!("receiver shoes {{}}", read(&shoes, 0, 8));
    let mut future = pin!(cart_total(socks, shoes));
    let mut cx = Context::from_waker(Waker::noop());
    println!("size {{}}", std::mem::size_of_val(&*future));
{steps}
}}
"""


def probe_source(
    reads: list[tuple[str, int, int]], moves: dict[str, str] = STEPS
) -> str:
    listing = LISTING.read_text(encoding="utf-8")
    steps = "".join(
        textwrap.indent(f"{move}\nreport({state!r}, &*future);\n", "    ")
        for state, move in moves.items()
    ).replace("'", '"')
    return PROBE.format(
        runtime=LISTINGS / "mini_runtime.rs",
        cart_total=section_text(listing, "cart_total", str(LISTING)),
        reads="".join(f'    ("{s}", {o}, {w}),\n' for s, o, w in reads),
        steps=steps,
    )


@rust
def test_the_byte_map_is_what_the_compiled_future_holds() -> None:
    """On stable rustc: every named byte read back in every state."""
    checks = [(cell, claim(cell)[0]) for cell in cells()]
    checks = [(cell, expected) for cell, expected in checks if expected is not None]
    assert {cell.state for cell in cells()} == set(STEPS)
    reads = [(c.state, c.start, c.end - c.start) for c, _ in checks]
    compiled = compile_cached("future_bytes", probe_source(reads))
    assert compiled.returncode == 0, compiled.stderr
    ran = execute(compiled.binary)
    assert ran.returncode == 0, ran.stderr
    printed = dict(line.rsplit(" ", 1) for line in ran.stdout.splitlines())
    assert printed["size"] == "40"
    for cell, expected in checks:
        if expected.startswith("receiver "):
            expected = printed[expected]
        got = printed[f"{cell.state} {cell.start}"]
        assert got == expected, (
            f"byte map, {cell.state}, bytes {cell.start}-{cell.end - 1}: the table "
            f"says {cell.text!r}, the compiled future holds {got}"
        )


# The socks sender dropped while the future waits for it: the receiver's
# poll panics (mini_runtime.rs), and so the body does.
TO_PANICKED = {
    "WaitingForSocks": STEPS["WaitingForSocks"],
    "Panicked": """drop(socks_tx);
drop(shoes_tx);
let polled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
    future.as_mut().poll(&mut cx)
}));
assert!(!matches!(polled, Ok(Poll::Ready(_) | Poll::Pending)));""",
}


@rust
def test_a_future_whose_body_panicked_has_the_tag_the_page_gives() -> None:
    """The byte map's tag byte, read after the body panicked: `Panicked` is
    2, as the page numbers it (the map's states show 0, 1, 3 and 4)."""
    [tag] = [cell for cell in cells() if cell.text.startswith("tag:")][:1]
    numbered = re.search(r"`Panicked` (\d)", " ".join(PAGE.read_text().split()))
    assert numbered, "the page no longer numbers Panicked"
    compiled = compile_cached(
        "future_panicked",
        probe_source([("Panicked", tag.start, 1)], moves=TO_PANICKED),
    )
    assert compiled.returncode == 0, compiled.stderr
    ran = execute(compiled.binary)
    assert ran.returncode == 0, ran.stderr
    assert "the socks sender was dropped without sending" in ran.stderr
    assert f"Panicked {tag.start} {numbered[1]}\n" in ran.stdout, ran.stdout


# ------------------------------------------------------ -Zprint-type-sizes


def reader_commands() -> list[str]:
    """The commands the size section gives readers, continued lines joined."""
    for match in CONSOLE_BLOCK.finditer(PAGE.read_text(encoding="utf-8")):
        typed = "\n".join(console_commands(match["body"])).replace("\\\n", " ")
        if "-Zprint-type-sizes" in typed:
            return typed.splitlines()
    raise AssertionError(f"{PAGE.name} shows no command with -Zprint-type-sizes")


def reader_pipeline() -> tuple[tuple[str, ...], str]:
    """rustc's flags in the page's command, and the filter it pipes into."""
    compile_command, _, keep = reader_commands()[-1].partition(" | ")
    words = shlex.split(compile_command)
    assert words[:2] == ["rustc", "+nightly"], compile_command
    assert words[-1] == str(LISTING.relative_to(ROOT)), compile_command
    return tuple(words[2:-1]), keep


def layout_printed(toolchain: str | None = None) -> str:
    """What rustc prints for cart_total.rs with the page's flags.

    The stable compiler accepts ``-Zprint-type-sizes`` only with
    RUSTC_BOOTSTRAP=1 (the page says why it is used here, and tells readers to
    use nightly).
    """
    compiled = compile_cached(
        "cart_total_layout",
        LISTING,
        flags=reader_pipeline()[0],
        env={"RUSTC_BOOTSTRAP": "1"} if toolchain is None else None,
        toolchain=toolchain,
    )
    assert compiled.returncode == 0, compiled.stderr
    return compiled.stdout


def through_the_page_filter(printed: str) -> list[str]:
    """``printed`` run through the page's ``grep``, by the shell."""
    filtered = subprocess.run(
        ["bash", "-c", reader_pipeline()[1]],
        input=printed,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert filtered.returncode == 0, filtered.stderr
    return filtered.stdout.splitlines()


def text_block(page: Path, title: str) -> list[str]:
    """The lines of the ```text block with ``title`` on ``page``, dedented."""
    bodies = [body for shown, body in text_blocks(page) if shown == title]
    assert bodies, f"{page.name} has no text block titled {title!r}"
    return bodies[0].splitlines()


def test_readers_are_told_to_clone_the_repository_the_listing_is_in() -> None:
    clone, change_directory = reader_commands()[:2]
    repository = str(config()["repo_url"])
    assert clone == f"git clone {repository}"
    assert change_directory == f"cd {repository.rstrip('/').rpartition('/')[2]}"


@rust
def test_the_layout_excerpt_is_what_the_page_command_prints() -> None:
    """The -Zprint-type-sizes block is what rustc prints through the page's
    grep: every line of the future's type, and nothing else."""
    shown = text_block(PAGE, LAYOUT_TITLE)
    assert shown[0].startswith(FUTURE_TYPE)
    assert through_the_page_filter(layout_printed()) == shown


@rust
@pytest.mark.skipif(
    not toolchain_version("nightly"), reason="no nightly toolchain installed"
)
def test_a_nightly_toolchain_prints_the_same_layout() -> None:
    """The page tells readers to use nightly, and says it prints the same lines."""
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "A nightly toolchain prints the same lines" in prose
    shown = text_block(PAGE, LAYOUT_TITLE)
    assert through_the_page_filter(layout_printed("nightly")) == shown


FIELD = re.compile(
    r"(?P<name>(?:upvar|local) `[^`]+`): (?P<size>\d+) bytes"
    r"(?:, offset: (?P<offset>\d+) bytes)?"
)


def variant_fields(printed: list[str]) -> dict[str, dict[str, tuple[int, int]]]:
    """Each variant's fields as {name: (offset, size)}, from rustc's output.

    rustc prints a field's offset only where it is not simply the end of the
    previous field plus the padding line before it (its code_stats.rs).
    """
    start = next(i for i, line in enumerate(printed) if line.startswith(FUTURE_TYPE))
    discriminant = 0
    variants: dict[str, dict[str, tuple[int, int]]] = {}
    fields: dict[str, tuple[int, int]] = {}
    at = 0
    for line in printed[start + 1 :]:
        body = line.removeprefix("print-type-size").strip()
        if body.startswith("type:"):
            break
        if match := re.fullmatch(r"discriminant: (\d+) bytes", body):
            discriminant = int(match[1])
        elif match := re.fullmatch(r"variant `(\w+)`: \d+ bytes", body):
            fields = variants.setdefault(match[1], {})
            at = discriminant
        elif match := re.fullmatch(r"padding: (\d+) bytes", body):
            at += int(match[1])
        elif match := FIELD.match(body):
            offset = int(match["offset"]) if match["offset"] else at
            fields[match["name"]] = (offset, int(match["size"]))
            at = offset + int(match["size"])
    return variants


@rust
def test_the_byte_map_agrees_with_print_type_sizes() -> None:
    """Every field where the map puts it, and nothing in bytes it calls unused."""
    variants = variant_fields(layout_printed().splitlines())
    for variant in {cell.variant for cell in cells()}:
        fields = dict(variants[variant])
        for cell in (c for c in cells() if c.variant == variant):
            expected = claim(cell)[1]
            here = [
                name
                for name, (offset, size) in fields.items()
                if offset < cell.end and cell.start < offset + size
            ]
            if expected is None:
                assert not here, (
                    f"{variant}, bytes {cell.start}-{cell.end - 1}: the map says "
                    f"{cell.text!r}, rustc puts {here} there"
                )
                continue
            assert len(here) == 1, f"{variant} {cell.start}: rustc has {here}"
            assert re.fullmatch(expected, here[0]), (
                f"{variant}, bytes {cell.start}-{cell.end - 1}: the map says "
                f"{cell.text!r}, rustc has {here[0]}"
            )
            assert fields.pop(here[0]) == (cell.start, cell.end - cell.start)
        assert not fields, f"{variant}: fields the byte map leaves out: {fields}"


@rust
def test_the_tag_and_the_drop_flag_cost_eight_bytes_between_them() -> None:
    """The page's account of the 40 bytes, from rustc's layout: the largest
    variant's fields, drop flag left out, fill 32 bytes, and the rest is the
    tag, the drop flag and their padding."""
    printed = layout_printed()
    drop_flag = re.compile(r"local `\.\.coroutine_field\d+`")
    without_them = max(
        sum(size for name, (_, size) in fields.items() if not drop_flag.match(name))
        for fields in variant_fields(printed.splitlines()).values()
    )
    whole = re.search(r"cart_total\(\)\}`: (\d+) bytes", printed)
    assert whole is not None
    cost = int(whole[1]) - without_them
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert f"four 8-byte fields alone would fill {without_them} bytes" in prose
    assert f"between them, cost {cost} bytes" in prose
    assert f"{cost} for the tag and the drop flag with their padding" in prose


@rust
def test_the_hand_written_enums_tag_is_what_print_type_sizes_says() -> None:
    """The size section: the enum's tag is 4 bytes at offset 0, its size a
    multiple of 8, and `socks_price` sits right after the tag."""
    lines = rustc_layout("cart_total_desugared.rs").splitlines()
    start = next(i for i, line in enumerate(lines) if "type: `CartTotal`:" in line)
    whole = re.search(r"`CartTotal`: (\d+) bytes, alignment: (\d+) bytes", lines[start])
    assert whole is not None
    size, alignment = int(whole[1]), int(whole[2])
    layout = [
        line.removeprefix("print-type-size").strip() for line in lines[start + 1 :]
    ]
    layout = layout[
        : next(i for i, line in enumerate(layout) if line.startswith("type:"))
    ]
    tag = re.fullmatch(r"discriminant: (\d+) bytes", layout[0])
    assert tag, "rustc no longer prints the discriminant first (at offset 0)"
    tag_size = int(tag[1])
    shoes = layout.index("variant `WaitingForShoes`: 12 bytes")
    price = re.fullmatch(r"field `\.socks_price`: (\d+) bytes", layout[shoes + 1])
    assert price, f"socks_price is not first in WaitingForShoes: {layout[shoes + 1]}"
    price_end = tag_size + int(price[1]) - 1
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert f"rustc gives the tag {tag_size} bytes at offset 0" in prose
    assert f"(`discriminant: {tag_size} bytes`, printed first)" in prose
    assert f"brings the 16 bytes to {size}" in prose
    assert f"multiple of its alignment, {alignment} for a type" in prose
    assert f"`socks_price` fills bytes {tag_size} to {price_end}" in prose


IN_SCOPE = """async fn {name}() -> u8 {{
    let big = [7u8; 1000];
    let first = big[0];
    std::future::ready(()).await;
    {result}
}}
"""


@rust
def test_a_local_in_scope_but_unused_after_the_await_is_not_kept() -> None:
    """The states section: being in scope is not enough. A 1000-byte array
    whose last use comes before the `.await` (and that has nothing to drop)
    adds nothing to the future; read after it, it is kept."""
    source = (
        IN_SCOPE.format(name="read_before", result="first")
        + IN_SCOPE.format(name="read_after", result="first + big[1]")
        + "\nfn main() {\n"
        '    println!("{}", std::mem::size_of_val(&read_before()));\n'
        '    println!("{}", std::mem::size_of_val(&read_after()));\n'
        "}\n"
    )
    compiled = compile_cached("in_scope_unused", source)
    assert compiled.returncode == 0, compiled.stderr
    before, after = map(int, execute(compiled.binary).stdout.split())
    assert before < 16 and after > 1000, (before, after)
    prose = " ".join(PAGE.read_text(encoding="utf-8").split())
    assert "Being in scope is not enough" in prose
