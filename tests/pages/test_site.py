"""The strict build, and what it produces.

One build per session (the ``built_site`` fixture) keeps this fast; the
broken-link checks build small scratch copies of the docs.
"""

from __future__ import annotations

import doctest
import re
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from sybil import Sybil
from sybil.parsers.markdown.lexers import RawFencedCodeBlockLexer

from sitetools import runtime
from sitetools.codeblocks import console_commands, is_session, shown
from sitetools.snippets import expand, includes_in
from tests.support.sitebuild import (
    BROKEN_LINKS,
    ELSEWHERE,
    MISSING_SNIPPET,
    ROOT,
    BuildResult,
    broken_project,
    build,
    code_lines,
    config,
    copy_project,
    html_path,
    loaded_from_outside,
    missed_elsewhere,
    nav_pages,
    outside_addresses,
    own_files,
    scripts,
)

DOCS = ROOT / "docs"


def test_strict_build_succeeds(built_site: BuildResult) -> None:
    assert "WARNING" not in built_site.log, built_site.log


def test_every_nav_page_is_built(built_site: BuildResult) -> None:
    pages = nav_pages(config()["nav"])
    assert pages, "mkdocs.yml has no nav"
    for page in pages:
        assert (DOCS / page).is_file(), f"nav names missing page {page}"
        assert html_path(built_site.site, page).is_file(), f"{page} was not built"


def test_nothing_is_loaded_from_outside_the_site(built_site: BuildResult) -> None:
    offenders = loaded_from_outside(built_site.site)
    assert not offenders, offenders


def test_the_sites_own_scripts_name_no_outside_address(built_site: BuildResult) -> None:
    """Not even one that is never requested: the Run button's copy of
    pyodide's loader had a CDN address as a fallback (sitetools.runtime
    takes it out). Material's own bundle is checked in test_zensical.py."""
    own = own_files()
    named = {
        str(script.relative_to(built_site.site)): outside_addresses(script)
        for script in scripts(built_site.site)
        if str(script.relative_to(built_site.site)) in own
    }
    if runtime.missing_reason() is None:
        assert "assets/run/python/pyodide.mjs" in named, sorted(named)
    assert not {name: found for name, found in named.items() if found}, named


def test_every_page_loads_its_files_wherever_the_site_is_deployed(
    built_site: BuildResult,
) -> None:
    """Served from a path other than site_url's (a fork, ``mkdocs serve`` at
    another base), every page still finds every file it loads."""
    missed = missed_elsewhere(built_site.site)
    assert not missed, f"served from {ELSEWHERE}, these loads miss: {missed}"


def test_no_web_fonts_are_configured() -> None:
    theme = config()["theme"]
    assert isinstance(theme, dict)
    assert theme.get("font") is False


@pytest.mark.parametrize("page", nav_pages(config()["nav"]))
def test_included_snippets_appear_verbatim(built_site: BuildResult, page: str) -> None:
    markdown = (DOCS / page).read_text(encoding="utf-8")
    shown = code_lines(html_path(built_site.site, page).read_text(encoding="utf-8"))
    for include in includes_in(markdown):
        for line in include.text.splitlines():
            if line.strip():
                assert line.strip() in shown, (
                    f"{page}: line from {include.path.name}"
                    f"{':' + include.section if include.section else ''}"
                    f" not shown: {line!r}"
                )


# At 1280 px a page's code column shows 80 characters of Material's code font
# (688 px at 8.18 px each, measured in Chromium); a longer line is cut off
# until the reader scrolls the block sideways.
CODE_COLUMN = 80
FENCE = re.compile(r"\{?[ \t]*\.?(?P<language>[\w-]+)[^\n]*$\n", re.MULTILINE)


