"""Python and console blocks: hidden lines, what Copy copies, what Run runs.

A page sometimes needs lines in an example that it does not want to show,
usually the imports that make the example run on its own. As rustdoc hides
the lines of a Rust example that start with ``# ``, a page hides a line of a
Python example by starting it with ``#~``::

    ```pycon
    #~ >>> from chapter2.clock import VirtualClock
    >>> clock = VirtualClock()
    ```

The tilde keeps the convention unambiguous: a Python comment (``# ...``) is
still shown, and ``#~`` is never the start of a line a reader writes. The
line after the marker (``#~`` and one space) is part of the example wherever
it runs: in the tests (:mod:`sitetools.sybil_blocks`), on Run, and in what
Copy copies. Only the page leaves it out.

The build reaches this module through ``pymdownx.superfences`` custom fences
(see ``mkdocs.yml``), which both MkDocs and Zensical run. Each Python or
console block is wrapped in a ``<div class="chapter-code">`` carrying:

``data-copy``
    what Material's copy button copies (it looks for the nearest
    ``data-copy``), where that is not the code as shown: for a ``>>>``
    block, the code without prompts or output, with a blank line after each
    compound statement so that it pastes into Python's interactive prompt;
    for a console block, the commands without ``$``; for any block, its
    hidden lines too;
``data-run`` and ``data-run-hidden``
    when the site serves the in-page Python runtime (:mod:`sitetools.runtime`;
    this only checks, it never writes it):
    ``data-run="session"`` on a ``>>>`` block, ``"listing"`` on a block
    that shows sections of a package module, ``"script"`` on any other;
    ``data-run-hidden``, the hidden lines, as a JSON list of
    ``[line number, code]``, which ``assets/run/run.js`` puts back into the
    code the page shows to get what it runs (the whole text is not
    repeated: pages stay light);
``data-listing``, ``data-sections`` and ``data-reaches``
    on a listing: the module (``chapter2/oneshot.py``) and the sections it
    shows (``receiver``), as its include lines name them (this module's
    Markdown extension copies them into the fence's ``listing`` option
    before ``pymdownx.snippets`` replaces them by code:
    :func:`sitetools.snippets.mark_listings`), and what an edit of it
    reaches (:func:`reaches`). Run on a listing puts the block's code,
    edited or not, in place of those sections in the page's copy of the
    package, for the page's examples to use;
``data-norun``
    instead, on a block marked ``norun="why"``: it cannot run in a browser
    (a listing: its examples cannot).
"""

from __future__ import annotations

import ast
import doctest
import functools
import html
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from markdown import Markdown
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

from sitetools import runtime
from sitetools.snippets import LISTING_OPTION, SECTION_MARKER, mark_listings

HIDDEN = re.compile(r"^(?P<indent>[ \t]*)#~(?: (?P<code>.*)|$)")
PROMPT = re.compile(r"^\$ ")
NORUN = "norun"


class CopyError(ValueError):
    """A block whose copied code could not be pasted into Python's prompt."""


def _lines(text: str) -> Iterator[tuple[str, str | None]]:
    """Each line, with the code it stands for if it is a hidden line."""
    for line in text.splitlines(keepends=True):
        match = HIDDEN.match(line)
        if match is None:
            yield line, None
        else:
            ending = line[len(line.rstrip("\r\n")) :]
            yield line, match["indent"] + (match["code"] or "").rstrip() + ending


def runnable(text: str) -> str:
    """The block as it runs: hidden lines shown, their markers removed."""
    return "".join(line if code is None else code for line, code in _lines(text))


def shown(text: str) -> str:
    """The block as the page shows it: hidden lines left out."""
    return "".join(line for line, code in _lines(text) if code is None)


def hidden_lines(text: str) -> list[tuple[int, str]]:
    """Each hidden line of a block: its line number in the block as it runs,
    and the code it stands for."""
    return [
        (number, code.rstrip("\r\n"))
        for number, (_, code) in enumerate(_lines(text))
        if code is not None
    ]


def is_session(text: str) -> bool:
    """Whether a Python block is a ``>>>`` session (a doctest)."""
    return text.lstrip().startswith(">>>")


COMPOUND = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.Match,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
)


