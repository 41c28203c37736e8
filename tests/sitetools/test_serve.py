"""``make serve``: another port on request, and no WARNING for the redirect
from ``/`` to the site's path (it alarmed newcomers)."""

from __future__ import annotations

import http.client
import io
import logging
import socket
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from mkdocs.livereload import _Handler

from sitetools import runtime, serve
from sitetools.serve import SERVER_LOGGER, RedirectsAreNotWarnings
from tests.support.sitebuild import ROOT


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def server_log() -> Iterator[list[logging.LogRecord]]:
    """What MkDocs's server logs for a response, through the wrapper's filter."""
    logger = logging.getLogger(SERVER_LOGGER)
    records, redirects = Records(), RedirectsAreNotWarnings()
    logger.addHandler(records)
    logger.addFilter(redirects)
    try:
        yield records.records
    finally:
        logger.removeFilter(redirects)
        logger.removeHandler(records)


def respond(request: str, code: int) -> None:
    """Log a response the way MkDocs's own request handler does."""
    handler = _Handler.__new__(_Handler)  # no socket: only its logging is used
    handler.requestline = request
    handler.log_request(code)


def test_the_redirect_at_the_root_is_info_and_says_why(
    server_log: list[logging.LogRecord],
) -> None:
    respond("GET / HTTP/1.1", 302)
    [record] = server_log
    assert record.levelname == "INFO"
    assert record.getMessage().endswith(
        '"GET / HTTP/1.1" code 302: a redirect to where the site is served'
        " (see 'Serving on'); nothing is wrong"
    )


def test_other_redirects_are_info_and_a_missing_page_stays_a_warning(
    server_log: list[logging.LogRecord],
) -> None:
    respond("GET /chapter2/waiting HTTP/1.1", 302)
    respond("GET /chapter2/nothing/ HTTP/1.1", 404)
    assert [(r.levelname, r.getMessage()[11:]) for r in server_log] == [
        ("INFO", '"GET /chapter2/waiting HTTP/1.1" code 302'),
        ("WARNING", '"GET /chapter2/nothing/ HTTP/1.1" code 404'),
    ]


def test_make_serve_takes_a_port() -> None:
    dry_run = subprocess.run(
        ["make", "-n", "serve", "PORT=8001"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "-m sitetools.serve --dev-addr 127.0.0.1:8001 " in dry_run.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def get(port: int, path: str) -> tuple[int, str | None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("Location")
    finally:
        connection.close()


def test_the_wrapper_serves_a_site_and_redirects_quietly(tmp_path: Path) -> None:
    """A one-page site under /book/, served as make serve serves this one."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Hello\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nsite_url: https://example.invalid/book/\n"
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "sitetools.serve", "-f", str(tmp_path / "mkdocs.yml"),
         "--dev-addr", f"127.0.0.1:{port}", "--no-livereload"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert server.stdout is not None
    log: list[str] = []
    reader = threading.Thread(target=lambda: log.extend(server.stdout or []))
    reader.start()

    def wait_for(what: str, check: Callable[[], bool]) -> None:
        deadline = time.monotonic() + 30
        while not check():
            assert server.poll() is None, f"the server stopped:\n{''.join(log)}"
            assert time.monotonic() < deadline, f"no {what}:\n{''.join(log)}"
            time.sleep(0.05)

    try:
        wait_for("'Serving on'", lambda: any("Serving on" in line for line in log))
        assert get(port, "/") == (302, "/book/")
        assert get(port, "/book/") == (200, None)
        wait_for("log of GET /", lambda: any("GET / " in line for line in log))
    finally:
        server.terminate()
        server.wait(timeout=10)
        reader.join(timeout=10)
        server.stdout.close()
    [logged] = [line for line in log if "GET / " in line]
    assert logged.startswith("INFO"), logged
    assert "code 302: a redirect to where the site is served" in logged
    assert not [line for line in log if "WARNING" in line], log


def test_serve_runs_set_up_again_when_the_package_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The build only checks for the runtime; make serve's watcher makes it
    follow the package (the build used to, while rendering its own input)."""
    inputs = iter([("a",), ("a",), ("b",), ("b",)])
    prepared: list[str] = []
    stop = threading.Event()

    def changed() -> tuple[str, ...]:
        try:
            return next(inputs)
        except StopIteration:
            stop.set()
            return ("b",)

    def prepare() -> None:
        prepared.append("prepared")

    monkeypatch.setattr(serve, "runtime_inputs", changed)
    monkeypatch.setattr(serve.runtime, "prepare", prepare)
    serve.keep_runtime_current(stop, every=0.001)
    assert prepared == ["prepared"]


def test_serve_watches_every_file_the_wheel_is_made_from() -> None:
    """make serve's watcher reads runtime.inputs(), which names each file of
    the wheel: a change to any, the stepper's modules the Run button
    replays included (the watcher's own list left them out), rebuilds it."""
    with zipfile.ZipFile(io.BytesIO(runtime.wheel_bytes())) as wheel:
        held = {name for name in wheel.namelist() if ".dist-info/" not in name}
    watched = {path for path, _, _ in serve.runtime_inputs()}
    assert {str(ROOT / name) for name in held} <= watched
    assert str(ROOT / "pyproject.toml") in watched  # the wheel's version
    assert any(name.startswith("sitetools/steppers/") for name in held)
