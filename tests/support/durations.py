"""How long each group of tests took last time, so the longest start first.

pytest-xdist hands whole groups of tests (``tests/conftest.py``) to its
processes, by default the groups with the most tests first. Test count says
little about time here: the stateful ATM test is one test of several
seconds, test_run_listings is 55 quick ones. A long group handed out last
keeps one process busy while the other waits, about 5 s of a run. So the
main process records each group's seconds in ``.cache/test-durations.json``
at the end of a run, and the next run hands out the longest first (the
longest-processing-time rule). A group with no record yet counts by its
number of tests, at :data:`UNKNOWN_TEST_SECONDS` each.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Mapping

import pytest

from tests.support.sitebuild import ROOT

RECORD = ROOT / ".cache" / "test-durations.json"
UNKNOWN_TEST_SECONDS = 0.1


def recorded() -> dict[str, float]:
    """Seconds per group from earlier runs; empty if none or unreadable."""
    try:
        data = json.loads(RECORD.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        str(group): float(seconds)
        for group, seconds in data.items()
        if isinstance(seconds, int | float)
    }


def record(seconds: Mapping[str, float]) -> None:
    """Keep this run's seconds per group, and earlier ones for groups it
    did not run (a run with ``-m`` leaves some out)."""
    if not seconds:
        return
    kept = {**recorded(), **seconds}
    RECORD.parent.mkdir(parents=True, exist_ok=True)
    partial = RECORD.with_name(f"{RECORD.name}.{os.getpid()}")
    partial.write_text(json.dumps(kept, indent=0, sort_keys=True), encoding="utf-8")
    partial.replace(RECORD)  # whole or not at all: two runs may end together


def longest_first(
    groups: Iterable[tuple[str, int]],
    before: Callable[[str], bool] = lambda group: False,
) -> list[str]:
    """Group names, longest expected first; ``groups`` gives each group's
    name and its number of tests. The groups ``before`` picks come before
    all others, each part longest first."""
    known = recorded()

    def order(group: tuple[str, int]) -> tuple[bool, float]:
        name, tests = group
        return (not before(name), -known.get(name, tests * UNKNOWN_TEST_SECONDS))

    return [name for name, _ in sorted(groups, key=order)]


class GroupClock:
    """A plugin for the main process: each group's seconds (setup, call,
    teardown; ``group_of`` names a test's group), recorded at the end.

    Only from a run of whole groups: every test path, no ``-k``, no stop
    at the first failure, not interrupted. Markers (``make quick``'s ``-m``)
    leave out whole groups, which keep their earlier figures.
    """

    def __init__(self, config: pytest.Config, group_of: Callable[[str], str]) -> None:
        self.config = config
        self.group_of = group_of
        self.seconds: dict[str, float] = {}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        group = self.group_of(report.nodeid)
        self.seconds[group] = self.seconds.get(group, 0.0) + report.duration

    def whole_groups(self) -> bool:
        option = self.config.option
        return (
            self.config.args_source == pytest.Config.ArgsSource.TESTPATHS
            and not option.keyword
            and not option.maxfail
        )

    def pytest_sessionfinish(self, exitstatus: int) -> None:
        finished = exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
        if finished and self.whole_groups():
            record(self.seconds)
