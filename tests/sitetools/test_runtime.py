"""The Run button's copy of pyodide: it names nothing outside the site, and
its standard library comes with the bytecode a start needs."""

from __future__ import annotations

import logging
import re
import subprocess
import zipfile
import zlib
from pathlib import Path

import markdown
import pytest

from sitetools import codeblocks, runtime
from sitetools.runtime import LoaderChanged, without_cdn
from tests.support.buildcache import locked
from tests.support.sessions import load_runner
from tests.support.sitebuild import needs_runtime

FALLBACK = (
    b"e.cdnUrl=k(e.packageBaseUrl??`https://cdn.jsdelivr.net/pyodide/v${U}/full/`)"
)


def test_the_loaders_cdn_fallback_becomes_its_own_folder() -> None:
    assert without_cdn(b"a;" + FALLBACK + b";b") == (
        b'a;e.cdnUrl=k(e.packageBaseUrl??"./");b'
    )


@pytest.mark.parametrize(
    "loader",
    [b"no fallback at all", FALLBACK + b";fetch('https://example.org/x')"],
)
def test_a_loader_that_changed_is_refused(loader: bytes) -> None:
    with pytest.raises(LoaderChanged, match="Update CDN_FALLBACK"):
        without_cdn(loader)


@needs_runtime
def test_the_installed_loader_has_its_fallback_once() -> None:
    loader = (runtime.PYODIDE / runtime.LOADER).read_bytes()
    assert len(runtime.CDN_FALLBACK.findall(loader)) == 1
    assert b"https://" not in without_cdn(loader)


