"""The reader's edits of the package's listings, in the page's Python.

A listing on a page shows sections of a package module (pymdownx.snippets
markers, ``# --8<-- [start:name]``), and the page knows which
(``data-listing``, ``data-sections``). When the reader edits one and runs
it, the page sends the edit, and :func:`apply_listing` puts it in place and
imports again every module it reaches; from then on the page sends every
edit in force with each run, and :func:`use_edits` makes the package's files
hold exactly those (none: the package as it ships). ``runner.py`` imports
the package afresh for every run, so each run sees the edits of that moment,
and Stop loses nothing: a new worker gets them with its first run.

``run-core.mjs`` loads this module next to ``runner.py`` (as
``page_listings``, beside ``page_runner``). The tests use :class:`Package`
under CPython on a copy of the package; only in the browser's Python does
this module write to the installed package. Standard library only.
"""

from __future__ import annotations

import ast
import importlib
import json
import linecache
import py_compile
import re
import sys
import traceback
from importlib.util import find_spec
from pathlib import Path
from typing import NamedTuple

import page_runner
from page_runner import (
    PACKAGE,
    Capture,
    Record,
    captured_by,
    forget_package,
    format_traceback,
)

page_runner.INTERNAL_FILES.add(__file__)

SECTION_MARKER = re.compile(
    r"--8<--[ \t]*\[[ \t]*(?P<kind>start|end)[ \t]*:[ \t]*(?P<name>[^\]\s]+)[ \t]*\]"
)


class EditError(Exception):
    """An edit that cannot be used; the message says why, in the reader's terms."""


class Edit(NamedTuple):
    """A listing as the reader edited it: ``code`` in place of its sections.

    ``file`` is the module's path from the package's parent folder
    (``chapter2/oneshot.py``, as the listing's title shows it), ``sections``
    the sections the listing shows, in file order, and ``code`` the
    reader's text, indented as the page shows it.
    """

    file: str
    sections: tuple[str, ...]
    code: str

    @property
    def where(self) -> str:
        return f"{self.file} ({', '.join(self.sections)})"


def parse_edits(data: str) -> list[Edit]:
    """Edits as the page sends them: JSON, ``[{file, sections, code}, ...]``."""
    return [
        Edit(edit["file"], tuple(edit["sections"]), edit["code"])
        for edit in json.loads(data)
    ]


def _span(lines: list[str], edit: Edit) -> tuple[int, int, int]:
    """Where an edit goes: the lines after the first section's start marker
    and before the last one's end marker, and how far the page dedented them.
    """
    starts: dict[str, int] = {}
    ends: dict[str, int] = {}
    for number, line in enumerate(lines):
        marker = SECTION_MARKER.search(line)
        if marker:
            found = starts if marker["kind"] == "start" else ends
            found.setdefault(marker["name"], number)
    for name in edit.sections:
        if name not in starts or name not in ends:
            raise EditError(f"{edit.file} has no section {name!r} to replace")
    first, end = starts[edit.sections[0]] + 1, ends[edit.sections[-1]]
    if end < first:
        raise EditError(f"{edit.where}: the sections are not in file order")
    # The blank lines around the code stay: the listing as shown leaves the
    # file exactly as it was.
    while first < end and not lines[first].strip():
        first += 1
    while end > first and not lines[end - 1].strip():
        end -= 1
    body = [line for line in lines[first:end] if line.strip()]
    indent = min((len(line) - len(line.lstrip(" ")) for line in body), default=0)
    return first, end, indent


def edited_source(original: str, edits: list[Edit]) -> tuple[str, list[int]]:
    """``original`` with each edit in place of its sections, and the line
    (counted from 1) where each edit now starts."""
    lines = original.splitlines(keepends=True)
    spans = sorted((_span(lines, edit), index) for index, edit in enumerate(edits))
    out: list[str] = []
    starts = [0] * len(edits)
    done = 0
    for (first, end, indent), index in spans:
        if first < done:
            raise EditError(
                f"two listings replace the same lines of {edits[index].file}"
            )
        out += lines[done:first]
        starts[index] = len(out) + 1
        code = edits[index].code.lstrip("\n").rstrip() + "\n"
        out += [
            " " * indent + line if line.strip() else line
            for line in code.splitlines(keepends=True)
        ]
        done = end
    out += lines[done:]
    return "".join(out), starts


def syntax_error(
    error: SyntaxError, file: str, edits: list[Edit], starts: list[int]
) -> str:
    """A SyntaxError as the terminal shows it, its line counted in the listing
    the reader edited when it falls there."""
    line = error.lineno or 0
    name, number = file, line
    for edit, start in zip(edits, starts, strict=True):
        shown = edit.code.lstrip("\n").rstrip().splitlines()
        if start <= line < start + len(shown):
            name, number = f"your edit of {edit.where}", line - start + 1
    end = error.end_lineno and error.end_lineno - (line - number)
    moved = SyntaxError(
        error.msg, (name, number, error.offset, error.text, end, error.end_offset)
    )
    return "".join(traceback.format_exception_only(SyntaxError, moved))


