"""Fixtures shared by the test modules."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from sitetools import runtime
from tests.pyodide_check import PyodideCheck
from tests.report import note, write_summary
from tests.sitebuild import (
    ROOT,
    ZENSICAL_MISSING,
    BuildResult,
    ZensicalBuild,
    build,
    copy_project,
    zensical_installed,
)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The site, built once per test session with ``mkdocs build --strict``."""
    runtime.prepare()  # the Run buttons' files, as make does before a build
    result = build(ROOT, tmp_path_factory.mktemp("site"))
    assert result.returncode == 0, result.log
    return result


PYODIDE_FIXTURE = "pyodide_check"
_pyodide: list[PyodideCheck] = []


@pytest.fixture(scope="session")
def pyodide_check() -> PyodideCheck:
    """Every ``>>>`` block run in pyodide under Node (:mod:`tests.pyodide_check`)."""
    if not _pyodide:
        _pyodide.append(PyodideCheck())
    if _pyodide[0].reason is not None:
        pytest.skip(_pyodide[0].reason)
    return _pyodide[0]


# The Zensical build, started as soon as the tests that need it are collected,
# so it runs on the other core while the first tests run.
early: dict[str, ZensicalBuild] = {}


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the slow background checks that a selected test needs."""
    needed = set()
    for item in session.items:
        needed.update(getattr(item, "fixturenames", ()))
    if PYODIDE_FIXTURE in needed:
        _pyodide.append(PyodideCheck())
    if "zensical_site" in needed and zensical_installed():
        scratch = Path(tempfile.mkdtemp(prefix="zensical-site-"))
        early["build"] = ZensicalBuild(copy_project(scratch / "project"))


def pytest_sessionfinish() -> None:
    build = early.pop("build", None)
    if build is not None:  # collected, then never asked for (an early stop)
        build.process.kill()
        build.process.communicate()
        shutil.rmtree(build.project.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def zensical_site() -> Iterator[BuildResult]:
    """The same site, built once per session by Zensical, Material's successor.

    From a scratch copy of the project: Zensical writes its site and its cache
    inside the project it builds.
    """
    if not zensical_installed():
        pytest.skip(ZENSICAL_MISSING)
    build = early.pop("build", None)
    if build is None:
        scratch = Path(tempfile.mkdtemp(prefix="zensical-site-"))
        build = ZensicalBuild(copy_project(scratch / "project"))
    try:
        result = build.result()
        assert result.returncode == 0, result.log
        yield result
    finally:
        shutil.rmtree(build.project.parent, ignore_errors=True)


# Property tests must never fail on a slow machine for being slow, and in CI
# they run derandomized so that a red build can be reproduced exactly.
settings.register_profile("default", deadline=None)
settings.register_profile("ci", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


BROWSER_BUDGET = 60  # seconds for all browser tests, on a 2-core machine
browser_seconds: list[float] = []  # each phase of each browser test


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if "browser" in report.keywords:
        browser_seconds.append(report.duration)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print what the browser tests measured and where screenshots went."""
    if browser_seconds:
        note(
            terminalreporter.config,
            "browser tests: time taken (setup, calls and teardown)",
            f"{sum(browser_seconds):.1f} s; the budget is {BROWSER_BUDGET} s"
            " on a 2-core machine",
        )
    write_summary(terminalreporter)
