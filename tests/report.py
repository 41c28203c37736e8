"""Lines the tests want a reviewer to see after the run.

Tests add lines under a heading with :func:`note`; ``tests/conftest.py``
prints them in pytest's terminal summary (page weights, where the
screenshots went), so they show without ``-s``.
"""

from __future__ import annotations

import pytest

SUMMARY = pytest.StashKey[dict[str, list[str]]]()


def note(config: pytest.Config, heading: str, line: str) -> None:
    config.stash.setdefault(SUMMARY, {}).setdefault(heading, []).append(line)


def write_summary(terminalreporter: pytest.TerminalReporter) -> None:
    sections = terminalreporter.config.stash.get(SUMMARY, {})
    for heading, lines in sections.items():
        terminalreporter.write_sep("-", heading)
        for line in sorted(lines):
            terminalreporter.write_line(line)
