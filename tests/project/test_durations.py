"""The order in which test processes get their groups (tests.support.durations)."""

from __future__ import annotations

from pathlib import Path

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
