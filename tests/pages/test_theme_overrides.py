"""The two partials in overrides/ differ from the theme's by one edit each.

Both builders read overrides/: MkDocs with Material's templates, Zensical with
its own (MiniJinja, no Python calls). A partial whose markup differs between
the two themes holds one branch for each, chosen by Zensical's ``generator``
variable, which MkDocs does not set.

An override is a copy, so it silently keeps the old markup when a theme is
upgraded. These tests compare each copy with the installed theme's own
partial: if the theme changes the partial, they fail and say to copy it anew
and re-apply the edit.
"""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest

from tests.support.sitebuild import ROOT, BuildResult, zensical_installed

THEMES = {"material": Path(material.__file__).parent / "templates"}
if zensical_installed():
    import zensical

    THEMES["zensical"] = Path(zensical.__file__).parent / "templates"
OVERRIDES = ROOT / "overrides"

# partial -> builder -> (the theme's text, what the override has instead, why);
# None: the theme's partial, unchanged.
Edit = tuple[str, str, str]
NO_SOURCE_FACTS: Edit = (
    ' data-md-component="source"',
    "",
    "no GitHub API request for stars and forks",
)
EDITS: dict[str, dict[str, Edit | None]] = {
    "partials/source.html": {"material": NO_SOURCE_FACTS, "zensical": NO_SOURCE_FACTS},
    "partials/search.html": {
        "material": (
            'role="dialog">',
            'role="dialog" aria-label="{{ lang.t(\'search\') }}">',
            "the search dialog needs an accessible name",
        ),
        # A different search component, whose dialog has a name already.
        "zensical": None,
    },
}
HEADER_COMMENT = re.compile(r"\A\{#-.*?-#\}\n", re.DOTALL)
BRANCHES = re.compile(
    r'\{% if generator is defined and "zensical" in generator %\}\n'
    r"(?P<zensical>.*)\{% else %\}\n(?P<material>.*)\{% endif %\}\n",
    re.DOTALL,
)


def body(path: Path) -> str:
    return HEADER_COMMENT.sub("", path.read_text(encoding="utf-8"), count=1)


def override_for(partial: str, builder: str) -> str:
    """What the override gives ``builder``: its branch, or all of it."""
    text = body(OVERRIDES / partial)
    branches = BRANCHES.fullmatch(text)
    return branches[builder] if branches else text


def test_every_override_is_accounted_for() -> None:
    present = {str(p.relative_to(OVERRIDES)) for p in OVERRIDES.rglob("*.html")}
    # main.html copies nothing: it extends Material's base.html (the CSP).
    assert present == {*EDITS, "main.html"}


@pytest.mark.parametrize(
    ("partial", "builder"),
    [(partial, builder) for partial in sorted(EDITS) for builder in EDITS[partial]],
)
def test_override_is_the_themes_partial_with_one_edit(
    partial: str, builder: str
) -> None:
    if builder not in THEMES:
        pytest.skip("Zensical is not installed (make test does it)")
    theirs = body(THEMES[builder] / partial)
    edit = EDITS[partial][builder]
    if edit is None:
        assert override_for(partial, builder) == theirs, (
            f"overrides/{partial} must give {builder} its own partial unchanged"
        )
        return
    original, replacement, why = edit
    assert theirs.count(original) == 1, (
        f"{builder}'s {partial} changed: copy it to overrides/ again and redo"
        f" the edit ({why})"
    )
    assert override_for(partial, builder) == theirs.replace(original, replacement), (
        f"overrides/{partial} must be {builder}'s partial with one edit: {why}"
    )


# A piece of markup only each builder's own search box has.
SEARCH_BOX = {"built_site": "md-search__input", "zensical_site": "md-search__button"}


@pytest.mark.parametrize("build", sorted(SEARCH_BOX))
def test_built_pages_carry_the_edits(
    request: pytest.FixtureRequest, build: str
) -> None:
    site: BuildResult = request.getfixturevalue(build)
    for page in site.site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        name = page.relative_to(site.site)
        if 'class="md-header' not in html:
            continue
        assert 'data-md-component="source"' not in html, name
        assert re.search(r'class="md-search"[^>]*aria-label="Search"', html), name
        assert SEARCH_BOX[build] in html, f"{name}: not the theme's own search box"
