"""Resolve ``pymdownx.snippets`` include lines the way the site build does.

The tests use this to run the code a page includes and to check that the
rendered page shows it. Only the forms the site uses are supported; anything
else is an error, so an include can never be silently skipped.
"""

from __future__ import annotations

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

# A fence's opening line: its indent, its backticks or tildes, its language.
FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
LISTING_LANGUAGES = ("python", "python3", "py")
LISTING_OPTION = "listing"


def shown_sections(body: list[str]) -> str | None:
    """The listing a fence's body shows, read from its include lines.

    A body of nothing but includes of sections of one package module (blank
    lines between them allowed) is a listing: ``"chapter2/waiting.py
    yield_now crunch"`` (the file, then its sections in the page's order).
    Anything else (code of its own, a whole file, a line range) is not.
    """
    file, sections = None, []
    for line in body:
        if not line.strip():
            continue
        match = INCLUDE_LINE.match(line)
        if match is None:
            return None
        name, section, lines = parse_target(match["target"])
        if section is None or lines is not None or file not in (None, name):
            return None
        if not name.startswith("chapter2/") or not name.endswith(".py"):
            return None
        file = name
        sections.append(section)
    return f"{file} {' '.join(sections)}" if file else None


def mark_listings(lines: list[str]) -> list[str]:
    """The page with each listing's fence carrying its identity, taken from
    its include lines before ``pymdownx.snippets`` replaces them by code:
    ```` ```python listing="chapter2/oneshot.py receiver" ````. The fence
    formatter (:mod:`sitetools.codeblocks`) reads it after the expansion.
    """
    out = list(lines)
    number = 0
    while number < len(out):
        opening = FENCE.match(out[number])
        if opening is None:
            number += 1
            continue
        close = re.compile(
            rf"^{re.escape(opening['indent'])}{re.escape(opening['fence'])}[ \t]*$"
        )
        end = next(
            (n for n in range(number + 1, len(out)) if close.match(out[n])), None
        )
        if end is None:
            return out
        info = opening["info"]
        language = info.split(maxsplit=1)[0].lstrip("{.") if info.strip() else ""
        listing = shown_sections(out[number + 1 : end])
        if language in LISTING_LANGUAGES and listing and LISTING_OPTION not in info:
            out[number] = f'{out[number].rstrip()} {LISTING_OPTION}="{listing}"'
        number = end + 1
    return out
