"""``make test-pythons``: the tests that need no browser, on every CPython here.

The pages lean on interpreter details (``frame.f_locals``, which became a
proxy in 3.13; coroutine states), so the suite should pass on each CPython
the package supports, not only the one in ``.venv``. The versions are the
``Programming Language :: Python :: 3.N`` classifiers of pyproject.toml (the
GitHub workflow's matrix, which a test keeps equal to them). nox finds each
on PATH or among pyenv's versions, makes it an environment in
``.cache/nox/`` with the pinned versions of ``constraints.txt``, and runs
``pytest --ignore=tests/browser`` in it, as ``make quick`` does. A version
it cannot find is skipped and named in nox's summary, so that a machine
with one CPython still runs; ``--error-on-missing-interpreters`` makes that
an error.

Usage: ``make test-pythons`` or ``.venv/bin/nox [-s tests-3.12] [-- PYTEST ARGS]``.
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.needs_version = ">=2026.10.20"
nox.options.envdir = ".cache/nox"
nox.options.default_venv_backend = "venv"
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = False

# pyenv's shims run only the versions pyenv has made active, so nox looks in
# the folder of each version pyenv installed first.
PYENV = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv"))
os.environ["PATH"] = os.pathsep.join(
    [*sorted(map(str, PYENV.glob("versions/*/bin"))), os.environ.get("PATH", "")]
)

PYTHONS = nox.project.python_versions(nox.project.load_toml("pyproject.toml"))


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """The tests that need no browser, on one CPython version."""
    session.install(
        "--quiet", "--disable-pip-version-check", "-c", "constraints.txt",
        "-e", ".[docs,test]", "-e", "./sitetools",
    )  # fmt: skip
    session.run("pytest", "--ignore=tests/browser", "-q", *session.posargs)
