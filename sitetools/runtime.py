"""The in-page Python runtime: pyodide's files and the chapter2 wheel.

The Run buttons run examples in pyodide (CPython compiled to WebAssembly),
from the site's own files. This module puts what that needs into
``docs/assets/run/python/`` (ignored by git), where both MkDocs and Zensical
pick it up as static files:

* the four files of the npm package ``pyodide`` that a start needs, copied
  from ``node_modules/pyodide`` (installed by ``npm ci`` from the committed
  ``package-lock.json``), the loader with its CDN fallback taken out
  (:func:`without_cdn`);
* ``pyodide-lock.json``: the package's lock file reduced to its ``info``
  (the loader checks the ABI in it) and one package, chapter2, so that
  nothing else can be looked up anywhere (and 119 KB less to load);
* ``chapter2-<version>-py3-none-any.whl``, the package as a wheel, built
  from the sources here (deterministic: same sources, same bytes), with
  the few modules of ``sitetools`` that tell a cart_total run as the
  stepper's steps (:data:`REPLAY_MODULES`), so that "Step through this run"
  makes them in the page with the build's own code;
* ``editor.mjs``, the editor behind Edit: CodeMirror 6 with Python
  (``sitetools/editor.mjs``), bundled by esbuild into one ES module;
* ``python_stdlib.zip``: pyodide's standard library, which it ships as
  source, with bytecode added for every module a start imports
  (``sitetools/precompile.mjs``, run by Node with pyodide itself): a start
  from nothing no longer compiles them, which halved the first Run.

Only set-up writes there: ``make`` runs :func:`prepare` before every build
and test (``python -m sitetools.runtime``), and ``make serve``
(:mod:`sitetools.serve`) runs it again when the package changes, so the
wheel follows edits. The build only asks :func:`absent`, which writes
nothing: a build without the runtime has no Run buttons, and says why once.
Files are rewritten only when their bytes change.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata
import io
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYODIDE = ROOT / "node_modules" / "pyodide"
RUN = ROOT / "docs" / "assets" / "run"
OUT = RUN / "python"
STDLIB = "python_stdlib.zip"
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", STDLIB)
PACKAGE = ROOT / "chapter2"
# What sitetools.steppers.cart.replay() imports, and nothing more: no
# renderer (drawing.py only writes DOT text until asked to render), no
# Markdown, no MkDocs. tests/pages/test_run_replay.py checks that the list
# is complete.
REPLAY_MODULES = (
    "sitetools/__init__.py",
    "sitetools/drawing.py",
    "sitetools/steppers/__init__.py",
    "sitetools/steppers/step.py",
    "sitetools/steppers/cart.py",
    "sitetools/steppers/clients.py",
    "sitetools/steppers/atm.py",
)
LOCK = "pyodide-lock.json"
# What decides which modules a start imports, and how they compile: the
# start itself (run-core.mjs and the modules it imports first), the
# precompiler, and the modules the package imports (runner.py's prepare()
# imports them all): their names, not the package's code, so that an edit
# of the package does not make the library again.
PRECOMPILER = Path(__file__).with_name("precompile.mjs")
START_FILES = ("run-core.mjs", "runner.py", "listings.py", "replay.py")
# runner.py's own pattern for the package's imports (a test holds them equal).
IMPORT_LINE = re.compile(r"^[ \t]*(?:import|from)[ \t]+([A-Za-z_]\w*)", re.MULTILINE)
PRECOMPILE_TIMEOUT = 300  # seconds; about 5 here, a hang would stop make
EDITOR = "editor.mjs"
EDITOR_SOURCE = Path(__file__).with_name("editor.mjs")
ESBUILD = ROOT / "node_modules" / ".bin" / "esbuild"
# 1980-01-01, the earliest time a zip entry can carry: no clock in the wheel.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

log = logging.getLogger("mkdocs.extensions.chapter2.run")

# pyodide.mjs looks for packages on a CDN when it is given no packageBaseUrl.
# The Run button always gives one (the site's own folder), so that address is
# never used; the copy the site serves names no outside address at all.
LOADER = "pyodide.mjs"
CDN_FALLBACK = re.compile(rb"`https://cdn\.jsdelivr\.net/pyodide/v\$\{\w+\}/full/`")
OUTSIDE_ADDRESS = re.compile(rb"https?://[^\s\"'`]+")


class LoaderChanged(RuntimeError):
    """pyodide's loader no longer names its CDN the way :func:`without_cdn` expects."""


