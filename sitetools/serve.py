"""``make serve``: ``mkdocs serve``, with its redirects logged as what they are.

MkDocs serves the site under the path of ``site_url`` (``/chapter2/``, as on
the published site, so that a link that only works at the root of a domain
breaks here too) and answers a request for ``/`` with a 302 redirect there.
It logs every response other than 200 as a WARNING, so a newcomer who opens
``http://127.0.0.1:8000`` sees a warning for nothing wrong; and a warning
logged while a rebuild runs counts against ``strict: true`` and can fail that
rebuild. This wrapper logs 302 responses at INFO level instead, the one at
``/`` with a word on why. Everything else MkDocs logs (a 404 for a missing
page, say) stays as it was.

It also keeps the Run buttons' runtime current while it serves: the build
never writes ``docs/assets/run/python/`` (:func:`sitetools.runtime.absent`
only checks), so when the package or pyodide changes, a watcher here runs
set-up's :func:`sitetools.runtime.prepare` again, and the new wheel, like
any change under ``docs/``, makes MkDocs rebuild.

Usage: ``python -m sitetools.serve [mkdocs serve options]``.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Sequence

from sitetools import runtime

SERVER_LOGGER = "mkdocs.livereload"
# What mkdocs.livereload logs for each response other than 200:
# '[12:34:56] "GET / HTTP/1.1" code 302'.
REDIRECT = re.compile(r'(\[[\d:]+\] )?"[A-Z]+ (?P<path>\S+) HTTP/[\d.]+" code 302')


class RedirectsAreNotWarnings(logging.Filter):
    """Log MkDocs's 302 responses at INFO level, explaining the one at ``/``."""

    def filter(self, record: logging.LogRecord) -> bool:
        found = REDIRECT.fullmatch(record.getMessage())
        if record.levelno == logging.WARNING and found:
            record.levelno, record.levelname = logging.INFO, "INFO"
            if found["path"] == "/":
                record.msg = (
                    f"{record.getMessage()}: a redirect to where the site is"
                    " served (see 'Serving on'); nothing is wrong"
                )
                record.args = ()
        return True


WATCH_SECONDS = 1.0


def runtime_inputs() -> tuple[tuple[str, int, int], ...]:
    """What the runtime's files are made from (:func:`runtime.inputs`),
    cheaply: names, sizes, mtimes."""
    return tuple(
        (str(path), path.stat().st_size, path.stat().st_mtime_ns)
        for path in runtime.inputs()
    )


def keep_runtime_current(stop: threading.Event, every: float = WATCH_SECONDS) -> None:
    """Run set-up's :func:`runtime.prepare` whenever its inputs change."""
    seen = runtime_inputs()
    while not stop.wait(every):
        now = runtime_inputs()
        if now != seen:
            seen = now
            reason = runtime.prepare()
            if reason is not None:
                runtime.log.info("%s", reason)


def main(argv: Sequence[str]) -> None:
    """Run ``mkdocs serve`` with ``argv``, redirects logged as INFO, and the
    runtime kept current (:func:`keep_runtime_current`)."""
    from mkdocs.__main__ import cli

    logging.getLogger(SERVER_LOGGER).addFilter(RedirectsAreNotWarnings())
    stop = threading.Event()
    watcher = threading.Thread(target=keep_runtime_current, args=(stop,), daemon=True)
    watcher.start()
    try:
        cli.main(["serve", *argv], prog_name="mkdocs")
    finally:
        stop.set()


if __name__ == "__main__":
    main(sys.argv[1:])