def _ends_compound(source: str) -> bool:
    """Whether the interactive prompt needs a blank line after ``source``."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    return bool(body) and isinstance(body[-1], COMPOUND)


def session_copy(session: str, where: str = "block") -> str:
    """The code of a ``>>>`` session, ready to paste into Python's prompt.

    Prompts and output are left out (doctest's own parse decides which lines
    are code). The interactive prompt ends a compound statement (``for``,
    ``def``, ``try`` ...) only at a blank line, so one follows each; a blank
    line inside one would end it too early, and is refused.
    """
    parts: list[str] = []
    for example in doctest.DocTestParser().get_examples(session):
        source = example.source
        if _ends_compound(source):
            inner = source.rstrip("\n").splitlines()
            if any(not line.strip() for line in inner):
                raise CopyError(
                    f"{where}: line {example.lineno + 1} holds a blank line inside"
                    " a compound statement, which ends it early when pasted into"
                    " Python's prompt; remove the blank '...' line"
                )
            source += "\n"
        parts.append(source)
    return "".join(parts).rstrip("\n") + "\n"


def console_commands(text: str) -> list[str]:
    """The lines a reader types in a console block, without ``$`` prompts.

    A command's line that ends in a backslash goes on on the next line, which
    is part of the command, not output.
    """
    commands: list[str] = []
    continued = False
    for line in text.splitlines():
        if continued or PROMPT.match(line):
            commands.append(line if continued else PROMPT.sub("", line))
            continued = line.endswith("\\")
    return commands


def console_copy(text: str) -> str:
    """The commands of a console block, without their ``$`` prompts or output."""
    commands = console_commands(text)
    return "\n".join(commands) + "\n" if commands else text


def copy_text(text: str, language: str) -> str:
    """What the copy button should copy from a block (hidden lines included)."""
    code = runnable(text)
    if language == "console":
        return console_copy(code)
    if is_session(code):
        return session_copy(code)
    return code


def _attribute(value: str) -> str:
    """An attribute value, escaped; brackets too, which Zensical's autorefs
    would otherwise read as a reference (``[text][id]``) in the page's HTML."""
    escaped = html.escape(value, quote=True)
    return escaped.replace("[", "&#91;").replace("]", "&#93;")


def _attributes(pairs: Iterable[tuple[str, str]]) -> str:
    return "".join(f' {name}="{_attribute(value)}"' for name, value in pairs)


def format_block(
    src: str,
    language: str,
    class_name: str,
    options: dict[str, Any],
    md: Any,
    **kwargs: Any,
) -> str:
    """Superfences formatter for Python and console blocks (see module docstring).

    Highlighting is superfences' own, applied to the lines the page shows.
    Superfences leaves a block whose formatter raises as raw Markdown,
    silently; here the error stops the build instead.
    """
    try:
        return _format_block(src, language, options, md, **kwargs)
    except Exception as error:
        from pymdownx.superfences import SuperFencesException

        raise SuperFencesException(f"{language} block: {error}") from error


def _format_block(
    src: str, language: str, options: dict[str, Any], md: Any, **kwargs: Any
) -> str:
    options = dict(options)
    norun = options.pop(NORUN, None)
    listing = options.pop(LISTING_OPTION, None)
    fences = md.preprocessors["fenced_code_block"]
    highlighted = fences.highlight(
        src=shown(src), language=language, options=options, md=md, **kwargs
    )
    attributes = []
    copied = copy_text(src, language)
    if copied.rstrip("\n") != shown(src).rstrip("\n"):  # else Material copies the code
        attributes.append(("data-copy", copied))
    if language != "console":
        attributes += _run_attributes(src, norun, listing)
    return f'<div class="chapter-code"{_attributes(attributes)}>{highlighted}</div>'


def _run_attributes(
    src: str, norun: str | None, listing: str | None
) -> list[tuple[str, str]]:
    """What run.js needs to run a Python block (see the module docstring)."""
    if norun is not None:
        return [("data-norun", norun)]
    if not runtime.served():
        return []
    code = runnable(src)
    if listing is not None:
        file, *sections = listing.split()
        return [
            ("data-run", "listing"),
            ("data-listing", file),
            ("data-sections", " ".join(sections)),
            ("data-reaches", " ".join(reaches(file, sections))),
        ]
    attributes = [("data-run", "session" if is_session(code) else "script")]
    if hidden := hidden_lines(src):
        attributes.append(("data-run-hidden", json.dumps(hidden)))
    return attributes


def _section_lines(source: str, sections: Iterable[str]) -> set[int]:
    """The line numbers (from 1) inside these sections of a module."""
    inside: set[int] = set()
    start = None
    wanted = set(sections)
    for number, line in enumerate(source.splitlines(), 1):
        marker = SECTION_MARKER.search(line)
        if marker and marker["name"] in wanted:
            if marker["kind"] == "start":
                start = number
            elif start is not None:
                inside |= set(range(start, number))
                start = None
    return inside


PACKAGE_NAME = "chapter2"
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