def without_cdn(loader: bytes) -> bytes:
    """pyodide's loader with its CDN fallback replaced by its own folder."""
    patched, found = CDN_FALLBACK.subn(b'"./"', loader)
    left = sorted({address.decode() for address in OUTSIDE_ADDRESS.findall(patched)})
    if found != 1 or left:
        raise LoaderChanged(
            f"{PYODIDE / LOADER}: expected its CDN fallback once and no other"
            f" outside address; found the fallback {found} times, and {left}."
            " Update CDN_FALLBACK in sitetools/runtime.py for this pyodide."
        )
    return patched


def _copied() -> bool:
    """Whether :data:`OUT` already holds pyodide's files (from an earlier run)."""
    return all((OUT / name).is_file() for name in (*RUNTIME_FILES, LOCK, EDITOR))


def absent() -> str | None:
    """Why the site has no runtime to serve, or None if :data:`OUT` holds it.

    A pure check, for the build: it writes nothing (only set-up does, with
    :func:`prepare`), so a build never changes its own input.
    """
    wanted = [*RUNTIME_FILES, LOCK, EDITOR, wheel_name()]
    lacking = [name for name in wanted if not (OUT / name).is_file()]
    if not lacking:
        return None
    reason = missing_reason()
    if reason is not None:
        return reason
    folder = OUT.relative_to(ROOT) if OUT.is_relative_to(ROOT) else OUT
    return (
        "the Run buttons and the exercises' Check are left out:"
        f" {folder}/ lacks {', '.join(lacking)}. make build, make serve and"
        " make test put them there first (python -m sitetools.runtime)"
    )


_said: set[str] = set()


def served() -> bool:
    """Whether the site serves the runtime, for what needs it on a page
    (Run buttons, an exercise's Check); if not, say why, once a build.

    Information, not a warning: a strict build without npm still passes.
    """
    reason = absent()
    if reason is not None and reason not in _said:
        _said.add(reason)
        log.info("%s", reason)
    return reason is None


def missing_reason() -> str | None:
    """Why set-up cannot install the runtime here, or None if it can.

    Without ``node_modules`` (a scratch copy of the project, say) the files
    copied earlier still serve; only the wheel is made again.
    """
    if not (PYODIDE / "package.json").is_file() and not _copied():
        return (
            "the Run buttons and the exercises' Check are left out: the npm"
            " package pyodide is not installed (node_modules/pyodide is"
            " missing). Install Node.js and"
            " npm, then run make serve or make test again; everything else"
            " works without them"
        )
    return None


def version() -> str:
    """The version of the chapter2 package: pyproject.toml's, or else the
    installed one's (a scratch copy of the site's sources has no pyproject)."""
    pyproject = ROOT / "pyproject.toml"
    if not pyproject.is_file():
        return importlib.metadata.version("chapter2")
    with pyproject.open("rb") as handle:
        return str(tomllib.load(handle)["project"]["version"])


def wheel_name() -> str:
    return f"chapter2-{version()}-py3-none-any.whl"


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
    return "sha256=" + digest.decode()


def wheel_sources() -> list[Path]:
    """The files the wheel holds: the package's modules and its typing marker
    (nothing a tool left there), and :data:`REPLAY_MODULES`."""
    package = [
        path
        for path in sorted(PACKAGE.rglob("*"))
        if path.is_file() and (path.suffix == ".py" or path.name == "py.typed")
    ]
    return [*package, *(ROOT / name for name in REPLAY_MODULES)]


def wheel_bytes() -> bytes:
    """The chapter2 package as a pure-Python wheel (PEP 427), built in memory."""
    files = {
        path.relative_to(ROOT).as_posix(): path.read_bytes() for path in wheel_sources()
    }
    dist_info = f"chapter2-{version()}.dist-info"
    files[f"{dist_info}/METADATA"] = (
        f"Metadata-Version: 2.1\nName: chapter2\nVersion: {version()}\n"
    ).encode()
    files[f"{dist_info}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: sitetools.runtime\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n"
    )
    files[f"{dist_info}/top_level.txt"] = b"chapter2\nsitetools\n"
    record = [
        f"{name},{_record_hash(data)},{len(data)}" for name, data in files.items()
    ]
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = ("\n".join(record) + "\n").encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            wheel.writestr(entry, data)
    return buffer.getvalue()


