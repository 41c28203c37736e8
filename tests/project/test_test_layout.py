"""tests/ is laid out like the code, and no test module imports another.

Test modules sit in the folder of what they test (README, Layout); what two
of them share lives in tests/support/ (or, for the browser's page objects,
tests/browser/). A test module importing another would run the other's
module-level set-up and couple two files that should change apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.sitebuild import ROOT

TESTS = ROOT / "tests"
FOLDERS = {"model", "listings", "sitetools", "pages", "project", "browser"}
# Where modules that are neither tests nor conftests may live.
HELPER_FOLDERS = {"support", "browser"}


def all_test_modules() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def imported_modules(path: Path) -> set[str]:
    """The absolute module names ``path`` imports, names it takes included."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def test_every_test_module_sits_in_the_folder_of_what_it_tests() -> None:
    misplaced = [
        str(path.relative_to(ROOT))
        for path in all_test_modules()
        if path.parent.relative_to(TESTS).parts[:1] not in {(f,) for f in FOLDERS}
    ]
    assert not misplaced, (
        f"move these into one of tests/{{{','.join(sorted(FOLDERS))}}}/: {misplaced}"
    )


def test_no_test_module_imports_another() -> None:
    importing = {
        str(path.relative_to(ROOT)): sorted(
            name
            for name in imported_modules(path)
            if name.startswith("tests.") and name.rpartition(".")[2].startswith("test_")
        )
        for path in all_test_modules()
    }
    importing = {path: names for path, names in importing.items() if names}
    assert not importing, f"move what they share into tests/support/: {importing}"


def test_helpers_live_in_support() -> None:
    helpers = [
        str(path.relative_to(ROOT))
        for path in TESTS.rglob("*.py")
        if not path.name.startswith("test_")
        and path.name not in {"__init__.py", "conftest.py"}
        and path.parent.relative_to(TESTS).parts[:1]
        not in {(f,) for f in HELPER_FOLDERS}
    ]
    assert not helpers, f"move these helpers into tests/support/: {helpers}"
