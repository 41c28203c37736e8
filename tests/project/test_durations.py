"""The order in which test processes get their groups (tests.support.durations)."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from tests.support import durations


@pytest.fixture
def record_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "test-durations.json"
    monkeypatch.setattr(durations, "RECORD", path)
    return path


def test_the_longest_group_last_time_goes_first(record_file: Path) -> None:
    durations.record({"one-slow-test": 8.0, "many-quick": 2.0})
    order = durations.longest_first([("many-quick", 55), ("one-slow-test", 1)])
    assert order == ["one-slow-test", "many-quick"]


def test_the_groups_picked_to_go_before_go_first_each_part_longest_first(
    record_file: Path,
) -> None:
    durations.record({"browser-a": 1.0, "browser-b": 3.0, "other": 9.0})
    groups = [("other", 1), ("browser-a", 1), ("browser-b", 1), ("other-2", 1)]
    order = durations.longest_first(groups, before=lambda g: g.startswith("browser"))
    assert order == ["browser-b", "browser-a", "other", "other-2"]


def test_a_group_never_timed_counts_by_its_tests(record_file: Path) -> None:
    durations.record({"timed": 3.0})
    # 40 tests at 0.1 s outweigh 3 s; 10 tests do not.
    assert durations.longest_first([("timed", 2), ("new", 40)])[0] == "new"
    assert durations.longest_first([("timed", 2), ("new", 10)])[0] == "timed"


def test_a_run_of_some_groups_keeps_the_others(record_file: Path) -> None:
    durations.record({"a": 1.0, "b": 2.0})
    durations.record({"b": 5.0})
    assert durations.recorded() == {"a": 1.0, "b": 5.0}


@pytest.mark.parametrize("text", ["", "not json", "[1, 2]", '{"a": "x", "b": 2}'])
def test_an_unreadable_record_counts_as_none(record_file: Path, text: str) -> None:
    record_file.write_text(text, encoding="utf-8")
    assert durations.recorded() == ({"b": 2.0} if "b" in text else {})


def run_with(
    *, paths: bool = False, keyword: str = "", maxfail: int = 0
) -> pytest.Config:
    """A main process's configuration, as far as GroupClock reads it."""
    source = pytest.Config.ArgsSource
    config: Any = SimpleNamespace(
        args_source=source.ARGS if paths else source.TESTPATHS,
        option=SimpleNamespace(keyword=keyword, maxfail=maxfail),
    )
    return config


@pytest.mark.parametrize(
    ("run", "kept"),
    [
        ({}, True),
        ({"paths": True}, False),
        ({"keyword": "copy"}, False),
        ({"maxfail": 1}, False),
    ],
    ids=["whole run", "some paths", "-k", "-x"],
)
def test_only_a_run_of_whole_groups_is_recorded(
    record_file: Path, run: dict[str, Any], kept: bool
) -> None:
    """A run of part of a group would record it as short, and the next run
    would hand it out last."""
    clock = durations.GroupClock(run_with(**run), lambda nodeid: nodeid.split("::")[0])
    for nodeid, seconds in (("a.py::one", 1.0), ("a.py::two", 2.0), ("b.py::x", 4.0)):
        clock.pytest_runtest_logreport(SimpleNamespace(nodeid=nodeid, duration=seconds))
    clock.pytest_sessionfinish(pytest.ExitCode.INTERRUPTED)  # cut short: never
    assert durations.recorded() == {}
    clock.pytest_sessionfinish(pytest.ExitCode.TESTS_FAILED)
    assert durations.recorded() == ({"a.py": 3.0, "b.py": 4.0} if kept else {})


def test_every_browser_group_and_no_other_goes_first() -> None:
    """tests/conftest.py: a page's browser tests, a browser module's own
    tests, and nothing outside tests/browser/."""
    from tests.conftest import BROWSER_PAGES, in_the_browser, xdist_group

    page_test = "tests/browser/test_copy.py::test_copy[async-fn.md]"
    assert xdist_group(page_test) == BROWSER_PAGES
    groups = {
        xdist_group(nodeid): in_the_browser(xdist_group(nodeid))
        for nodeid in (
            page_test,
            "tests/browser/test_visits.py::test_a_request",
            "tests/model/test_atm.py::test_pin",
            "docs/waiting.md::line:12,column:1",
        )
    }
    assert groups == {
        BROWSER_PAGES: True,
        "tests/browser/test_visits.py": True,
        "tests/model/test_atm.py": False,
        "docs/waiting.md": False,
    }
