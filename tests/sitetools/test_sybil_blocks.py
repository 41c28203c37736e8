"""The page parser runs every Python block, and fails when one is wrong."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sybil import Document

from sitetools.snippets import SnippetError, expand, resolve_target
from sitetools.sybil_blocks import PythonBlockParser


def examples(tmp_path: Path, markdown: str) -> list[object]:
    page = tmp_path / "page.md"
    page.write_text(markdown, encoding="utf-8")
    document = Document.parse(str(page), PythonBlockParser())
    return list(document.examples())


def run_all(tmp_path: Path, markdown: str) -> dict[str, object]:
    found = examples(tmp_path, markdown)
    assert found, "no example collected"
    for example in found:
        example.evaluate()  # type: ignore[attr-defined]
    return found[0].namespace  # type: ignore[attr-defined,no-any-return]


@pytest.mark.parametrize(
    "fence",
    ["python", "py", "python3", "pycon", 'python title="x.py"', "{.python .numbered}"],
)
def test_every_python_info_string_is_collected(tmp_path: Path, fence: str) -> None:
    namespace = run_all(tmp_path, f"```{fence}\nx = 1\n```\n")
    assert namespace["x"] == 1


def test_other_languages_are_left_alone(tmp_path: Path) -> None:
    markdown = "```rust\nfn main() {}\n```\n```pythonic\nnot python\n```\n"
    assert examples(tmp_path, markdown) == []


def test_doctest_output_is_compared(tmp_path: Path) -> None:
    run_all(tmp_path, "```pycon\n>>> 1 + 1\n2\n```\n")
    with pytest.raises(Exception, match="Expected"):
        run_all(tmp_path, "```pycon\n>>> 1 + 1\n3\n```\n")


def test_indented_blocks_in_tabs_run(tmp_path: Path) -> None:
    markdown = '=== "Python"\n\n    ```pycon\n    >>> 2 * 21\n    42\n    ```\n'
    run_all(tmp_path, markdown)


def test_included_package_code_runs_and_binds_the_package_objects(
    tmp_path: Path,
) -> None:
    from chapter2 import recap

    namespace = run_all(tmp_path, '```python\n--8<-- "chapter2/recap.py:brew"\n```\n')
    assert namespace["brew"] is recap.brew


def test_a_broken_include_fails(tmp_path: Path) -> None:
    with pytest.raises(SnippetError, match="no section \\[start:nope\\]"):
        examples(tmp_path, '```python\n--8<-- "chapter2/recap.py:nope"\n```\n')
    with pytest.raises(SnippetError, match="snippet file not found"):
        examples(tmp_path, '```python\n--8<-- "chapter2/missing.py"\n```\n')


def test_snippet_sections_drop_markers_and_dedent() -> None:
    include = resolve_target("chapter2/recap.py:drive")
    assert include.text.startswith("def drive(")
    assert "--8<--" not in include.text
    text, includes = expand('    --8<-- "chapter2/recap.py:brew"\n')
    assert text.startswith("    async def brew(") and len(includes) == 1


def test_unsupported_include_forms_are_errors() -> None:
    with pytest.raises(SnippetError, match="unsupported include line"):
        expand("--8<-- chapter2/recap.py\n")


def test_hidden_lines_run_in_a_script_block(tmp_path: Path) -> None:
    namespace = run_all(
        tmp_path, "```python\n#~ import math\nx = math.floor(2.5)\n```\n"
    )
    assert namespace["x"] == 2


def test_hidden_examples_are_left_out_in_page_order(tmp_path: Path) -> None:
    """Page order already did the set-up a hidden line repeats for Run."""
    markdown = (
        "```pycon\n>>> n = 1\n```\n```pycon\n#~ >>> n = 1\n>>> n += 1\n>>> n\n2\n```\n"
    )
    found = examples(tmp_path, markdown)
    assert len(found) == 3
    for example in found:
        example.evaluate()  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("markdown", "problem"),
    [
        (
            "```pycon\n>>> 1 + 1\n2\n\nProse.\n\n```python\nx = 1\n```\n",
            "line 1: the ```pycon fence is not closed before the ```python fence"
            " on line 7",
        ),
        (
            "Prose.\n\n```pycon\n>>> 1\n1\n",
            "line 3: the ```pycon fence is never closed",
        ),
    ],
)
def test_a_fence_left_open_fails_the_page(
    tmp_path: Path, markdown: str, problem: str
) -> None:
    # Before, the page passed: the prose and the python block became the
    # pycon block's expected output, and nothing after it ran.
    with pytest.raises(ValueError, match=f"page.md: {re.escape(problem)}$"):
        examples(tmp_path, markdown)
