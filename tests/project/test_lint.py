"""``make lint`` covers what the README says: an error planted in a scratch
copy of the project, in each kind of file it checks, fails it, naming the
file; the copy as it is passes.

The copy holds the files git does not ignore, with this checkout's
``.venv`` and ``node_modules`` linked in and its mypy cache copied, so that
mypy rechecks only what a plant touches (about 1 s a plant, warm).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.sitebuild import ROOT

NODE = shutil.which("node") and (ROOT / "node_modules" / ".bin" / "biome").is_file()

# One error of each kind, each in its own file: (file, text appended to it,
# the pattern of the check's report that names that file).
PLANTS = {
    "type error in sitetools": (
        "sitetools/glossary.py",
        '\n\ndef planted() -> int:\n    return "not an int"\n',
        r"^{path}:\d+: error: Incompatible return value",
    ),
    "lint error in sitetools": (
        "sitetools/path_wrap.py",
        "import os\n",
        r"F401 .*\n\s*--> {path}:",
    ),
    "format error in sitetools": (
        "sitetools/searchable.py",
        "x = ( 1 )\n",
        r"unformatted: .*\n\s*--> {path}:",
    ),
    "type error in the Run button's Python": (
        "docs/assets/run/runner.py",
        '\n\nplanted: int = "not an int"\n',
        r"^{path}:\d+: error: Incompatible types",
    ),
    "type error in a benchmark": (
        "benchmarks/oneshot_tasks.py",
        "\n\ndef planted(x):\n    return x\n",
        r"^{path}:\d+: error: Function is missing a type annotation",
    ),
    "lint error in a script": (
        "docs/assets/doctest-copy.js",
        "var planted = 1;\nconsole.log(planted);\n",
        r"^{path}:\d+:\d+ lint/suspicious/noVar",
    ),
    "format error in a script": (
        "docs/assets/search-highlight.js",
        "console.log( 'planted' )\n",
        r"^{path} format",
    ),
    "syntax newer than ES2020 in a script": (
        "docs/assets/planted.js",
        "window.planted = (options) => {\n  options.value ??= 1;\n};\n",
        r"^{path}: syntax newer than es2020",
    ),
    "lint error in a style sheet": (
        "docs/assets/run/run.css",
        ".planted {\n  color: red;\n  color: blue;\n}\n",
        r"^{path}:\d+:\d+ lint/suspicious/noDuplicateProperties",
    ),
}
NEEDS_NODE = {name for name, (path, _, _) in PLANTS.items() if "assets/" in path}
NEEDS_NODE -= {"type error in the Run button's Python"}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    copy = tmp_path_factory.mktemp("lint") / "project"
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split("\0")  # fmt: skip
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():  # a deleted file is still in the index
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    for name in (".venv", "node_modules"):
        if (ROOT / name).exists():
            (copy / name).symlink_to(ROOT / name)
    if (ROOT / ".mypy_cache").is_dir():
        shutil.copytree(ROOT / ".mypy_cache", copy / ".mypy_cache")
    subprocess.run(["git", "init", "--quiet"], cwd=copy, check=True)
    yield copy


def make_lint(project: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    # -o: the set-up is this checkout's (linked in), not to be redone here.
    command = ["make", "--no-print-directory", "lint", "-o", "runtime", *flags]
    for stamp in (".venv/.installed-stamp", "node_modules/.installed-stamp"):
        command += ["-o", stamp]
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(project / ".cache" / "pycache")}
    return subprocess.run(command, cwd=project, capture_output=True, text=True, env=env)


@pytest.fixture(scope="module")
def planted(project: Path) -> Iterator[str]:
    """The output of ``make -i lint`` (each check runs, even after one
    fails) on the project with every plant in place."""
    originals = {}
    for path, addition, _ in PLANTS.values():
        file = project / path
        originals[file] = file.read_text(encoding="utf-8") if file.exists() else None
        file.write_text((originals[file] or "") + addition, encoding="utf-8")
    try:
        done = make_lint(project, "-i")
        yield done.stdout + done.stderr
    finally:
        for file, text in originals.items():
            if text is None:
                file.unlink()
            else:
                file.write_text(text, encoding="utf-8")


def test_the_project_as_it_is_passes(project: Path) -> None:
    done = make_lint(project)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_check_fails_make_lint(planted: str) -> None:
    # make -i says "(ignored)" for each command that failed, where make lint
    # stops with an error: ruff check, ruff format, mypy, and without npm's
    # packages, Biome and the dialect check.
    # Under make (make test), the nested make calls itself make[1].
    failed = re.findall(
        r"^make(?:\[\d+\])?: \[.*\] Error \d+ \(ignored\)$", planted, re.MULTILINE
    )
    assert len(failed) == (5 if NODE else 3), planted


@pytest.mark.parametrize("plant", PLANTS)
def test_each_check_names_the_error_planted_for_it(planted: str, plant: str) -> None:
    if plant in NEEDS_NODE and not NODE:
        pytest.skip("needs node and npm's packages (make installs them with npm)")
    path, _, pattern = PLANTS[plant]
    assert re.search(pattern.format(path=re.escape(path)), planted, re.MULTILINE), (
        f"make lint did not report the {plant} in {path}:\n{planted}"
    )
