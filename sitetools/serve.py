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

Usage: ``python -m sitetools.serve [mkdocs serve options]``.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Sequence

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


def main(argv: Sequence[str]) -> None:
    """Run ``mkdocs serve`` with ``argv``, redirects logged as INFO."""
    from mkdocs.__main__ import cli

    logging.getLogger(SERVER_LOGGER).addFilter(RedirectsAreNotWarnings())
    cli.main(["serve", *argv], prog_name="mkdocs")


if __name__ == "__main__":
    main(sys.argv[1:])
