"""The two Material partials in overrides/ differ from Material's by one edit each.

An override is a copy, so it silently keeps the old markup when Material is
upgraded. These tests compare each copy with the installed Material's own
partial: if Material changes the partial, they fail and say to copy it anew
and re-apply the edit.
"""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from tests.sitebuild import ROOT, BuildResult

MATERIAL = Path(material.__file__).parent / "templates"
OVERRIDES = ROOT / "overrides"

# partial -> (Material's text, what the override has instead, why)
EDITS = {
    "partials/source.html": (
        ' data-md-component="source"',
        "",
        "no GitHub API request for stars and forks",
    ),
    "partials/search.html": (
        'role="dialog">',
        'role="dialog" aria-label="{{ lang.t(\'search\') }}">',
        "the search dialog needs an accessible name",
    ),
}
HEADER_COMMENT = re.compile(r"\A\{#-.*?-#\}\n", re.DOTALL)


def body(path: Path) -> str:
    return HEADER_COMMENT.sub("", path.read_text(encoding="utf-8"), count=1)


def test_every_override_is_accounted_for() -> None:
    present = {str(p.relative_to(OVERRIDES)) for p in OVERRIDES.rglob("*.html")}
    assert present == set(EDITS)


@pytest.mark.parametrize("partial", sorted(EDITS))
def test_override_is_materials_partial_with_one_edit(partial: str) -> None:
    original, replacement, why = EDITS[partial]
    theirs = body(MATERIAL / partial)
    assert theirs.count(original) == 1, (
        f"Material's {partial} changed: copy it to overrides/ again and redo"
        f" the edit ({why})"
    )
    assert body(OVERRIDES / partial) == theirs.replace(original, replacement), (
        f"overrides/{partial} must be Material's partial with one edit: {why}"
    )


def test_built_pages_carry_the_edits(built_site: BuildResult) -> None:
    for page in built_site.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(built_site.site)
        if 'class="md-header' not in html:
            continue
        assert 'data-md-component="source"' not in html, name
        assert re.search(r'class="md-search"[^>]*aria-label="Search"', html), name
