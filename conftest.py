"""Collect every example in the docs, the README and the package docstrings.

Markdown pages use :class:`sitetools.sybil_blocks.PythonBlockParser`, so that
titled blocks, ``pycon`` blocks and snippet includes all run. Docstrings use
Sybil's doctest parser. pytest's own doctest plugin is disabled in
pyproject.toml so nothing is collected twice.
"""

from doctest import ELLIPSIS

from sybil import Sybil
from sybil.parsers.rest import DocTestParser

from sitetools.sybil_blocks import PythonBlockParser

markdown_examples = Sybil(
    parsers=[PythonBlockParser(doctest_optionflags=ELLIPSIS)],
    patterns=["*.md"],
    excludes=["site/*"],
)
docstring_examples = Sybil(
    parsers=[DocTestParser(optionflags=ELLIPSIS)],
    patterns=["chapter2/*.py", "chapter2/**/*.py"],
)

pytest_collect_file = (markdown_examples + docstring_examples).pytest()