def lock_bytes(wheel: bytes) -> bytes:
    """pyodide's lock file with its ``info`` and one package: chapter2.

    The loader checks the ABI in ``info``; the Run button's worker
    (``docs/assets/run/run-worker.mjs``) finds the wheel's name there and
    fetches it with its SHA-256 as the integrity the browser must check,
    and ``run-core.mjs`` checks it again where it can before unpacking it.
    """
    source = PYODIDE / LOCK if (PYODIDE / LOCK).is_file() else OUT / LOCK
    lock = json.loads(source.read_text(encoding="utf-8"))
    chapter2 = {
        "name": "chapter2",
        "version": version(),
        "file_name": wheel_name(),
        "install_dir": "site",
        "sha256": hashlib.sha256(wheel).hexdigest(),
        "package_type": "package",
        "imports": ["chapter2", "sitetools"],
        "depends": [],
    }
    data = {"info": lock["info"], "packages": {"chapter2": chapter2}}
    return (json.dumps(data, indent=1) + "\n").encode()


def _write(path: Path, data: bytes) -> bool:
    """Write ``data`` unless the file already holds it; say if it wrote."""
    if (
        path.is_file()
        and path.stat().st_size == len(data)
        and path.read_bytes() == data
    ):
        return False
    _replace(path, data)
    return True


def _replace(path: Path, data: bytes, mtime_ns: int | None = None) -> None:
    """Write ``path`` in one step: a server or a second test process reading
    it meanwhile sees the old bytes or the new, never half of them."""
    partial = _partial(path)
    partial.write_bytes(data)
    if mtime_ns is not None:
        os.utime(partial, ns=(mtime_ns, mtime_ns))
    partial.replace(path)


def _partial(path: Path) -> Path:
    """Where this process writes ``path`` before it replaces it."""
    return path.with_name(f".{path.name}.{os.getpid()}.partial")


def _copy(source: Path, target: Path) -> bool:
    stat = source.stat()
    if target.is_file():
        mine = target.stat()
        if mine.st_size == stat.st_size and mine.st_mtime_ns == stat.st_mtime_ns:
            return False
    _replace(target, source.read_bytes(), stat.st_mtime_ns)
    return True


def prepare() -> str | None:
    """Put the runtime and the wheel in :data:`OUT`; the reason if it cannot.

    Leftovers (an older wheel, a file a newer pyodide no longer has) are
    removed, so the site serves exactly what this version needs.
    """
    reason = missing_reason()
    if reason is not None:
        return reason
    OUT.mkdir(parents=True, exist_ok=True)
    wanted = {*RUNTIME_FILES, LOCK, EDITOR, wheel_name()}
    for stale in OUT.iterdir():
        if stale.name not in wanted and not stale.name.endswith(".partial"):
            stale.unlink(missing_ok=True)
    for name in RUNTIME_FILES:
        if name == STDLIB or not (PYODIDE / name).is_file():
            continue  # a scratch copy of the project keeps the copies it has
        if name == LOADER:
            _write(OUT / name, without_cdn((PYODIDE / name).read_bytes()))
        else:
            _copy(PYODIDE / name, OUT / name)
    if ESBUILD.is_file():
        _write(OUT / EDITOR, editor_bytes())
    wheel = wheel_bytes()
    _write(OUT / wheel_name(), wheel)
    _write(OUT / LOCK, lock_bytes(wheel))
    if (PYODIDE / STDLIB).is_file():
        try:
            precompile_stdlib()
        except PrecompileFailed as failure:
            # Run works with pyodide's library as shipped, only slower.
            _copy(PYODIDE / STDLIB, OUT / STDLIB)
            log.warning(
                "%s\nThe site serves pyodide's standard library as shipped:"
                " Run works, and its first start takes about twice as long.",
                failure,
            )
    return None


class PrecompileFailed(RuntimeError):
    """The precompiler could not make the library (:func:`precompile_stdlib`)."""


