"""Resolve ``pymdownx.snippets`` include lines the way the site build does.

The tests use this to run the code a page includes and to check that the
rendered page shows it. Only the forms the site uses are supported; anything
else is an error, so an include can never be silently skipped.
"""

from __future__ import annotations

import functools
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# `--8<-- "path"`, `--8<-- "path:section"` or `--8<-- "path:start:end"`,
# possibly indented (inside a tab or admonition). `;--8<--` is an escape.
INCLUDE_LINE = re.compile(r'^(?P<indent>[ \t]*)--8<--[ \t]+"(?P<target>[^"]+)"[ \t]*$')
ANY_INCLUDE = re.compile(r"^[ \t]*--8<--")
SECTION_MARKER = re.compile(
    r"--8<--[ \t]*\[[ \t]*(?P<kind>start|end)[ \t]*:[ \t]*(?P<name>[^\]\s]+)[ \t]*\]"
)


class SnippetError(ValueError):
    """An include line names a file, section or line range that does not exist."""


@dataclass(frozen=True)
class Include:
    """One resolved include: where it points and the text the page receives."""

    path: Path
    section: str | None
    text: str


def parse_target(target: str) -> tuple[str, str | None, tuple[int, int] | None]:
    """Split ``path[:section]`` or ``path[:start:end]`` into its parts."""
    parts = target.split(":")
    if len(parts) == 1:
        return parts[0], None, None
    if len(parts) == 2:
        return parts[0], parts[1], None
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return parts[0], None, (int(parts[1]), int(parts[2]))
    raise SnippetError(f"unsupported snippet target {target!r}")


def section_text(source: str, name: str, where: str) -> str:
    """The lines between ``[start:name]`` and ``[end:name]``, markers removed."""
    lines = source.splitlines()
    start = end = None
    for number, line in enumerate(lines):
        marker = SECTION_MARKER.search(line)
        if marker and marker["name"] == name:
            if marker["kind"] == "start" and start is None:
                start = number
            elif marker["kind"] == "end" and start is not None:
                end = number
                break
    if start is None:
        raise SnippetError(f"{where}: no section [start:{name}]")
    if end is None:
        raise SnippetError(f"{where}: section {name!r} has no [end:{name}]")
    body = [line for line in lines[start + 1 : end] if not SECTION_MARKER.search(line)]
    return textwrap.dedent("\n".join(body)) + "\n"


def resolve_target(target: str, root: Path = ROOT) -> Include:
    """Read the text that ``--8<-- "target"`` puts on the page."""
    name, section, lines = parse_target(target)
    path = (root / name).resolve()
    if not path.is_file():
        raise SnippetError(f"snippet file not found: {name!r}")
    source = path.read_text(encoding="utf-8")
    if section is not None:
        text = section_text(source, section, name)
    elif lines is not None:
        first, last = lines
        text = "\n".join(source.splitlines()[first - 1 : last]) + "\n"
    else:
        text = source
    return Include(path, section, text)


def expand(text: str, root: Path = ROOT) -> tuple[str, list[Include]]:
    """Replace every include line in ``text``; return the result and the includes."""
    out: list[str] = []
    includes: list[Include] = []
    for line in text.splitlines(keepends=True):
        match = INCLUDE_LINE.match(line)
        if match:
            include = resolve_target(match["target"], root)
            includes.append(include)
            out.append(textwrap.indent(include.text, match["indent"]))
        elif ANY_INCLUDE.match(line):
            raise SnippetError(f"unsupported include line: {line.strip()!r}")
        else:
            out.append(line)
    return "".join(out), includes


def includes_in(markdown: str, root: Path = ROOT) -> list[Include]:
    """Every include a Markdown page makes, in order."""
    return expand(markdown, root)[1]


# --- which package sections a block shows ------------------------------------

PACKAGE = ROOT / "chapter2"


@dataclass(frozen=True)
class Listing:
    """A block that shows package code: one file, and the sections it shows.

    Several sections of one block follow each other in the file, with only
    blank lines between them on the page (``yield_now`` and ``crunch``).
    """

    file: str  # relative to the repository, as the block's title names it
    sections: tuple[str, ...]


def section_names(source: str) -> list[str]:
    """The sections a file marks, in the order they start."""
    names = []
    for line in source.splitlines():
        marker = SECTION_MARKER.search(line)
        if marker and marker["kind"] == "start" and marker["name"] not in names:
            names.append(marker["name"])
    return names


@functools.cache
def _package_sections(
    stamp: tuple[tuple[str, int], ...],
) -> dict[str, list[tuple[str, str]]]:
    """Each package file's sections as the page shows them, in file order."""
    found = {}
    for name, _ in stamp:
        source = (ROOT / name).read_text(encoding="utf-8")
        found[name] = [
            (section, section_text(source, section, name))
            for section in section_names(source)
        ]
    return found


def package_sections() -> dict[str, list[tuple[str, str]]]:
    stamp = tuple(
        (path.relative_to(ROOT).as_posix(), path.stat().st_mtime_ns)
        for path in sorted(PACKAGE.rglob("*.py"))
    )
    return _package_sections(stamp)


def _covering(text: str, sections: list[tuple[str, str]]) -> tuple[str, ...] | None:
    """Consecutive sections whose texts, in order, make up ``text``."""
    for first in range(len(sections)):
        rest, names = text, []
        for name, body in sections[first:]:
            if not rest.startswith(body.rstrip("\n") + "\n"):
                break
            names.append(name)
            rest = rest[len(body.rstrip("\n")) + 1 :].lstrip("\n")
            if not rest:
                return tuple(names)
    return None


def find_listing(text: str) -> Listing | None:
    """The package sections a block shows, if it shows nothing else.

    The build sees a block after ``pymdownx.snippets`` has put the section's
    text in place of the include line, so the sections are found by their
    text. Two sections with the same text would make that ambiguous: an
    error, rather than a guess.
    """
    text = text.strip("\n") + "\n"
    found = [
        Listing(file, names)
        for file, sections in package_sections().items()
        if (names := _covering(text, sections)) is not None
    ]
    if len(found) > 1:
        raise SnippetError(f"a block's code is in more than one place: {found}")
    return found[0] if found else None
