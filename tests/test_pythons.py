"""``make test-pythons``: which interpreters it finds, runs and skips (the
runs themselves take minutes: ``make test-pythons`` is not part of
``make test``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sitetools.pythons import Interpreter, candidates, choose, probe
from tests.sitebuild import ROOT


def cpython(path: str, version: str) -> tuple[str, Interpreter]:
    """What probing ``path`` finds: CPython ``version``."""
    numbers = tuple(map(int, version.split(".")))
    return path, Interpreter(path, "CPython", numbers, path)


def test_the_newest_of_each_minor_version_runs_and_the_rest_are_said() -> None:
    chosen, skipped = choose([
        cpython("/usr/bin/python3.11", "3.11.2"),
        cpython("/pyenv/3.13.0/bin/python3", "3.13.0"),
        cpython("/pyenv/3.11.7/bin/python3", "3.11.7"),
        cpython("/pyenv/3.10.13/bin/python3", "3.10.13"),
        ("/opt/pypy/bin/python3.11",
         Interpreter("/opt/pypy/bin/python3.11", "PyPy", (3, 11, 9), "/opt/pypy")),
        ("/broken/python3.12", "does not run (exit 127)"),
    ])  # fmt: skip
    assert [python.name for python in chosen] == ["3.11.7", "3.13.0"]
    assert skipped == [
        "/pyenv/3.10.13/bin/python3: 3.10.13, older than 3.11",
        "/opt/pypy/bin/python3.11: PyPy, not CPython",
        "/broken/python3.12: does not run (exit 127)",
        "/usr/bin/python3.11: 3.11.2, the newer 3.11.7 runs instead",
    ]


def test_one_interpreter_found_twice_runs_once_and_is_not_called_skipped(
    tmp_path: Path,
) -> None:
    real = tmp_path / "python3.12"
    real.touch()
    link = tmp_path / "python3"
    link.symlink_to(real)
    chosen, skipped = choose(
        [cpython(str(real), "3.12.1"), cpython(str(link), "3.12.1")]
    )
    assert [python.path for python in chosen] == [str(real)]
    assert skipped == []


def test_candidates_on_path_and_under_pyenv_but_not_pyenv_shims(
    tmp_path: Path,
) -> None:
    def executable(path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
        return path

    pyenv = tmp_path / "pyenv"
    on_path = executable(tmp_path / "bin" / "python3.14")
    executable(tmp_path / "bin" / "python3.9")  # not a name it asks for
    (tmp_path / "bin" / "python3.13").write_text("")  # not executable
    executable(pyenv / "shims" / "python3.12")
    installed = executable(pyenv / "versions" / "3.12.1" / "bin" / "python3")
    path = f"{tmp_path / 'bin'}:{pyenv / 'shims'}"
    assert candidates(path, pyenv) == [str(on_path), str(installed)]


def test_make_has_the_target_and_make_test_does_not_run_it() -> None:
    dry_run = subprocess.run(
        ["make", "-n", "test-pythons"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "-m sitetools.pythons" in dry_run.stdout
    assert "sitetools.pythons" not in subprocess.run(
        ["make", "-n", "test"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


def test_the_probe_reads_a_real_interpreter() -> None:
    found = probe(sys.executable)
    assert isinstance(found, Interpreter)
    assert (found.implementation, found.version[:2]) == (
        "CPython",
        sys.version_info[:2],
    )
    assert probe("/nonexistent/python3") == (
        "does not run ([Errno 2] No such file or directory: '/nonexistent/python3')"
    )
