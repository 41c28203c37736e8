"""``make test-pythons``: nox runs the tests that need no browser on each
CPython the project supports (noxfile.py). The runs themselves take minutes
and are not part of ``make test``; these check what decides them."""

from __future__ import annotations

import json
import subprocess
import tomllib

from tests.support.sitebuild import ROOT

NOX = str(ROOT / ".venv" / "bin" / "nox")


def sessions() -> list[dict[str, object]]:
    listed = subprocess.run(
        [NOX, "--noxfile", "noxfile.py", "--list", "--json"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    found: list[dict[str, object]] = json.loads(listed.stdout)
    return found


def classified_versions() -> list[str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    prefix = "Programming Language :: Python :: "
    return [
        c.removeprefix(prefix)
        for c in pyproject["project"]["classifiers"]
        if c.startswith(prefix) and c.count(".") == 1
    ]


def test_a_session_per_classified_version_from_requires_python_on() -> None:
    versions = [session["python"] for session in sessions()]
    assert versions == classified_versions()
    assert versions[0] == "3.11"  # requires-python = ">=3.11"


def test_the_classifiers_are_the_versions_the_workflow_tests() -> None:
    workflow = (ROOT / ".github" / "workflows" / "test.yml").read_text()
    matrix = next(line for line in workflow.splitlines() if "python-version: [" in line)
    assert json.loads(matrix.split(":", 1)[1]) == classified_versions()


def test_make_runs_nox_and_make_test_does_not() -> None:
    def dry_run(target: str) -> str:
        return subprocess.run(
            ["make", "-n", target, "PYTEST_ARGS=-k oneshot"],
            cwd=ROOT, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    assert ".venv/bin/nox --noxfile noxfile.py -- -k oneshot" in dry_run("test-pythons")
    assert "nox" not in dry_run("test")