def stdlib_key() -> str:
    """The digest of what the precompiled library is made from: pyodide's
    library and version, the start (:data:`START_FILES`), the precompiler,
    and the names of the modules the wheel's code imports."""
    digest = hashlib.sha256()
    sources = (
        PYODIDE / STDLIB,
        PYODIDE / "package.json",
        PRECOMPILER,
        *(RUN / name for name in START_FILES),
    )
    for path in sources:
        data = path.read_bytes()
        digest.update(f"{path.name} {len(data)}\n".encode())
        digest.update(data)
    imported = {
        name
        for path in wheel_sources()
        if path.suffix == ".py"
        for name in IMPORT_LINE.findall(path.read_text(encoding="utf-8"))
    }
    digest.update(" ".join(sorted(imported)).encode())
    return digest.hexdigest()


def made_from(path: Path) -> str | None:
    """The key a precompiled library was made with (its zip comment), if any."""
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.comment.decode("ascii", errors="replace")
    except (OSError, zipfile.BadZipFile):
        return None


def precompile_stdlib() -> bool:
    """Put pyodide's library, with bytecode for what a start imports, in
    :data:`OUT`, unless the copy there was made from the same files; say
    if it made one. Raises :class:`PrecompileFailed`, with Node's own
    words, if it cannot, and leaves the copy there as it was."""
    key = stdlib_key()
    target = OUT / STDLIB
    if made_from(target) == key:
        return False
    node = shutil.which("node")
    if node is None:
        raise PrecompileFailed(
            f"{PRECOMPILER.name} needs Node.js, which is not on PATH"
        )
    partial = _partial(target)
    command = [node, PRECOMPILER, RUN, PYODIDE / STDLIB, partial, key]
    try:
        made = subprocess.run(
            [str(part) for part in command],
            capture_output=True,
            check=False,
            cwd=ROOT,
            timeout=PRECOMPILE_TIMEOUT,
        )
        if made.returncode != 0 or made_from(partial) != key:
            wrote = "a library of other inputs" if partial.is_file() else "no library"
            raise PrecompileFailed(
                f"{PRECOMPILER.name} could not precompile pyodide's standard"
                f" library (exit status {made.returncode}"
                + (f", and it wrote {wrote}" if made.returncode == 0 else "")
                + "):\n"
                + made.stderr.decode(errors="replace")
            )
        partial.replace(target)
    except subprocess.TimeoutExpired as late:
        raise PrecompileFailed(
            f"{PRECOMPILER.name} did not finish within {PRECOMPILE_TIMEOUT} s"
        ) from late
    finally:
        partial.unlink(missing_ok=True)  # a failure's, or an interrupted run's
    return True


def inputs() -> list[Path]:
    """Every file :func:`prepare` makes its output from, that exists.

    The wheel's sources (the package, :data:`REPLAY_MODULES`, the version in
    pyproject.toml), pyodide's files, the editor's source, and what the
    precompiled library is made from: ``make serve`` runs :func:`prepare`
    again when one of them changes.
    """
    paths = [
        *wheel_sources(),
        ROOT / "pyproject.toml",
        *(PYODIDE / name for name in (*RUNTIME_FILES, LOCK, "package.json")),
        EDITOR_SOURCE,
        PRECOMPILER,
        *(RUN / name for name in START_FILES),
    ]
    return [path for path in paths if path.is_file()]


def editor_bytes() -> bytes:
    """CodeMirror and the Python language, bundled into one ES module.

    esbuild resolves the bare imports of ``sitetools/editor.mjs`` in
    node_modules; the result imports nothing, so it loads from the site.
    """
    bundled = subprocess.run(
        [
            str(ESBUILD),
            str(EDITOR_SOURCE),
            "--bundle",
            "--format=esm",
            "--minify",
            "--legal-comments=none",
            "--target=es2020",
            "--log-level=error",
        ],
        capture_output=True,
        check=False,
        cwd=ROOT,
    )
    if bundled.returncode != 0:
        raise RuntimeError(
            "esbuild could not bundle the editor:\n" + bundled.stderr.decode()
        )
    return bundled.stdout


def _main() -> int:
    reason = prepare()
    if reason is not None:
        print(f"make: {reason}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(_main())
