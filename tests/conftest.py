"""Fixtures shared by the test modules."""

from __future__ import annotations

import pytest

from tests.sitebuild import ROOT, BuildResult, build


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The site, built once per test session with ``mkdocs build --strict``."""
    result = build(ROOT, tmp_path_factory.mktemp("site"))
    assert result.returncode == 0, result.log
    return result
