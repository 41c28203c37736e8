"""MkDocs hook: put generated figures on the pages that ask for them.

Listed under ``hooks:`` in mkdocs.yml. A line ``<!-- figure: NAME -->`` is
replaced with the figure :mod:`sitetools.figures` builds from the model; an
unknown name fails the build.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

# MkDocs loads this file by path; make the repository importable for it.
ROOT = str(Path(__file__).resolve().parents[1])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from sitetools.figures import as_html, render  # noqa: E402

FIGURE_LINE = re.compile(r"^<!-- figure: (?P<name>[\w-]+) -->[ \t]*$", re.MULTILINE)
INDENTED_FIGURE_LINE = re.compile(r"^[ \t]+<!-- figure: [\w-]+ -->", re.MULTILINE)


class MisplacedFigure(ValueError):
    """A figure marker is indented (inside a tab or admonition)."""


def on_page_markdown(markdown: str, page: Any, **_: Any) -> str:
    misplaced = INDENTED_FIGURE_LINE.search(markdown)
    if misplaced:
        # Indented raw HTML is not a raw HTML block: the figure would vanish.
        raise MisplacedFigure(
            f"{page.file.src_uri}: {misplaced.group().strip()} is indented; "
            "figures must stand at the left margin, outside tabs and admonitions"
        )
    return FIGURE_LINE.sub(lambda match: as_html(render(match["name"])), markdown)
