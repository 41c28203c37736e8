"""The benchmark script still runs (tiny size, no timing assertion)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.support.sitebuild import ROOT


def load_benchmark() -> ModuleType:
    path = ROOT / "benchmarks" / "oneshot_tasks.py"
    spec = importlib.util.spec_from_file_location("oneshot_tasks", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("oneshot_tasks", module)
    spec.loader.exec_module(module)
    return module


def test_benchmark_runs_both_sides_and_reports(
    capsys: pytest.CaptureFixture[str],
) -> None:
    benchmark = load_benchmark()
    numbers = benchmark.main(["--tasks", "1000", "--repeat", "1"])
    printed = capsys.readouterr().out
    assert "1,000 tasks" in printed
    assert "chapter2 executor:" in printed and "asyncio:" in printed
    assert "ratio (chapter2 / asyncio):" in printed
    assert numbers["chapter2_peak_bytes"] > 0 and numbers["asyncio_peak_bytes"] > 0


def test_both_sides_compute_the_same_sum() -> None:
    benchmark = load_benchmark()
    assert benchmark.run_chapter2(100) == benchmark.run_asyncio(100) == 4950


def test_bad_sizes_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    benchmark = load_benchmark()
    with pytest.raises(SystemExit):
        benchmark.main(["--tasks", "0"])
    assert "--tasks and --repeat must be at least 1" in capsys.readouterr().err


def load_run_in_page() -> ModuleType:
    path = ROOT / "benchmarks" / "run_in_page.py"
    spec = importlib.util.spec_from_file_location("run_in_page", path)
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("run_in_page", benchmark)  # for its dataclass
    spec.loader.exec_module(benchmark)
    return benchmark


def test_run_in_page_benchmark_refuses_a_site_without_run_buttons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It measures in the browser, which the browser tests already cover; here
    it must at least load and refuse what it cannot measure, clearly."""
    benchmark = load_run_in_page()
    with pytest.raises(SystemExit):
        benchmark.main(["--site", str(tmp_path)])
    err = capsys.readouterr().err
    assert "not a site built with the Run buttons" in err or "is missing" in err


def test_run_in_page_benchmark_reports_every_number(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Each figure it measured is printed in its place: medians (of rounds
    whose mean differs), ratios, milliseconds and kilobytes. (Its fields are
    typed, so mypy checks that measure() makes each and that report() reads
    no name that is not one; this checks that report() prints each.)"""
    benchmark = load_run_in_page()
    numbers = benchmark.Numbers(
        page_bytes=412_300,
        page_gzip=104_600,
        runtime_bytes_before_run=17,
        runtime_bytes=23_456_700,
        runtime_gzip=7_912_300,
        later_run_s=0.047,
        other_page_run_s=0.139,
        runtime_bytes_after_navigation=29,
        cached_full_load_run_s=0.823,
        cached_full_load_status="Ran in 0.82 s, from a saved copy",
        first_runs=(3.5, 1.5, 2.0),
        bare_shipped_starts=(1.0, 1.25, 2.0),
        bare_site_starts=(0.75, 0.8, 1.4),
    )
    benchmark.report(numbers)
    printed = capsys.readouterr().out
    for shown in (
        "412.3 KB  (104.6 KB gzipped)",
        "Python          17 bytes",
        "median of 3, cold",
        "2.00 s   (3.50, 1.50, 2.00; goal: 3 s)",
        "as shipped         1.25 s",
        "site's files       0.80 s",
        "1.60     (to pyodide as shipped",
        "2.50     (to the site's files",
        "23456.7 KB  (7912.3 KB gzipped)",
        "47 ms  (goal: 100 ms)",
        "139 ms  (after instant navigation; Python fetched again: 29 bytes)",
        "823 ms  (after a full page load",
        "it said: Ran in 0.82 s, from a saved copy",
    ):
        assert shown in printed, f"{shown!r} not in:\n{printed}"
