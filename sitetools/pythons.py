"""``make test-pythons``: the tests that need no browser, on every CPython here.

The pages lean on interpreter details (``frame.f_locals``, which became a
proxy in 3.13; coroutine states), so the suite should pass on each CPython
the package supports, not only the one in ``.venv``. This finds CPython 3.11
or newer as ``python3.N`` on PATH and under pyenv (``$PYENV_ROOT/versions``),
keeps the newest of each minor version, gives each its own virtual
environment in ``.cache/pythons/VERSION`` (the pinned versions of
``constraints.txt``, reinstalled when the pins change; the interpreter of
``.venv`` uses ``.venv``), and runs
``pytest -m "not browser"`` in it. It says which interpreters it skipped and
why, prints one line per version at the end, and exits 1 if any failed.

Usage: ``python3 -m sitetools.pythons [pytest arguments]``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / ".cache" / "pythons"
OLDEST = (3, 11)  # pyproject.toml's requires-python
NEWEST_MINOR = 20  # python3.N names looked for on PATH, from OLDEST up to this
PINS = ("pyproject.toml", "sitetools/pyproject.toml", "constraints.txt")
PROBE = (
    "import json, platform, sys; print(json.dumps({'implementation':"
    " platform.python_implementation(), 'version': platform.python_version(),"
    " 'executable': sys.executable}))"
)


@dataclass(frozen=True)
class Interpreter:
    """A Python found on this machine, as it describes itself."""

    path: str
    implementation: str
    version: tuple[int, ...]
    executable: str

    @property
    def name(self) -> str:
        return ".".join(map(str, self.version))


def candidates(path: str, pyenv_root: Path) -> list[str]:
    """Interpreter paths to ask: every ``python3.N`` on ``path`` (pyenv's
    shims aside: they run whichever version pyenv has selected), then each
    version pyenv has installed."""
    shims = pyenv_root / "shims"
    found = [
        str(Path(folder) / f"python3.{minor}")
        for folder in path.split(os.pathsep)
        if folder and Path(folder) != shims
        for minor in range(OLDEST[1], NEWEST_MINOR + 1)
    ]
    found = [p for p in found if os.access(p, os.X_OK) and Path(p).is_file()]
    found += sorted(map(str, pyenv_root.glob("versions/*/bin/python3")))
    return list(dict.fromkeys(found))


def probe(path: str) -> Interpreter | str:
    """Ask ``path`` what it is; a string says why it could not answer."""
    try:
        done = subprocess.run(
            [path, "-c", PROBE], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"does not run ({error})"
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
        return f"does not run ({lines[-1]})"
    facts = json.loads(done.stdout)
    version = tuple(int(part) for part in facts["version"].split(".")[:3])
    return Interpreter(path, facts["implementation"], version, facts["executable"])


def choose(
    probes: Iterable[tuple[str, Interpreter | str]],
) -> tuple[list[Interpreter], list[str]]:
    """The interpreters to test (the newest CPython of each minor version
    from 3.11 on, oldest first) and a line for each one skipped. The same
    interpreter found twice (a pyenv shim and its target) counts once."""
    skipped: list[str] = []
    usable: dict[str, Interpreter] = {}  # by the real path of the executable
    for path, found in probes:
        if isinstance(found, str):
            skipped.append(f"{path}: {found}")
        elif found.implementation != "CPython":
            skipped.append(f"{path}: {found.implementation}, not CPython")
        elif found.version[:2] < OLDEST:
            oldest = ".".join(map(str, OLDEST))
            skipped.append(f"{path}: {found.name}, older than {oldest}")
        else:
            usable.setdefault(os.path.realpath(found.executable), found)
    newest: dict[tuple[int, ...], Interpreter] = {}
    for found in sorted(usable.values(), key=lambda i: i.version, reverse=True):
        kept = newest.setdefault(found.version[:2], found)
        if kept is not found:
            skipped.append(
                f"{found.path}: {found.name}, the newer {kept.name} runs instead"
            )
    return [newest[minor] for minor in sorted(newest)], skipped


def pins_digest() -> str:
    digest = hashlib.sha256()
    for name in PINS:
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def environment(python: Interpreter) -> Path | str:
    """A virtual environment for ``python`` with the pinned test
    dependencies; a string says why it could not be made."""
    own = ROOT / ".venv"
    if Path(python.executable).resolve() == (own / "bin" / "python").resolve():
        return own  # make's own environment, set up before this runs
    venv = CACHE / python.name
    stamp = venv / ".pins"
    if stamp.is_file() and stamp.read_text() == pins_digest():
        return venv
    print(f"test-pythons: setting up {venv.relative_to(ROOT)}", flush=True)
    shutil.rmtree(venv, ignore_errors=True)
    steps = [
        [python.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
         "--disable-pip-version-check", "-c", "constraints.txt",
         "-e", ".[docs,test]", "-e", "./sitetools"],
    ]  # fmt: skip
    for step in steps:
        done = subprocess.run(step, cwd=ROOT, capture_output=True, text=True)
        if done.returncode != 0:
            lines = done.stderr.strip().splitlines() or [f"exit {done.returncode}"]
            return f"set-up failed: {lines[-1]}"
    stamp.write_text(pins_digest())
    return venv


def run_tests(venv: Path, pytest_args: Sequence[str]) -> tuple[bool, str]:
    """Run the tests that need no browser, showing their output as it
    comes; whether they passed, and pytest's last line."""
    command = [str(venv / "bin" / "python"), "-m", "pytest", "-m", "not browser",
               "-q", *pytest_args]  # fmt: skip
    last = "no output"
    with subprocess.Popen(
        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    ) as pytest:
        assert pytest.stdout is not None
        for line in pytest.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            last = line.strip().strip("= ") or last
    return pytest.returncode == 0, last


def main(argv: Sequence[str]) -> int:
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
    paths = candidates(os.environ.get("PATH", ""), pyenv_root)
    chosen, skipped = choose((path, probe(path)) for path in paths)
    for line in skipped:
        print(f"test-pythons: skipped {line}", flush=True)
    results: list[str] = []
    failed = False
    for python in chosen:
        print(f"test-pythons: CPython {python.name} ({python.executable})", flush=True)
        venv = environment(python)
        if isinstance(venv, str):
            passed, summary = False, venv
        else:
            passed, summary = run_tests(venv, argv)
        failed |= not passed
        results.append(f"  {python.name:<8} {'ok' if passed else 'FAILED'}: {summary}")
    print("test-pythons: the tests that need no browser, by CPython version:")
    print("\n".join(results) or "  none found")
    if skipped:
        print(f"  ({len(skipped)} interpreters skipped, listed at the top)")
    return 1 if failed or not chosen else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