def _imports(source: str) -> set[str]:
    """The package modules a module imports (``from chapter2 import x`` too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            if node.module == PACKAGE:
                found.update(f"{PACKAGE}.{alias.name}" for alias in node.names)
    return found


class Package:
    """The package's files in this Python, and the reader's edits to them.

    ``root`` is the folder that holds the package (site-packages). The
    package's own text of each file is kept from before its first edit, so
    that every state is the original plus the edits in force, and going
    back is the same step as going forward.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.originals: dict[Path, str] = {}
        self._imports: dict[Path, tuple[str, set[str]]] = {}

    def path(self, file: str) -> Path:
        path = (self.root / file).resolve()
        folder = (self.root / PACKAGE).resolve()
        if path.parent != folder or path.suffix != ".py" or not path.is_file():
            raise EditError(f"{file} is not a module of the {PACKAGE} package")
        return path

    def module(self, file: str) -> str:
        stem = self.path(file).stem
        return PACKAGE if stem == "__init__" else f"{PACKAGE}.{stem}"

    def apply(self, edits: list[Edit]) -> None:
        """Make the files hold these edits and no other: all, or none if one
        does not compile (:class:`EditError`, saying where)."""
        wanted: dict[Path, list[Edit]] = {path: [] for path in self.originals}
        for edit in edits:
            wanted.setdefault(self.path(edit.file), []).append(edit)
        changed = {}
        for path, mine in wanted.items():
            now = path.read_text("utf-8")
            original = self.originals.setdefault(path, now)
            source, starts = edited_source(original, mine)
            if source == now:
                continue
            try:
                # Not under its own name: Python would quote the line on disk.
                compile(source, "<edited>", "exec", dont_inherit=True)
            except SyntaxError as error:
                file = path.relative_to(self.root).as_posix()
                raise EditError(syntax_error(error, file, mine, starts)) from None
            changed[path] = source
        for path, mine in wanted.items():
            _, starts = edited_source(self.originals[path], mine)
            page_runner.EDITED_LINES[str(path)] = [
                (
                    start,
                    len(edit.code.lstrip("\n").rstrip().splitlines()),
                    f"your edit of {edit.where}",
                )
                for edit, start in zip(mine, starts, strict=True)
            ]
        for path, source in changed.items():
            path.write_text(source, "utf-8")
            # Compiled now, as prepare() compiled the rest, or each run would
            # compile it again (this Python writes no bytecode as it imports).
            # Every write, even back to the original: bytecode of an earlier
            # text of the same size, written the same second, would pass.
            py_compile.compile(str(path), doraise=True)
            linecache.cache.pop(str(path), None)

    def dependents(self, module: str) -> list[str]:
        """``module`` and every package module that imports it, directly or
        not (the command-line entry point ``__main__`` left out)."""
        graph = {}
        for path in sorted((self.root / PACKAGE).glob("*.py")):
            if path.stem == "__main__":
                continue
            source = path.read_text("utf-8")
            if self._imports.get(path, ("",))[0] != source:
                self._imports[path] = (source, _imports(source))
            name = PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"
            graph[name] = self._imports[path][1]
        found = {module}
        while grown := {name for name, uses in graph.items() if uses & found} - found:
            found |= grown
        return sorted(found)


_package: list[Package] = []


def package() -> Package:
    """The installed package; only in the browser's Python (emscripten),
    which has a copy of its own, never a developer's checkout."""
    if not _package:
        spec = find_spec(PACKAGE)
        if sys.platform != "emscripten" or spec is None or spec.origin is None:
            raise EditError("edits are applied only in the browser's Python")
        _package.append(Package(Path(spec.origin).parents[1]))
    return _package[0]


def use_edits(edits: str) -> None:
    """Put the page's edits in place before a run (none: the package's own)."""
    wanted = parse_edits(edits)
    if wanted or _package:
        package().apply(wanted)


def apply_listing(edits: str, file: str) -> Record:
    """Put the page's edits in place, one of them just made to ``file``, and
    import again every module that the change reaches.

    Returns ``{ok, modules, got}``: the modules imported again, in the order
    Python imported them (each after those it imports), or what went wrong,
    as a terminal would show it.
    """
    try:
        use_edits(edits)
        affected = package().dependents(package().module(file))
    except EditError as error:
        return {"ok": False, "modules": [], "got": f"{error}".rstrip() + "\n"}
    forget_package()
    captured = Capture()
    try:
        with captured_by(captured):
            for name in affected:
                importlib.import_module(name)
    except BaseException as error:  # sys.exit() on import too
        got = captured.text() + format_traceback(error)
        return {"ok": False, "modules": [], "got": got}
    else:
        order = [name for name in sys.modules if name in affected]
        return {"ok": True, "modules": order, "got": captured.text()}
    finally:
        forget_package()
        page_runner.restore()
