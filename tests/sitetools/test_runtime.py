"""The Run button's copy of pyodide names nothing outside the site."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import markdown
import pytest

from sitetools import codeblocks, runtime
from sitetools.runtime import LoaderChanged, without_cdn
from tests.support.buildcache import locked
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
