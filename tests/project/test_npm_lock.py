"""The npm packages are pinned: exact versions in package.json, an integrity
hash for each in package-lock.json, and no registry address anywhere (npm ci
fetches from whichever registry the machine's npm is set up for)."""

from __future__ import annotations

import json
import re

from tests.support.sitebuild import ROOT

PACKAGE = json.loads((ROOT / "package.json").read_text())
LOCK = json.loads((ROOT / "package-lock.json").read_text())
EXACT = re.compile(r"\d+\.\d+\.\d+")


def test_package_json_asks_for_exact_versions() -> None:
    wanted = {**PACKAGE.get("dependencies", {}), **PACKAGE.get("devDependencies", {})}
    assert wanted
    loose = {name: v for name, v in wanted.items() if not EXACT.fullmatch(v)}
    assert not loose, f"pin exact versions (npm install NAME@VERSION): {loose}"


def test_lock_matches_package_json() -> None:
    root = LOCK["packages"][""]
    assert root.get("dependencies") == PACKAGE.get("dependencies")
    assert root.get("devDependencies") == PACKAGE.get("devDependencies")
    for name, version in PACKAGE.get("dependencies", {}).items():
        assert LOCK["packages"][f"node_modules/{name}"]["version"] == version


def test_every_locked_package_has_a_hash_and_no_address() -> None:
    for path, entry in LOCK["packages"].items():
        if not path or entry.get("link"):
            continue
        assert entry.get("integrity", "").startswith("sha512-"), path
        assert "resolved" not in entry, f"{path}: registry address in the lock"


def test_the_readme_names_every_npm_package() -> None:
    """The README's row for package.json says what each package is for."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(
        line for line in readme.splitlines() if line.startswith("| `package.json`")
    )
    wanted = {**PACKAGE.get("dependencies", {}), **PACKAGE.get("devDependencies", {})}
    # Names such as @biomejs/biome start with a non-word character, where \b
    # would need a word before them.
    missing = [
        name
        for name in wanted
        if not re.search(rf"(?<![\w@/.-]){re.escape(name)}(?![\w/.-])", row)
    ]
    assert not missing, f"README's package.json row does not name {missing}"
