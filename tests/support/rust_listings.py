"""Compile and run the Rust listings under docs/listings/, with a cache.

Binaries are cached in ``.cache/rust/`` (ignored by git), keyed by a hash of
every listing's source, the compiler flags and ``rustc -vV``, so a repeated
``make test`` compiles nothing unless a listing or the compiler changed.
rustc's answer to a listing it rejects is cached the same way.

Two kinds of titled ``text`` block tie a page to a listing:

* ``output of NAME.rs``: the listing compiles without a warning, and the
  block is part of what it prints;
* ``rustc on NAME.rs``: rustc rejects the listing, and the block is an
  excerpt of its message: the block's lines appear in rustc's stderr in
  order and next to each other, except that a line ``...`` alone stands for
  any number of lines (rustc's own ``...`` included). Paths are reduced to
  file names first, so the page shows ``--> NAME.rs:12:5`` wherever the
  listing and the standard library were compiled. The excerpt shows every
  error rustc gives (each ``error:`` headline, in order), so an unrelated
  error, or a warning that ``-D warnings`` made one, cannot hide in an
  ellipsis;
* ``-Zprint-type-sizes on NAME.rs``: an excerpt, by the same rules, of the
  layouts rustc prints for the listing with ``-Zprint-type-sizes`` (stable
  rustc with ``RUSTC_BOOTSTRAP=1``, as the size section of async-fn.md says).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sitetools.questions import helpers

ROOT = Path(__file__).resolve().parents[2]
LISTINGS = ROOT / "docs" / "listings"
CACHE = ROOT / ".cache" / "rust"
FLAGS = ("--edition", "2021", "-D", "warnings")

# ```text title="output of NAME.rs"``` blocks on the pages, at any indent:
# the questions' pattern, so a question reads exactly the blocks checked here.
TEXT_BLOCK = helpers.TEXT_BLOCK
OUTPUT_TITLE = re.compile(r"output of (?P<listing>[\w-]+\.rs)")
RUSTC_TITLE = re.compile(r"rustc on (?P<listing>[\w-]+\.rs)")
LAYOUT_TITLE = re.compile(r"-Zprint-type-sizes on (?P<listing>[\w-]+\.rs)")
LAYOUT_FLAGS = (*FLAGS, "-Zprint-type-sizes")
# The start of a code line that quotes rustc: only a checked block may have it.
RUSTC_QUOTE = re.compile(
    r"^\s*(?:error\[E\d+\]|error:|warning(?:\[\w+\])?:|note:|help:)"
)
# A diagnostic's first line; rustc's closing "aborting due to" is not one.
HEADLINE = re.compile(r"^(?:error|warning)(?:\[\w+\])?: (?!aborting due to)")
# A path (absolute, relative, or rustc's /rustc/HASH/library/...) to a file.
PATH_TO_FILE = re.compile(r"(?<![\w/.-])[\w.~-]*(?:/[\w.~-]+)*/(?P<file>[\w.-]+\.rs)\b")
ELISION = "..."
# Python code, where a line may well start `error: str = ...`.
PYTHON_FENCE = re.compile(r"\s*\{?\s*\.?(?:python3?|pycon|py)\b")
PYTHON_HTML_BLOCK = re.compile(
    r'<div class="language-(?:python3?|pycon|py)\b.*?</pre>', re.DOTALL
)
RUST_FENCE = re.compile(
    r"^(?P<indent>[ \t]*)```rust\b[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def rustc() -> str | None:
    return shutil.which("rustc")


# Every Rust test module's marks: .ci/run looks for this reason when it skips.
RUST_TESTS = [
    pytest.mark.rust,
    pytest.mark.skipif(
        rustc() is None, reason="rustc not found on PATH: Rust listings not checked"
    ),
]


@dataclass(frozen=True)
class OutputBlock:
    page: str
    listing: str
    text: str


@functools.cache
def rustc_says(flag: str) -> str:
    """What ``rustc FLAG`` prints, e.g. ``--version`` or ``-vV``."""
    command = rustc()
    assert command is not None
    return subprocess.run(
        [command, flag], capture_output=True, text=True, check=True
    ).stdout.strip()


@functools.cache
def toolchain_version(toolchain: str) -> str:
    """``rustc +TOOLCHAIN -vV``, or "" when rustup has no such toolchain."""
    command = rustc()
    if command is None:
        return ""
    completed = subprocess.run(
        [command, f"+{toolchain}", "-vV"],
        capture_output=True,
        text=True,
        check=False,
    )
    return completed.stdout.strip() if completed.returncode == 0 else ""


@functools.cache
def driver_version(driver: str) -> str:
    """``DRIVER --version`` and ``-vV``: for clippy-driver, Clippy's version
    and the rustc it drives."""
    return "\n".join(
        subprocess.run(
            [driver, flag], capture_output=True, text=True, check=True
        ).stdout.strip()
        for flag in ("--version", "-vV")
    )


def rustc_version() -> str:
    """``rustc --version``, e.g. ``rustc 1.95.0 (59807616e 2026-04-14)``."""
    return rustc_says("--version")


def programs() -> list[Path]:
    """Listings with a ``main`` that rustc accepts: they build into a program.

    A listing that a page shows rustc rejecting (:func:`rejected_listings`)
    is not one, whatever it contains.
    """
    rejected = set(rejected_listings())
    return sorted(
        path
        for path in LISTINGS.glob("*.rs")
        if "fn main()" in path.read_text() and path.name not in rejected
    )


def source_key(*extra: str) -> str:
    """A hash of the compiler, the flags, every listing and ``extra`` inputs."""
    digest = hashlib.sha256(rustc_says("-vV").encode())
    digest.update(" ".join(FLAGS).encode())
    for path in sorted(LISTINGS.glob("*.rs")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for item in extra:
        digest.update(b"\0" + item.encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True)
class Compiled:
    """What one rustc invocation produced (cached, failures included)."""

    returncode: int
    stdout: str
    stderr: str
    binary: Path


def compile_cached(
    name: str,
    source: str | Path,
    *,
    flags: tuple[str, ...] = FLAGS,
    env: dict[str, str] | None = None,
    toolchain: str | None = None,
    driver: str | None = None,
) -> Compiled:
    """Compile a listing (a path) or a scratch program (text), at most once.

    ``toolchain`` (e.g. ``"nightly"``) picks a rustup toolchain other than
    the default; ``driver`` (e.g. ``"clippy-driver"``) a compiler other than
    rustc that takes rustc's arguments. The result, success or failure, is
    cached under ``.cache/rust/`` by a hash of everything that could change it.
    """
    command = rustc() if driver is None else shutil.which(driver)
    assert command is not None
    compiler = [command] if toolchain is None else [command, f"+{toolchain}"]
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    key = source_key(
        name,
        text,
        " ".join(flags),
        json.dumps(env or {}, sort_keys=True),
        toolchain_version(toolchain) if toolchain else "",
        driver_version(driver) if driver else "",
    )
    binary = CACHE / f"{name}-{key}"
    record = binary.with_suffix(".json")
    saved = saved_result(record)
    if saved is not None:
        return Compiled(saved["returncode"], saved["stdout"], saved["stderr"], binary)
    CACHE.mkdir(parents=True, exist_ok=True)
    # Names of this process's own: two test processes may compile the same
    # program at once. rustc names its intermediate object files after the
    # output's stem, in its folder, so the stem holds the process id (with
    # it only in a suffix, the two shared them, and one linked the other's
    # half-written files: "undefined symbol: main", tried); and a scratch
    # source and the record are written aside, then moved into place whole.
    mine = f"{name}-{key}-{os.getpid()}"
    if isinstance(source, Path):
        path = source
    else:
        path = CACHE / f"{name}-{key}.rs"
        aside = CACHE / f"{mine}.rs-partial"
        aside.write_text(text, encoding="utf-8")
        aside.replace(path)
    partial = CACHE / f"{mine}.partial"
    completed = subprocess.run(
        [*compiler, *flags, "-o", str(partial), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, **(env or {})},
    )
    if completed.returncode == 0:
        partial.replace(binary)
    else:
        partial.unlink(missing_ok=True)
    result = {
        "returncode": completed.returncode,
        "stdout": completed.stdout,
        "stderr": completed.stderr,
    }
    aside_record = CACHE / f"{mine}.json-partial"
    aside_record.write_text(json.dumps(result), encoding="utf-8")
    aside_record.replace(record)
    return Compiled(completed.returncode, completed.stdout, completed.stderr, binary)


def saved_result(record: Path) -> dict[str, Any] | None:
    """A compilation's saved result, or None if there is none whole (a
    process stopped while writing one, before records were written aside,
    left half a file: it is compiled again)."""
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    fields = {"returncode": int, "stdout": str, "stderr": str}
    if not isinstance(saved, dict) or not all(
        isinstance(saved.get(field), kind) for field, kind in fields.items()
    ):
        return None
    return saved


class CompileError(AssertionError):
    """rustc rejected a listing, or warned about it."""


@functools.cache
def build(program: Path) -> Path:
    """The compiled binary for ``program``, compiling only on a cache miss."""
    compiled = compile_cached(program.stem, program)
    if compiled.returncode != 0 or compiled.stderr.strip():
        raise CompileError(f"rustc {program.name}:\n{compiled.stderr}")
    return compiled.binary


def execute(binary: Path) -> subprocess.CompletedProcess[str]:
    """Runs a compiled program; a panic's message comes without a backtrace."""
    return subprocess.run(
        [str(binary)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
        env={**os.environ, "RUST_BACKTRACE": "0"},
    )


@functools.cache
def run(program: Path) -> str:
    """What the program prints (it must exit successfully)."""
    completed = execute(build(program))
    assert completed.returncode == 0, f"{program.name} failed:\n{completed.stderr}"
    return completed.stdout


def text_blocks(page: Path) -> list[tuple[str, str]]:
    """The titled ```text blocks on ``page``, in order: (title, dedented body)."""
    markdown = page.read_text(encoding="utf-8")
    return [
        (match["title"], textwrap.dedent(match["body"]))
        for match in TEXT_BLOCK.finditer(markdown)
    ]


def pages() -> list[Path]:
    return sorted((ROOT / "docs").rglob("*.md"))


def titled_blocks(title: re.Pattern[str]) -> list[tuple[str, str, str]]:
    """(page, listing, body) of each ```text block whose title ``title`` matches
    in full, naming the listing in its group ``listing``."""
    return [
        (str(page.relative_to(ROOT / "docs")), claim["listing"], body)
        for page in pages()
        for text_title, body in text_blocks(page)
        if (claim := title.fullmatch(text_title))
    ]


def output_blocks() -> list[OutputBlock]:
    """Every block on a page that claims to show a listing's output."""
    return [OutputBlock(*block) for block in titled_blocks(OUTPUT_TITLE)]


@dataclass(frozen=True)
class RustcBlock:
    """A ```text title="rustc on NAME.rs"``` block: what rustc says of NAME.rs."""

    page: str
    listing: str
    text: str


def rustc_blocks() -> list[RustcBlock]:
    """Every block on a page that quotes rustc rejecting a listing."""
    return [RustcBlock(*block) for block in titled_blocks(RUSTC_TITLE)]


def layout_blocks() -> list[RustcBlock]:
    """Every block on a page that shows rustc's layout of a listing's types."""
    return [RustcBlock(*block) for block in titled_blocks(LAYOUT_TITLE)]


@functools.cache
def rustc_layout(listing: str) -> str:
    """What ``-Zprint-type-sizes`` prints for a listing rustc accepts.

    Stable rustc takes the unstable flag only with ``RUSTC_BOOTSTRAP=1``;
    async-fn.md's size section tells readers to use nightly, and says why the
    tests do this.
    """
    path = LISTINGS / listing
    assert path.is_file(), f"no listing docs/listings/{listing}"
    compiled = compile_cached(
        f"{path.stem}-layout",
        path,
        flags=LAYOUT_FLAGS,
        env={"RUSTC_BOOTSTRAP": "1"},
    )
    assert compiled.returncode == 0, f"rustc {listing}:\n{compiled.stderr}"
    # An async block's type names its file: by name, as a page shows it.
    return normalise(compiled.stdout)


def rejected_listings() -> dict[str, list[str]]:
    """Each listing a page shows rustc rejecting, and the pages that do."""
    found: dict[str, list[str]] = {}
    for block in rustc_blocks():
        found.setdefault(block.listing, [])
        if block.page not in found[block.listing]:
            found[block.listing].append(block.page)
    return found


def normalise(stderr: str) -> str:
    """rustc's stderr with every path reduced to its file name."""
    return PATH_TO_FILE.sub(lambda match: match["file"], stderr)


class StillCompiles(AssertionError):
    """rustc now accepts a listing that a page shows it rejecting."""


def rejection(listing: str, compiled: Compiled) -> str:
    """rustc's normalised stderr, from a compilation of ``listing`` it refused.

    Raises :class:`StillCompiles`, naming the pages to update, when rustc
    accepted it.
    """
    if compiled.returncode == 0:
        shown = ", ".join(rejected_listings().get(listing, [])) or "no page"
        raise StillCompiles(
            f"{listing} now compiles with {rustc_version()}: rustc no longer "
            f"rejects it. Update {shown}: its `rustc on {listing}` block and "
            "the prose around it say rustc rejects this code."
        )
    return normalise(compiled.stderr)


@functools.cache
def rustc_rejects(listing: str) -> str:
    """rustc's normalised stderr for a listing it must reject (see rejection).

    Compiled with the pages' flags, once: cached like every build.
    """
    path = LISTINGS / listing
    assert path.is_file(), f"no listing docs/listings/{listing}"
    return rejection(listing, compile_cached(path.stem, path))


def excerpt_mismatch(shown: str, stderr: str) -> str | None:
    """Why ``shown`` is not an excerpt of ``stderr``; None when it is one.

    The excerpt's lines must appear in ``stderr`` in order and next to each
    other, trailing spaces aside; a line ``...`` alone skips any number of
    lines. The excerpt may start and end anywhere in ``stderr``.
    """
    said = [line.rstrip() for line in stderr.splitlines()]
    groups: list[list[str]] = [[]]
    for line in shown.rstrip("\n").splitlines():
        if line.strip() == ELISION:
            groups.append([])
        else:
            groups[-1].append(line.rstrip())
    start = 0
    for group in (group for group in groups if group):
        for at in range(start, len(said) - len(group) + 1):
            if said[at : at + len(group)] == group:
                start = at + len(group)
                break
        else:
            missing = next(
                (line for line in group if line not in said[start:]), group[0]
            )
            return (
                f"these lines are not in rustc's message where the excerpt puts "
                f"them:\n{chr(10).join(group)}\n(first one rustc does not say "
                f"there: {missing!r})"
            )
    return None


def headlines(text: str) -> list[str]:
    """The first line of each error and warning in ``text``, in order."""
    return [line.rstrip() for line in text.splitlines() if HEADLINE.match(line)]


def headline_mismatch(shown: str, stderr: str) -> str | None:
    """Why ``shown`` does not give every error ``stderr`` has; None if it does.

    An excerpt skips lines, never a whole error: rustc's headlines (``error:``,
    ``error[E...]:``, ``warning:``) must be the excerpt's, in the same order.
    """
    said, quoted = headlines(stderr), headlines(shown)
    if said == quoted:
        return None
    return (
        f"rustc gives {len(said)} diagnostic(s), the excerpt shows "
        f"{len(quoted)}: every error must be on the page.\nrustc: {said}\n"
        f"page: {quoted}"
    )


def quoted_rustc_lines(markdown: str) -> list[str]:
    """Lines of ``markdown`` that quote rustc outside a ``rustc on`` block.

    A quote is a code line (in a fence, or an inline code span) that starts
    like a diagnostic: ``error[E...]``, ``error:``, ``warning:``, ``note:``
    or ``help:``. Python fences are left out.
    """
    checked = [
        (match.start(), match.end())
        for match in TEXT_BLOCK.finditer(markdown)
        if RUSTC_TITLE.fullmatch(match["title"])
    ]
    found = []
    for fence in re.finditer(
        r"^(?P<indent>[ \t]*)```(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=indent)```[ \t]*$",
        markdown,
        re.MULTILINE | re.DOTALL,
    ):
        if any(start <= fence.start() < end for start, end in checked):
            continue
        if PYTHON_FENCE.match(fence["info"]):  # `error: str` is an annotation
            continue
        found += [
            line.strip()
            for line in fence["body"].splitlines()
            if RUSTC_QUOTE.match(line)
        ]
    outside = re.sub(
        r"^(?P<indent>[ \t]*)```.*?^(?P=indent)```[ \t]*$",
        "",
        markdown,
        flags=re.MULTILINE | re.DOTALL,
    )
    found += [
        span for span in re.findall(r"`([^`\n]+)`", outside) if RUSTC_QUOTE.match(span)
    ]
    return found


def rust_fences() -> list[tuple[str, str]]:
    """(page, body) of every ```rust fence on the pages."""
    fences = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for match in RUST_FENCE.finditer(page.read_text(encoding="utf-8")):
            name = str(page.relative_to(ROOT / "docs"))
            fences.append((name, textwrap.dedent(match["body"])))
    return fences


def scenarios(output: str) -> dict[str, str]:
    """Split a cart_total program's output into its ``scenario: NAME`` tables."""
    found = {}
    for chunk in output.split("\n\n"):
        lines = chunk.strip("\n").splitlines()
        if lines and lines[0].startswith("scenario: "):
            found[lines[0].removeprefix("scenario: ")] = "\n".join(lines[1:])
    return found
