"""The waiting page's charts: drawn from the model, readable in both palettes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

import pytest

from chapter2 import waiting
from sitetools import figures
from sitetools.charts import Series, line_chart, nice_ticks
from tests.support.sitebuild import ROOT


@pytest.fixture
def fresh_runs() -> Iterator[None]:
    """For tests that change the model: no cached runs before or after."""
    figures.waiting_runs.cache_clear()
    yield
    figures.waiting_runs.cache_clear()


def tooltips(svg: str) -> list[str]:
    return re.findall(r"<title>([^<]*)</title>", svg)


@pytest.mark.parametrize(
    ("largest", "ticks"),
    [
        (5, [0, 1, 2, 3, 4, 5]),
        (50, [0, 10, 20, 30, 40, 50]),
        (7, [0, 2, 4, 6, 8]),
        (0.1, [0, 0.02, 0.04, 0.06, 0.08, 0.1]),
        (0.3, [0, 0.1, 0.2, 0.3]),
        (0, [0, 1]),
    ],
)
def test_ticks_are_round_numbers_covering_the_data(
    largest: float, ticks: list[float]
) -> None:
    assert nice_ticks(largest) == pytest.approx(ticks)


def test_markers_show_the_model_numbers() -> None:
    svg = figures.render("waiting-elapsed").svg
    shown = set(tooltips(svg))
    for clients in figures.CHART_CLIENTS:
        for run in waiting.compare(clients, figures.CHART_LATENCY):
            noun = "client" if clients == 1 else "clients"
            assert f"{clients} {noun}: {run.elapsed:g} s" in shown, run


def test_threads_chart_shows_the_threads_each_strategy_used() -> None:
    shown = set(tooltips(figures.render("waiting-threads").svg))
    assert {"100 clients: 100 threads", "100 clients: 1 thread"} <= shown


def test_changing_the_models_numbers_changes_the_chart(
    monkeypatch: pytest.MonkeyPatch, fresh_runs: None
) -> None:
    before = figures.render("waiting-elapsed")
    real = waiting.serve_blocking

    def slower(clients: int, latency: float, **options: object) -> waiting.Run:
        run = real(clients, latency, **options)  # type: ignore[arg-type]
        return replace(run, elapsed=run.elapsed * 2)

    monkeypatch.setattr(waiting, "serve_blocking", slower)
    figures.waiting_runs.cache_clear()
    after = figures.render("waiting-elapsed")
    assert after.svg != before.svg
    assert "100 clients: 20 s" in tooltips(after.svg)
    assert "100 clients: 10 s" in tooltips(before.svg)


def test_captions_state_only_what_the_model_shows(
    monkeypatch: pytest.MonkeyPatch, fresh_runs: None
) -> None:
    assert "both finish in 0.1 s" in figures.render("waiting-elapsed").caption
    assert "1 thread each" in figures.render("waiting-threads").caption
    real = waiting.serve_threads

    def slower(clients: int, latency: float, **options: object) -> waiting.Run:
        run = real(clients, latency, **options)  # type: ignore[arg-type]
        return replace(run, elapsed=run.elapsed + clients / 100)

    monkeypatch.setattr(waiting, "serve_threads", slower)
    figures.waiting_runs.cache_clear()
    assert "lie on top of each other" not in figures.render("waiting-elapsed").caption


def test_changing_the_latency_changes_chart_and_caption(
    monkeypatch: pytest.MonkeyPatch, fresh_runs: None
) -> None:
    monkeypatch.setattr(figures, "CHART_LATENCY", 0.2)
    figure = figures.render("waiting-elapsed")
    assert "each wait 0.2 s" in figure.title
    assert "finish in 0.2 s" in figure.caption
    assert "100 clients: 20 s" in tooltips(figure.svg)


def test_charts_cover_the_clients_of_the_table_beside_them() -> None:
    """waiting.md prints compare(...) for some clients and latency right
    above the charts; the charts must go as far, with the same wait."""
    page = (ROOT / "docs" / "waiting.md").read_text(encoding="utf-8")
    table = re.search(r"compare\(clients=(\d+), latency=([\d.]+)\)", page)
    assert table, "waiting.md no longer prints compare(clients=N, latency=L)"
    assert max(figures.CHART_CLIENTS) == int(table[1])
    assert float(table[2]) == figures.CHART_LATENCY


def test_chart_fits_any_palette_and_page() -> None:
    for name in ("waiting-elapsed", "waiting-threads"):
        svg = figures.render(name).svg
        assert svg.startswith("<svg") and svg.endswith("</svg>")
        assert "\n\n" not in svg, "a blank line would end the raw HTML block"
        assert f'role="img" aria-labelledby="{name}-title {name}-desc"' in svg
        assert re.findall(r'\bid="([^"]+)"', svg) == [f"{name}-title", f"{name}-desc"]
        # Text and axes follow the page's colour; no fixed colour anywhere.
        assert 'fill="currentColor"' in svg
        assert not re.search(r"#[0-9a-fA-F]{3,6}\b|\b(black|white)\b", svg)
        for index in (1, 2, 3):
            assert f"var(--chapter-series-{index}, currentColor)" in svg
        # Series differ by more than colour: dash pattern and marker shape.
        assert {"<polygon", "<rect", "<circle"} <= set(re.findall(r"<\w+", svg))
        assert svg.count('stroke-dasharray="7 4"') >= 2
        assert svg.count('stroke-dasharray="2 3"') >= 2
        for label in figures.WAITING_LABELS.values():
            assert f">{label}</text>" in svg
        assert ">clients</text>" in svg


def test_both_palettes_define_the_series_colours() -> None:
    css = (ROOT / "docs" / "assets" / "chapter.css").read_text(encoding="utf-8")
    for scheme in (
        '[data-md-color-scheme="default"]',
        '[data-md-color-scheme="slate"]',
    ):
        # The rules for the scheme alone, not for elements inside it.
        rules = re.findall(re.escape(scheme) + r"\s*\{([^}]*)\}", css)
        block = "".join(rules)
        for index in (1, 2, 3):
            assert f"--chapter-series-{index}:" in block, (scheme, index)


def test_bad_series_are_refused() -> None:
    def tip(series: Series, x: float, y: float) -> str:
        return ""

    with pytest.raises(ValueError, match="every series needs at least one point"):
        line_chart(
            "c", "t", [Series("empty", ())], x_label="x", y_label="y", tooltip=tip
        )
    four = [Series(str(i), ((1, 1),)) for i in range(4)]
    with pytest.raises(ValueError, match="at most 3 series"):
        line_chart("c", "t", four, x_label="x", y_label="y", tooltip=tip)