def test_a_build_without_the_runtime_writes_none_and_says_why_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Asking whether pages get Run buttons is a pure check: with the
    runtime's folder empty, a page renders without them, the folder stays
    empty, and the reason is logged once (installed() wrote the files during
    the render, after MkDocs had collected its own, tried)."""
    out = tmp_path / "python"
    page = "```pycon\n>>> 6 * 7\n42\n```\n\n```python\nprint(1)\n```\n"
    # The lock the tests' site builds take to put the runtime in place (in
    # a thread of this process, too: tests/conftest.py): while OUT points
    # here, none of them may write into it.
    with locked("runtime"), monkeypatch.context() as patched:
        patched.setattr(runtime, "OUT", out)
        patched.setattr(runtime, "_said", set())
        with caplog.at_level(logging.INFO, logger=runtime.log.name):
            html = render(page) + render(page)
    assert "data-run" not in html
    assert not out.exists(), sorted(out.iterdir())
    said = [r.getMessage() for r in caplog.records if "Run buttons" in r.getMessage()]
    assert len(said) == 1, said


def test_the_runtime_folder_holds_the_editor_as_one_module() -> None:
    """CodeMirror bundled: no bare import left for a browser to resolve."""
    if runtime.absent() is not None:
        pytest.skip(str(runtime.absent()))
    editor = (runtime.OUT / runtime.EDITOR).read_text(encoding="utf-8")
    assert "createEditor" in editor
    bare = r"""["']@?[a-z][\w@/.-]*["']"""  # "codemirror", "@codemirror/view"
    assert not re.search(r"\bfrom\s*" + bare, editor)
    assert not re.search(r"\bimport\s*\(?\s*" + bare, editor)


def render(text: str) -> str:
    fence = {
        "class": "highlight",
        "validator": codeblocks.validate,
        "format": codeblocks.format_block,
    }
    fences = [{**fence, "name": name} for name in ("pycon", "python")]
    return markdown.markdown(
        text,
        extensions=[
            "sitetools.codeblocks",
            "pymdownx.highlight",
            "pymdownx.superfences",
        ],
        extension_configs={"pymdownx.superfences": {"custom_fences": fences}},
    )


@needs_runtime
def test_the_library_is_pyodides_with_bytecode_beside_its_sources() -> None:
    """Every entry of pyodide's library is there with the same bytes; each
    .pyc added sits beside its source, hash-based and unchecked (the
    browser never reads the source to trust it); the zip names what it was
    made from. tests/pages/test_run_blocks.py checks that a start finds
    bytecode for every module it imports."""
    with locked("runtime"):
        runtime.prepare()  # not a library an earlier checkout left
    with zipfile.ZipFile(runtime.PYODIDE / runtime.STDLIB) as shipped:
        original = {name: shipped.read(name) for name in shipped.namelist()}
    with zipfile.ZipFile(runtime.OUT / runtime.STDLIB) as made:
        ours = {name: made.read(name) for name in made.namelist()}
        assert made.comment.decode() == runtime.stdlib_key()
    added = sorted(set(ours) - set(original))
    assert {name: ours[name] for name in original} == original
    assert "asyncio/base_events.pyc" in added and "doctest.pyc" in added, added
    magic = {ours[name][:4] for name in added}
    assert len(magic) == 1, magic  # one Python compiled them all
    for name in added:
        assert name.endswith(".pyc") and name[:-1] in original, name
        flags = int.from_bytes(ours[name][4:8], "little")
        assert flags == 0b01, (name, flags)  # hash-based, not checked


@needs_runtime
def test_a_library_made_from_the_same_files_is_not_made_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_node(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"ran {args}")

    with locked("runtime"):
        runtime.prepare()
        monkeypatch.setattr(subprocess, "run", no_node)
        assert runtime.precompile_stdlib() is False


@needs_runtime
def test_a_precompiler_that_fails_says_so_and_the_site_keeps_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Node that cannot run the precompiler (an old one, say) leaves the
    library where it was and says why, with Node's own words; set-up then
    serves pyodide's library as shipped, so Run still works."""
    out = tmp_path / "python"
    out.mkdir()
    (out / runtime.STDLIB).write_bytes(b"the library before")
    broken = tmp_path / "precompile.mjs"
    broken.write_text("console.error('no pyodide here'); process.exit(3);\n")
    monkeypatch.setattr(runtime, "OUT", out)
    monkeypatch.setattr(runtime, "PRECOMPILER", broken)
    with pytest.raises(
        runtime.PrecompileFailed, match=r"(?s)exit status 3.*no pyodide here"
    ):
        runtime.precompile_stdlib()
    assert [p.name for p in out.iterdir()] == [runtime.STDLIB]
    assert (out / runtime.STDLIB).read_bytes() == b"the library before"
    with caplog.at_level(logging.WARNING, logger=runtime.log.name):
        assert runtime.prepare() is None
    shipped = (runtime.PYODIDE / runtime.STDLIB).read_bytes()
    assert (out / runtime.STDLIB).read_bytes() == shipped
    [said] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert "no pyodide here" in said and "Run works" in said, said


@needs_runtime
def test_a_precompiler_that_succeeds_without_a_library_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Node that ends well but writes nothing (or an old library) is a
    failure too, which set-up's fallback catches, not a missing file."""
    out = tmp_path / "python"
    out.mkdir()
    idle = tmp_path / "precompile.mjs"
    idle.write_text("console.error('nothing to do');\n")
    monkeypatch.setattr(runtime, "OUT", out)
    monkeypatch.setattr(runtime, "PRECOMPILER", idle)
    with pytest.raises(
        runtime.PrecompileFailed,
        match=r"(?s)exit status 0, and it wrote no library\).*nothing to do",
    ):
        runtime.precompile_stdlib()
    assert list(out.iterdir()) == []


@needs_runtime
def test_the_library_is_made_again_when_the_package_imports_another_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """runner.py's prepare() imports every module the package imports, so
    those names are part of the key (a new import kept the old library,
    and the start compiled fractions and numbers from source, tried); any
    other edit of the package is not, and costs no run of Node."""
    module = tmp_path / "clock.py"
    monkeypatch.setattr(runtime, "wheel_sources", lambda: [module])

    def key(code: str) -> str:
        module.write_text(code, encoding="utf-8")
        return runtime.stdlib_key()

    # The names runner.py's prepare() finds: it is the Run button's Python,
    # which sitetools cannot import, so the pattern is written twice.
    assert runtime.IMPORT_LINE.pattern == load_runner().IMPORT_LINE.pattern
    before = key("import heapq\n\ndef now() -> int:\n    return 1\n")
    assert key("import heapq\n\ndef now() -> int:\n    return 2\n") == before
    assert key("import heapq\nfrom fractions import Fraction\n") != before


@needs_runtime
def test_a_precompiler_that_hangs_is_stopped_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A hang would have held make up for good; its half-written file would
    have stayed in the runtime's folder (the clean-up keeps .partial files)."""
    out = tmp_path / "python"
    out.mkdir()
    (out / runtime.STDLIB).write_bytes(b"the library before")
    hangs = tmp_path / "precompile.mjs"
    hangs.write_text(
        'import { writeFileSync } from "node:fs";\n'
        'writeFileSync(process.argv[4], "half of it");\n'
        "setTimeout(() => {}, 60_000);\n"
    )
    monkeypatch.setattr(runtime, "OUT", out)
    monkeypatch.setattr(runtime, "PRECOMPILER", hangs)
    monkeypatch.setattr(runtime, "PRECOMPILE_TIMEOUT", 1)
    with pytest.raises(runtime.PrecompileFailed, match="did not finish within 1 s"):
        runtime.precompile_stdlib()
    assert [p.name for p in out.iterdir()] == [runtime.STDLIB]
    assert (out / runtime.STDLIB).read_bytes() == b"the library before"


@needs_runtime
def test_without_node_the_precompiler_says_what_it_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "OUT", tmp_path)
    monkeypatch.setattr(runtime.shutil, "which", lambda name: None)
    with pytest.raises(runtime.PrecompileFailed, match=r"needs Node\.js"):
        runtime.precompile_stdlib()
    assert not list(tmp_path.iterdir())


@needs_runtime
def test_the_download_a_page_announces_is_the_runtimes() -> None:
    """Run and the exercises' Check say how much Python the first start
    downloads; both say the same, and it is what set-up put there (the
    bytecode added 1.5 MB, and Check still said 6 MB, tried). Compressed
    at zlib's fastest, which GitHub Pages' gzip beats by about 6%."""
    said = {
        script: re.findall(
            r"about (\d+) MB compressed", (runtime.ROOT / script).read_text()
        )
        for script in ("docs/assets/run/run.js", "docs/assets/quiz/quiz.js")
    }
    figures = {int(n) for found in said.values() for n in found}
    assert all(said.values()) and len(figures) == 1, said
    [megabytes] = figures
    compressed = sum(
        len(zlib.compress(path.read_bytes(), 1))
        for path in runtime.OUT.iterdir()
        if path.name != runtime.EDITOR  # loaded on Edit, not on Run
    )
    assert megabytes - 0.5 <= compressed / 1e6 <= megabytes + 1, compressed
