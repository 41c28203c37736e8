"""Compile and run the Rust listings under docs/listings/, with a cache.

Binaries are cached in ``.cache/rust/`` (ignored by git), keyed by a hash of
every listing's source, the compiler flags and ``rustc -vV``, so a repeated
``make test`` compiles nothing unless a listing or the compiler changed.
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

import pytest

ROOT = Path(__file__).resolve().parents[1]
LISTINGS = ROOT / "docs" / "listings"
CACHE = ROOT / ".cache" / "rust"
FLAGS = ("--edition", "2021", "-D", "warnings")

# ```text title="output of NAME.rs"``` blocks on the pages, at any indent.
TEXT_BLOCK = re.compile(
    r'^(?P<indent>[ \t]*)```text title="(?P<title>[^"]*)"[^\n]*\n'
    r"(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
OUTPUT_TITLE = re.compile(r"output of (?P<listing>[\w-]+\.rs)")
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


def rustc_version() -> str:
    """``rustc --version``, e.g. ``rustc 1.95.0 (59807616e 2026-04-14)``."""
    return rustc_says("--version")


def programs() -> list[Path]:
    """Listings with a ``main``: the ones that build into a program."""
    return sorted(p for p in LISTINGS.glob("*.rs") if "fn main()" in p.read_text())


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
) -> Compiled:
    """Compile a listing (a path) or a scratch program (text), at most once.

    ``toolchain`` (e.g. ``"nightly"``) picks a rustup toolchain other than
    the default. The result, success or failure, is cached under
    ``.cache/rust/`` by a hash of everything that could change it.
    """
    command = rustc()
    assert command is not None
    compiler = [command] if toolchain is None else [command, f"+{toolchain}"]
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    key = source_key(
        name,
        text,
        " ".join(flags),
        json.dumps(env or {}, sort_keys=True),
        toolchain_version(toolchain) if toolchain else "",
    )
    binary = CACHE / f"{name}-{key}"
    record = binary.with_suffix(".json")
    if record.exists():
        saved = json.loads(record.read_text(encoding="utf-8"))
        return Compiled(saved["returncode"], saved["stdout"], saved["stderr"], binary)
    CACHE.mkdir(parents=True, exist_ok=True)
    if isinstance(source, Path):
        path = source
    else:
        path = CACHE / f"{name}-{key}.rs"
        path.write_text(text, encoding="utf-8")
    partial = binary.with_suffix(f".partial-{os.getpid()}")
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
    record.write_text(json.dumps(result), encoding="utf-8")
    return Compiled(completed.returncode, completed.stdout, completed.stderr, binary)


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


def output_blocks() -> list[OutputBlock]:
    """Every block on a page that claims to show a listing's output."""
    blocks = []
    for page in sorted((ROOT / "docs").rglob("*.md")):
        name = str(page.relative_to(ROOT / "docs"))
        for title, body in text_blocks(page):
            claim = OUTPUT_TITLE.fullmatch(title)
            if claim:
                blocks.append(OutputBlock(name, claim["listing"], body))
    return blocks


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