def shown_code(markdown: Path) -> Iterator[tuple[str, str]]:
    """(language, line) for every line of code a page shows, output left out.

    Snippets are expanded as the build expands them. In a session block only
    the lines a reader types count: a doctest's examples, a shell's commands.
    """
    fences = RawFencedCodeBlockLexer(info_pattern=FENCE)
    for region in fences(Sybil([]).parse(markdown)):
        language = str(region.lexemes["language"])
        # Hidden lines (#~) are not shown.
        text = shown(expand(textwrap.dedent(str(region.lexemes["source"])))[0])
        if language == "text":  # output, shown as it was printed
            continue
        if language == "console":
            lines = [f"$ {command}" for command in console_commands(text)]
        elif is_session(text):
            lines = []
            for example in doctest.DocTestParser().get_examples(text):
                source = example.source.splitlines()
                indent = " " * example.indent
                lines += [f"{indent}>>> {source[0]}"]
                lines += [f"{indent}... {line}" for line in source[1:]]
        else:
            lines = text.splitlines()
        for line in lines:
            yield language, line


@pytest.mark.parametrize("page", nav_pages(config()["nav"]))
def test_code_a_page_shows_fits_its_code_column(page: str) -> None:
    """No line of code needs a sideways scroll at desktop width.

    Output is left out: a traceback or a long repr is what it is.
    """
    wide = [
        f"{language}, {len(line)} characters: {line.strip()}"
        for language, line in shown_code(DOCS / page)
        if len(line) > CODE_COLUMN
    ]
    assert not wide, f"{page}: lines wider than {CODE_COLUMN}:\n" + "\n".join(wide)


def test_readme_quotes_the_published_address() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    site_url = str(config()["site_url"])
    assert site_url in readme, f"README.md must link {site_url}"


# Each broken link, and a word the build's warning about it must contain, so
# the test cannot pass because the build failed for some other reason.
def test_scratch_project_builds_before_it_is_broken(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project", minimal=True)
    result = build(project, tmp_path / "site")
    assert result.returncode == 0, result.log


def test_strict_build_rejects_broken_links_and_a_missing_nav_page(
    tmp_path: Path,
) -> None:
    """Every breakage in one scratch build (not a build each), each warned about."""
    links = "\n".join(text for text, _ in BROKEN_LINKS.values())
    project = broken_project(tmp_path / "project", links)
    mkdocs_yml = project / "mkdocs.yml"
    text = mkdocs_yml.read_text(encoding="utf-8")
    mkdocs_yml.write_text(
        text.replace(
            "  - Why a model: index.md\n",
            "  - Why a model: index.md\n  - Gone: gone.md\n",
        ),
        encoding="utf-8",
    )
    assert "gone.md" in mkdocs_yml.read_text(encoding="utf-8")
    result = build(project, tmp_path / "site")
    assert result.returncode != 0, "strict build accepted broken links"
    warnings = [line for line in result.log.splitlines() if "WARNING" in line]
    expected = {name: word for name, (_, word) in BROKEN_LINKS.items()}
    expected["nav entry with no page"] = "gone.md"
    unwarned = [
        n for n, word in expected.items() if not any(word in w for w in warnings)
    ]
    assert not unwarned, f"strict build did not warn of: {unwarned}\n{result.log}"


def test_strict_build_rejects_a_missing_snippet(tmp_path: Path) -> None:
    project = broken_project(tmp_path / "project", MISSING_SNIPPET)
    result = build(project, tmp_path / "site")
    assert result.returncode != 0, "strict build accepted a missing snippet"
    assert "no_such_module.py" in result.log, result.log


def test_every_snippet_section_is_shown_somewhere() -> None:
    """A section marker no page includes is dead weight in code readers study."""
    pages = [p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md")]
    included = {
        (include.path, include.section)
        for page in pages
        for include in includes_in(page)
    }
    sources = [*ROOT.glob("chapter2/*.py"), *DOCS.glob("listings/*.rs")]
    unused = [
        f"{path.relative_to(ROOT)}:{name}"
        for path in sources
        for name in set(re.findall(r"--8<-- \[start:([\w-]+)\]", path.read_text()))
        if (path.resolve(), name) not in included
    ]
    assert not unused, f"sections no page includes: {unused}"
