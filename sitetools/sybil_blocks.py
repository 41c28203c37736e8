"""A Sybil parser under which every Python block on a page runs.

Sybil's stock Markdown parser collects a fence only when its info string is
exactly ``python``: ``python title="x.py"``, ``py`` and ``pycon`` are skipped
without a word, and a block whose body is a ``--8<--`` include is executed as
the include line itself. This parser closes both gaps:

* any fence whose language is ``python``, ``python3``, ``py`` or ``pycon``
  is collected, whatever attributes follow the language;
* include lines are resolved first (see :mod:`sitetools.snippets`), so the
  package code the reader sees is the code that runs;
* in a script block, hidden lines (``#~``, see :mod:`sitetools.codeblocks`)
  run like any other; in a ``>>>`` block they are left out: run in page
  order, a block has what earlier blocks did, and its hidden set-up would
  do it twice (a coroutine made again leaves the first one never awaited).
  ``tests/pages/test_run_blocks.py`` runs every block alone, hidden lines
  and all;
* a block that starts with ``>>>`` is a doctest and its output is compared,
  anything else is executed as a script;
* a page with a code fence left open is an error (as in the build, see
  :mod:`sitetools.pagecheck`), not a page whose later examples silently
  become the output of an earlier one.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterable
from pathlib import Path

from sybil import Document, Example, Lexeme, Region
from sybil.evaluators.doctest import DocTestEvaluator
from sybil.evaluators.python import PythonEvaluator
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from sitetools.codeblocks import hidden_lines, runnable
from sitetools.pagecheck import fence_problems
from sitetools.snippets import ROOT, Include, expand

PYTHON_FENCE_INFO = re.compile(
    r"\{?[ \t]*\.?(?P<language>python3?|py|pycon)(?=[ \t}]|$)[^\n]*$\n", re.MULTILINE
)


def module_for(path: Path) -> str | None:
    """The importable module name of a file inside the repository, if any."""
    try:
        relative = path.relative_to(ROOT).with_suffix("")
    except ValueError:
        return None
    parts = relative.parts
    if parts and parts[0] == "chapter2":
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    return None


class IncludedCodeEvaluator:
    """Run included package code, then give the page the package's own objects.

    A section of ``chapter2/cart.py`` is not a whole module: it uses names the
    module imported above it. It runs in a copy of that module's namespace, so
    a section that no longer compiles or runs fails the page. The names it
    defines are then bound on the page to the module's objects (the same
    source, already imported), so that ``isinstance`` checks and table lookups
    in later examples see one class, not a second copy.
    """

    def __init__(self, includes: list[Include], local_code: str) -> None:
        self.includes = includes
        self.local_code = local_code

    def __call__(self, example: Example) -> None:
        __tracebackhide__ = True
        for include in self.includes:
            module_name = module_for(include.path)
            code = compile(include.text, str(include.path), "exec", dont_inherit=True)
            if module_name is None:
                exec(code, example.namespace)
                continue
            module = importlib.import_module(module_name)
            scope = dict(vars(module))
            before = dict(scope)
            exec(code, scope)
            for name, value in scope.items():
                if name != "__builtins__" and before.get(name) is not value:
                    example.namespace[name] = getattr(module, name, value)
        if self.local_code.strip():
            code = compile(self.local_code, example.path, "exec", dont_inherit=True)
            exec(code, example.namespace)
        example.namespace.pop("__builtins__", None)


def same_length(text: str) -> str:
    """``text`` as it runs, each hidden line padded to its old length.

    The marker goes and spaces make up for it at the end of the line, so
    that every position in the block, and so every line number Sybil
    reports, stays where it is on the page.
    """
    lines = []
    for shown, ran in zip(
        text.splitlines(keepends=True),
        runnable(text).splitlines(keepends=True),
        strict=True,
    ):
        body, ending = ran.rstrip("\r\n"), ran[len(ran.rstrip("\r\n")) :]
        lines.append(body.ljust(len(shown.rstrip("\r\n"))) + ending)
    return "".join(lines)


class PythonBlockParser:
    """Collect every Python fence on a Markdown page (see module docstring)."""

    def __init__(self, doctest_optionflags: int = 0) -> None:
        self.lexer = RawFencedCodeBlockLexer(info_pattern=PYTHON_FENCE_INFO)
        self.doctests = DocTestStringParser(DocTestEvaluator(doctest_optionflags))
        self.script = PythonEvaluator()

    def __call__(self, document: Document) -> Iterable[Region]:
        if problems := fence_problems(document.text.splitlines()):
            raise ValueError(f"{document.path}: {'; '.join(problems)}")
        for region in self.lexer(document):
            shown: Lexeme = region.lexemes["source"]
            source = Lexeme(same_length(shown), shown.offset, shown.line_offset)
            text, includes = expand(str(source))
            if text.lstrip().startswith(">>>"):
                if includes:
                    # Doctest output must be visible on the page, not pulled in.
                    raise ValueError(
                        f"{document.path}: a doctest block cannot include a snippet"
                    )
                hidden = {number for number, _ in hidden_lines(shown)}
                for doctest_region in self.doctests(str(source), document.path):
                    if doctest_region.parsed.lineno in hidden:
                        continue
                    doctest_region.adjust(region, source)
                    yield doctest_region
            elif includes:
                local = "\n".join(
                    line for line in str(source).splitlines() if "--8<--" not in line
                )
                region.parsed = source
                region.evaluator = IncludedCodeEvaluator(includes, local)
                yield region
            else:
                region.parsed = source
                region.evaluator = self.script
                yield region
