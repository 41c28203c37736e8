"""Slow products the tests read, made once per change of what they are made from.

The site builds (MkDocs and Zensical) and the run of every example in pyodide
under Node take seconds each. Their results are stored in ``.cache/products/``
under a key that hashes everything they are made from (the project's files,
the pinned versions, the Python running the tests), so a second ``make test``
with nothing changed reuses them, and any change makes them again. A failed
build is stored too, and fails its tests again until its inputs change.

The tests run in several processes (pytest-xdist). The first process that
needs a product makes it while holding a file lock; the others wait on the
lock and then read what it stored. A product can be started early, in a
thread, as soon as pytest knows a test will need it (:meth:`Product.start`).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import json
import os
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.support.sitebuild import ROOT

STORE = ROOT / ".cache" / "products"
# When this test run began (wall clock), passed to pytest-xdist's workers
# through the environment: a product another worker made a moment ago was made
# in this run, not stored by an earlier one.
RUN_STARTED = float(
    os.environ.setdefault("CHAPTER2_TEST_RUN_STARTED", str(time.time()))
)
# Files whose bytes say which versions of everything are installed.
PINS = ("constraints.txt", "constraints-zensical.txt", "package-lock.json")
SKIPPED = {"__pycache__", ".pytest_cache"}


def fingerprint(paths: Iterable[Path], *extra: str) -> str:
    """A hash of the files under ``paths`` (names and bytes), and ``extra``."""
    digest = hashlib.sha256()
    for part in (sys.version, *extra):
        digest.update(part.encode() + b"\0")
    for top in paths:
        files = sorted(top.rglob("*")) if top.is_dir() else [top]
        for path in files:
            if not path.is_file() or SKIPPED & set(path.parts) or path.suffix == ".pyc":
                continue
            digest.update(str(path.relative_to(ROOT)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def project_fingerprint(names: Iterable[str], *extra: str) -> str:
    """:func:`fingerprint` of these files or folders of the project, and the pins."""
    return fingerprint([ROOT / name for name in (*names, *PINS)], *extra)


@contextmanager
def locked(name: str) -> Iterator[None]:
    """Hold the lock ``name``, shared by every test process on this machine."""
    STORE.mkdir(parents=True, exist_ok=True)
    with (STORE / f"{name}.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Product:
    """One kind of product (``kind``), stored in ``STORE/kind-KEY/``.

    ``make(folder)`` makes it into an empty folder and returns what the tests
    need to know about it as JSON-ready data (it may also leave files in the
    folder, such as a built site). Only the newest product of a kind is kept.

    ``key()`` is asked once per test process: what a product is made from
    does not change while the tests run, and a key reads the whole project
    (0.1-0.25 s), which each process used to pay two or three times.
    """

    def __init__(
        self, kind: str, key: Callable[[], str], make: Callable[[Path], Any]
    ) -> None:
        self.kind = kind
        self._key = functools.cache(key)
        self._make = make
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def folder(self) -> Path:
        return STORE / f"{self.kind}-{self._key()}"

    def _stored(self, folder: Path) -> Any | None:
        answer = folder / "answer.json"
        if answer.is_file():
            return json.loads(answer.read_text(encoding="utf-8"))
        return None

    def made_in_this_run(self) -> bool:
        """Whether this run made the product (any worker), or found it stored."""
        answer = self.folder() / "answer.json"
        return answer.is_file() and answer.stat().st_mtime >= RUN_STARTED

    def get(self) -> tuple[Any, Path]:
        """The product's data and folder; made here if nobody has made it."""
        if self._thread is not None:
            self._thread.join()
            if self._error is not None:
                raise AssertionError(f"making {self.kind} failed") from self._error
        with locked(self.kind):
            folder = self.folder()
            data = self._stored(folder)
            if data is None:
                data = self._make_into(folder)
            return data, folder

    def start(self) -> None:
        """Make the product in a thread now, unless it is stored already."""
        if self._thread is None and self._stored(self.folder()) is None:
            self._thread = threading.Thread(target=self._early, daemon=True)
            self._thread.start()

    def _early(self) -> None:
        try:
            with locked(self.kind):
                folder = self.folder()
                if self._stored(folder) is None:
                    self._make_into(folder)
        except BaseException as error:  # reported by get()
            self._error = error

    def _make_into(self, folder: Path) -> Any:
        for old in STORE.glob(f"{self.kind}-*"):
            shutil.rmtree(old, ignore_errors=True)
        scratch = folder.with_name(folder.name + ".making")
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        data = self._make(scratch)
        (scratch / "answer.json").write_text(json.dumps(data), encoding="utf-8")
        scratch.replace(folder)
        return data
