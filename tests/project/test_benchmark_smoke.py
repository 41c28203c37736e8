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


def test_run_in_page_benchmark_refuses_a_site_without_run_buttons(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """It measures in the browser, which the browser tests already cover; here
    it must at least load and refuse what it cannot measure, clearly."""
    path = ROOT / "benchmarks" / "run_in_page.py"
    spec = importlib.util.spec_from_file_location("run_in_page", path)
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    with pytest.raises(SystemExit):
        benchmark.main(["--site", str(tmp_path)])
    err = capsys.readouterr().err
    assert "not a site built with the Run buttons" in err or "is missing" in err
