"""Run on a script block: a package listing the reader can edit and use.

Every script block on the chapter pages shows package code (a ``--8<--``
include of sections of a ``chapter2`` module). The build says which module
and sections on the block; Run puts the block's code, edited or not, in
place of those sections in the worker's copy of the package and imports
again what it reaches; every later run on the page uses it, until Reset.
Checked here: the build's marks against the pages' own include lines; in
pyodide under Node (the shared runtime of ``tests/support/pyodide_check.py``),
every listing as shown, and the edit the issue names (a receiver that
forgets the waker stalls ``cart_total``; Reset brings ``Ready(70)`` back);
under CPython, how an edit goes back into its module (on a copy of it).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import markdown
import pytest

from sitetools import codeblocks
from sitetools.snippets import ROOT, SECTION_MARKER, resolve_target
from tests.support.pyodide_check import (
    RAISE_LINE,
    RECEIVER,
    TRACE_EXAMPLE,
    WAKER_LINE,
    PyodideCheck,
)
from tests.support.sessions import (
    CHAPTER_PAGES,
    all_listings,
    built_blocks,
    listings,
    load_listings,
    load_runner,
)
from tests.support.sitebuild import BuildResult, html_path, needs_runtime

RUNNER = load_runner()
LISTINGS_PY = load_listings()
LISTINGS = all_listings()


def test_every_script_block_on_the_chapter_pages_shows_package_code() -> None:
    assert len(LISTINGS) >= 20
    plain = [listing.where for listing in LISTINGS if listing.file is None]
    assert not plain, f"script blocks that show no package code: {plain}"


@needs_runtime
@pytest.mark.parametrize("page", CHAPTER_PAGES)
def test_every_script_block_has_run_or_says_why_not(
    built_site: BuildResult, page: str
) -> None:
    """Run names the module and sections the page includes, or norun says why."""
    built = html_path(built_site.site, page).read_text(encoding="utf-8")
    scripts = [
        block
        for block in built_blocks(built)
        if block.language in ("python", "py", "python3")
        and not codeblocks.is_session(block.shown)
    ]
    on_page = listings(page)
    assert len(scripts) == len(on_page), f"{page}: {len(scripts)} script blocks built"
    for block, listing in zip(scripts, on_page, strict=True):
        marks = block.attributes
        if listing.norun is not None:
            assert listing.norun.strip(), f"{listing.where}: norun needs a reason"
            assert marks.get("data-norun") == listing.norun, listing.where
            assert "data-run" not in marks, listing.where
        elif listing.file is None:
            assert marks.get("data-run") == "script", listing.where
        else:
            assert marks.get("data-run") == "listing", listing.where
            assert marks.get("data-listing") == listing.file, listing.where
            sections = " ".join(s or "" for s in listing.sections)
            assert marks.get("data-sections") == sections, listing.where


def records(check: PyodideCheck, name: str) -> list[dict[str, Any]]:
    result = check.answer().jobs[name]
    assert isinstance(result, list), f"{name}: {result}"
    return result


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.where)
def test_each_listing_as_shown_runs_in_pyodide(
    listing: Any, pyodide_check: PyodideCheck
) -> None:
    """Its text goes back into its module, which imports with it."""
    [record] = records(pyodide_check, listing.where)
    assert record["ok"], f"{listing.where}:\n{record['got']}"
    if listing.file is not None:
        module = listing.file.removesuffix(".py").replace("/", ".")
        assert module in record["modules"], record
        assert record["got"] == "", record


def test_a_receiver_that_forgets_the_waker_stalls_cart_total_until_reset(
    pyodide_check: PyodideCheck,
) -> None:
    """The issue's edit: the page's cart_total trace raises Stalled, then not."""
    assert WAKER_LINE in resolve_target(f"{RECEIVER[0]}:receiver").text
    [applied] = records(pyodide_check, "forgetful")
    assert applied["ok"], applied["got"]
    # Imported again in dependency order: the receiver's module, then cart.
    modules = applied["modules"]
    assert modules.index("chapter2.oneshot") < modules.index("chapter2.cart"), modules

    def trace(name: str) -> dict[str, Any]:
        [record] = [
            r for r in records(pyodide_check, name) if TRACE_EXAMPLE in r["source"]
        ]
        return record

    stalled = trace("stalled")
    assert not stalled["ok"], stalled["got"]
    assert "chapter2.executor.Stalled" in stalled["got"], stalled["got"]
    assert "no one holds its waker" in stalled["got"], stalled["got"]
    # An edit of another module, of the same size as the original.
    assert records(pyodide_check, "minus")[0]["ok"]
    assert "Ready(-46)" in trace("minus trace")["got"]
    # No edit in force: both modules are the package's own again.
    reset = records(pyodide_check, "reset")
    assert all(record["ok"] for record in reset), reset
    assert "Ready(70)" in trace("reset")["got"]


def test_an_edit_that_does_not_parse_is_refused_at_its_line(
    pyodide_check: PyodideCheck,
) -> None:
    receiver = resolve_target(f"{RECEIVER[0]}:receiver").text
    line = (
        receiver.splitlines().index("    def poll(self, cx: Context) -> Poll[T]:") + 1
    )
    [refused] = records(pyodide_check, "broken")
    assert not refused["ok"] and refused["modules"] == [], refused
    assert (
        f'File "your edit of chapter2/oneshot.py (receiver)", line {line}'
        in refused["got"]
    ), refused["got"]
    assert "SyntaxError" in refused["got"], refused["got"]


def test_an_edit_that_raises_is_traced_in_the_readers_lines(
    pyodide_check: PyodideCheck,
) -> None:
    """The traceback names the edit and the line in it, as the editor shows
    it (it named the installed file's line, tried); none of the Run
    button's own frames; sys.exit() on import is reported, not raised
    through the worker (it escaped as an internal traceback, tried)."""
    receiver = resolve_target(f"{RECEIVER[0]}:receiver").text
    line = receiver.splitlines().index(WAKER_LINE.rstrip("\n")) + 2
    [applied] = records(pyodide_check, "raising")
    assert applied["ok"], applied
    ran = records(pyodide_check, "raising trace")
    [trace] = [r for r in ran if TRACE_EXAMPLE in r["source"]]
    where = f'File "your edit of chapter2/oneshot.py (receiver)", line {line}, in poll'
    assert where in trace["got"], trace["got"]
    assert RAISE_LINE.strip() in trace["got"], trace["got"]
    assert "\nValueError: the reader's own error\n" in trace["got"], trace["got"]
    [exits] = records(pyodide_check, "exits")
    assert not exits["ok"] and exits["got"].endswith("SystemExit: 3\n"), exits
    code = pyodide_check.jobs["exits"].source.lstrip("\n").splitlines()
    line = code.index("sys.exit(3)") + 1
    where = f'File "your edit of chapter2/recap.py (brew)", line {line}, in <module>'
    assert where in exits["got"], exits["got"]
    assert "page_" not in exits["got"] and "importlib" not in exits["got"], exits


# --- under CPython: an edit in a copy of the package ------------------------


@pytest.fixture
def package(tmp_path: Path) -> Any:
    shutil.copytree(ROOT / "chapter2", tmp_path / "chapter2")
    return LISTINGS_PY.Package(tmp_path)


def section(target: str) -> str:
    return resolve_target(target).text


@pytest.mark.parametrize("listing", LISTINGS, ids=lambda listing: listing.where)
def test_a_listing_run_as_shown_leaves_its_module_as_it_was(
    package: Any, listing: Any
) -> None:
    """Byte for byte; a listing of two sections loses the markers between
    them (and blank lines may change there)."""
    module = package.root / listing.file
    original = module.read_text(encoding="utf-8")
    package.apply([LISTINGS_PY.Edit(listing.file, listing.sections, listing.source)])
    now = module.read_text(encoding="utf-8")
    if len(listing.sections) == 1:
        assert now == original
    else:
        inner = {f"# --8<-- [end:{listing.sections[0]}]"}
        inner |= {f"# --8<-- [start:{listing.sections[1]}]"}
        lines = [line for line in original.splitlines() if line.strip()]
        assert [line for line in now.splitlines() if line.strip()] == [
            line for line in lines if line not in inner
        ]


def test_an_edit_goes_back_indented_and_reset_restores_the_module(
    package: Any,
) -> None:
    """``send`` sits in a class: the page dedents it, the edit is indented back."""
    module = package.root / "chapter2" / "oneshot.py"
    original = module.read_text(encoding="utf-8")
    code = section("chapter2/oneshot.py:send").replace("value, True", "value, False")
    package.apply([LISTINGS_PY.Edit("chapter2/oneshot.py", ("send",), code)])
    edited = module.read_text(encoding="utf-8")
    assert "        slot.value, slot.has_value = value, False\n" in edited
    assert "# --8<-- [start:send]" in edited and "# --8<-- [end:send]" in edited
    package.apply([])
    assert module.read_text(encoding="utf-8") == original


def test_a_listing_of_two_sections_replaces_both(package: Any) -> None:
    shown = (
        section("chapter2/waiting.py:yield_now")
        + "\n"
        + section("chapter2/waiting.py:crunch")
    )
    code = shown.replace("slices: int = 4", "slices: int = 5")
    package.apply(
        [LISTINGS_PY.Edit("chapter2/waiting.py", ("yield_now", "crunch"), code)]
    )
    edited = (package.root / "chapter2" / "waiting.py").read_text(encoding="utf-8")
    assert "slices: int = 5" in edited and "slices: int = 4" not in edited
    assert edited.count("class YieldNow(") == 1


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("chapter2/oneshot.py", ("nowhere",), "x = 1\n"), "has no section 'nowhere'"),
        (("conftest.py", ("x",), "x = 1\n"), "is not a module of the chapter2"),
        (("chapter2/../conftest.py", ("x",), ""), "is not a module of the chapter2"),
        (("chapter2/cart.py", ("poll",), "def f(:\n"), "line 1"),
    ],
)
def test_a_bad_edit_is_refused_and_changes_nothing(
    package: Any, edit: tuple[str, tuple[str, ...], str], message: str
) -> None:
    before = {p: p.read_bytes() for p in (package.root / "chapter2").glob("*.py")}
    with pytest.raises(LISTINGS_PY.EditError, match=message):
        package.apply([LISTINGS_PY.Edit(*edit)])
    after = {p: p.read_bytes() for p in (package.root / "chapter2").glob("*.py")}
    assert after == before


def test_a_change_reaches_the_modules_that_import_it(package: Any) -> None:
    assert package.dependents("chapter2.oneshot") == [
        "chapter2.cart",
        "chapter2.errors",
        "chapter2.layout",
        "chapter2.oneshot",
    ]
    assert "__main__" not in " ".join(package.dependents("chapter2.task"))


def test_a_script_block_runs_as_a_file_runs() -> None:
    [printed] = RUNNER.run_script("for n in range(2):\n    print(n)\n")
    assert printed["ok"] and printed["got"] == "0\n1\n", printed
    [raised] = RUNNER.run_script("x = 1\n{}['x']\n")
    assert not raised["ok"] and raised["got"].endswith("KeyError: 'x'\n"), raised


def render(text: str) -> str:
    """A page through the site's own fences (as mkdocs.yml sets them up)."""
    fence = {
        "name": "python",
        "class": "highlight",
        "validator": codeblocks.validate,
        "format": codeblocks.format_block,
    }
    return markdown.markdown(
        text,
        extensions=[
            "sitetools.codeblocks",
            "pymdownx.snippets",
            "pymdownx.highlight",
            "pymdownx.superfences",
            "pymdownx.tabbed",
        ],
        extension_configs={
            "pymdownx.snippets": {"base_path": [str(ROOT)], "dedent_subsections": True},
            "pymdownx.superfences": {"custom_fences": [fence]},
        },
    )


@needs_runtime
def test_the_build_marks_listings_scripts_and_blocks_that_cannot_run() -> None:
    """And says what an edit reaches: the names that run its code."""
    listing = render(
        '```python\n--8<-- "chapter2/waiting.py:yield_now"\n\n'
        '--8<-- "chapter2/waiting.py:crunch"\n```\n'
    )
    assert 'data-run="listing"' in listing
    assert 'data-listing="chapter2/waiting.py"' in listing
    assert 'data-sections="yield_now crunch"' in listing
    assert "chapter2.waiting.crunch_async" in listing
    assert "chapter2.waiting.serve_blocking" not in listing
    mixed = render('```python\n--8<-- "chapter2/recap.py:brew"\nx = 1\n```\n')
    assert 'data-run="script"' in mixed and "data-listing" not in mixed
    # Its identity comes from the include line, not from its text: the same
    # code typed into the page is a script (the text search took it for the
    # listing, tried), and an include inside a tab is found too.
    typed = render(f"```python\n{resolve_target('chapter2/recap.py:brew').text}```\n")
    assert 'data-run="script"' in typed and "data-listing" not in typed
    tabbed = render(
        '=== "Python"\n\n    ```python title="chapter2/recap.py"\n'
        '    --8<-- "chapter2/recap.py:brew"\n    ```\n'
    )
    assert 'data-sections="brew"' in tabbed, tabbed
    norun = render(
        '```python norun="it needs threads"\n--8<-- "chapter2/recap.py:brew"\n```\n'
    )
    assert 'data-norun="it needs threads"' in norun and "data-run" not in norun


def test_edits_never_reach_a_checkout_under_cpython() -> None:
    """Only the browser's Python has a copy of its own to edit."""
    module = ROOT / "chapter2" / "recap.py"
    before = module.read_bytes()
    edit = '[{"file": "chapter2/recap.py", "sections": ["brew"], "code": "x = 1\\n"}]'
    with pytest.raises(LISTINGS_PY.EditError, match="only in the browser"):
        LISTINGS_PY.use_edits(edit)
    assert module.read_bytes() == before


def test_the_worker_reads_section_markers_as_the_build_does() -> None:
    """listings.py cannot import sitetools (it runs in the page's Python)."""
    assert LISTINGS_PY.SECTION_MARKER.pattern == SECTION_MARKER.pattern