class _Module:
    """A package module as far as :func:`reaches` needs it: its top-level
    functions and classes, the names each of them uses (``alias.attr`` too),
    and what its imports from the package bind."""

    def __init__(self, source: str) -> None:
        tree = ast.parse(source)
        self.defs: dict[str, Definition] = {
            node.name: node for node in tree.body if isinstance(node, Definition)
        }
        self.uses = {name: _used(node) for name, node in self.defs.items()}
        # Module-level names bound to values that use others: a table of
        # versions (cart.VERSIONS) passes a change on in its own module. In
        # another, an example reading the table (measure.STRATEGIES, whose
        # names and descriptions waiting.md prints) would not show the edit.
        self.tables: dict[str, set[str]] = {}
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign) and node.value:
                if isinstance(node, ast.Assign):
                    targets = node.targets
                else:
                    targets = [node.target]
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.tables[target.id] = _used(node.value)
        # local name -> (module, name), or (module, "") for a module alias
        self.bound: dict[str, tuple[str, str]] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    local = alias.asname or alias.name
                    if node.module == PACKAGE_NAME:
                        self.bound[local] = (f"{PACKAGE_NAME}.{alias.name}", "")
                    elif node.module.startswith(PACKAGE_NAME + "."):
                        self.bound[local] = (node.module, alias.name)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith(PACKAGE_NAME + ".") and alias.asname:
                        self.bound[alias.asname] = (alias.name, "")


def _used(node: ast.AST) -> set[str]:
    """The names a definition uses: ``name`` and ``alias.attr``."""
    found: set[str] = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name):
            found.add(f"{child.value.id}.{child.attr}")
    return found


def _section_defs(source: str, module: _Module, sections: Iterable[str]) -> set[str]:
    """The top-level definitions a listing's sections hold or sit in."""
    lines = _section_lines(source, sections)
    return {
        name
        for name, node in module.defs.items()
        if lines & set(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    }


def _package_stamp() -> tuple[tuple[Path, int], ...]:
    """The package's modules, each with its mtime: a key that changes when
    one does (make serve rebuilds in one process)."""
    return tuple(
        (path, path.stat().st_mtime_ns)
        for path in sorted(runtime.PACKAGE.glob("*.py"))
        if path.stem not in ("__init__", "__main__")
    )


@functools.lru_cache(maxsize=2)
def _package_modules(stamp: tuple[tuple[Path, int], ...]) -> dict[str, _Module]:
    """Each package module parsed once per build, not once per listing."""
    return {
        f"{PACKAGE_NAME}.{path.stem}": _Module(path.read_text(encoding="utf-8"))
        for path, _ in stamp
    }


def reaches(file: str, sections: Iterable[str] = ()) -> list[str]:
    """What an edit of a listing reaches, as ``module.name``: the top-level
    definitions it holds or sits in, and every definition of the package
    that uses one of those, directly or through others, in its own module
    or through an import. An example that imports one of them (or reaches
    it as an attribute of its module) runs with the edit (run.js)."""
    modules = _package_modules(_package_stamp())
    own = file.removesuffix(".py").replace("/", ".")
    source = (runtime.ROOT / file).read_text(encoding="utf-8")
    found = {(own, name) for name in _section_defs(source, modules[own], sections)}
    grown = True
    while grown:
        grown = False
        for name, module in modules.items():
            tables = module.tables if name == own else {}
            for definition, names in {**module.uses, **tables}.items():
                if (name, definition) in found:
                    continue
                for used in names:
                    local, _, attr = used.partition(".")
                    target = module.bound.get(local)
                    if (
                        (name, used) in found
                        or (target and target[1] and target in found)
                        or (target and not target[1] and (target[0], attr) in found)
                    ):
                        found.add((name, definition))
                        grown = True
                        break
    return sorted(f"{module}.{name}" for module, name in found)


def validate(
    language: str,
    inputs: dict[str, str],
    options: dict[str, Any],
    attrs: dict[str, str],
    md: Any,
) -> bool:
    """Accept what an ordinary highlighted block accepts (title, ...), and ``norun``.

    ``norun="REASON"`` on a ``>>>`` block says it cannot run in the page, and
    why (Python in the browser cannot start threads, say): the page says so
    where the Run button would be, and the Node check of ``make test`` fails
    if the block runs there after all. On a listing it says that the
    examples that use its code cannot run in the page, so an edit of it
    could show nothing.
    """
    from pymdownx.superfences import highlight_validator

    inputs = dict(inputs)
    for option in (NORUN, LISTING_OPTION):
        value = inputs.pop(option, None)
        if value is not None:
            options[option] = value
    return bool(highlight_validator(language, inputs, options, attrs, md))


class ListingMarks(Preprocessor):
    """Gives each listing's fence its identity before its includes expand."""

    def run(self, lines: list[str]) -> list[str]:
        return mark_listings(lines)


class CodeBlocksExtension(Extension):
    """Registers :class:`ListingMarks` ahead of ``pymdownx.snippets`` (32)."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802
        md.preprocessors.register(ListingMarks(md), "chapter2_listing_marks", 33)


def makeExtension(**kwargs: Any) -> CodeBlocksExtension:  # noqa: N802
    return CodeBlocksExtension(**kwargs)
