"""Lines the tests want a reviewer to see after the run.

Tests add lines under a heading with :func:`note`; ``tests/conftest.py``
gathers them from every test process and prints them in pytest's terminal
summary (page weights, where the screenshots went), so they show without
``-s``.
"""

from __future__ import annotations

import pytest

SUMMARY = pytest.StashKey[dict[str, list[str]]]()


def note(config: pytest.Config, heading: str, line: str) -> None:
    """Adds ``line`` under ``heading``, once however many processes say it."""
    lines = config.stash.setdefault(SUMMARY, {}).setdefault(heading, [])
    if line not in lines:
        lines.append(line)


def merge(config: pytest.Config, notes: dict[str, list[str]]) -> None:
    """Add notes taken in another test process (a pytest-xdist worker)."""
    for heading, lines in notes.items():
        for line in lines:
            note(config, heading, line)


def taken(config: pytest.Config) -> dict[str, list[str]]:
    """The notes taken in this process."""
    return config.stash.get(SUMMARY, {})


def write_summary(terminalreporter: pytest.TerminalReporter) -> None:
    sections = terminalreporter.config.stash.get(SUMMARY, {})
    for heading, lines in sections.items():
        terminalreporter.write_sep("-", heading)
        for line in sorted(lines):
            terminalreporter.write_line(line)
