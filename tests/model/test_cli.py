"""``python -m chapter2 waiting``: the table, the progress, and bad input."""

from __future__ import annotations

import io
import os
import re
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from chapter2 import measure
from chapter2.cli import build_parser, main
from chapter2.measure import (
    MAX_CLIENTS,
    MAX_LATENCY,
    STRATEGIES,
    TABLE_HEADINGS,
    Measurement,
    Progress,
    format_measurements,
    peak_memory,
)
from chapter2.waiting import (
    Run,
    crunch_async,
    crunch_serial,
    serve_async,
    serve_blocking,
    serve_threads,
)
from tests.support.sitebuild import ROOT


def table_rows(out: str) -> dict[str, list[str]]:
    """Rows of the printed table by strategy; cells split on runs of spaces."""
    lines = out.splitlines()
    header = lines.index(next(line for line in lines if line.startswith("strategy")))
    rows: dict[str, list[str]] = {}
    for line in lines[header + 1 :]:
        cells = [cell.strip() for cell in line.split("  ") if cell.strip()]
        rows[cells[0]] = cells[1:]
    return rows


def test_measures_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["waiting", "--clients", "3", "--latency", "0.02"]
    status = main([*args, "--strategy", "blocking,async", "--strategy", "threads"])
    out, err = capsys.readouterr()
    assert status == 0, err
    assert out.splitlines()[0] == "3 clients, each waiting 0.02 s"
    assert out.splitlines()[1].split() == [
        "strategy", "wall", "model", "CPU", "CPU/wall", "threads", "peak",
        "waiting", "peak", "memory",
    ]  # fmt: skip
    rows = table_rows(out)
    assert list(rows) == ["blocking", "async", "threads"]
    # model column, threads, most waits at once: counts, not timings
    assert [rows[name][1] for name in rows] == ["0.06 s", "0.02 s", "0.02 s"]
    assert [rows[name][4:6] for name in rows] == [["1", "1"], ["1", "3"], ["3", "3"]]
    # Measured: the blocking thread's CPU is a small share of its wall time
    wall, cpu = (float(rows["blocking"][i].removesuffix(" s")) for i in (0, 2))
    assert wall >= 0.06 and cpu < 0.5 * wall
    # progress went to stderr, one line per strategy (stderr is not a terminal)
    assert err.splitlines() == [
        "3 strategies; the model predicts 0.1 s for those that run",
        "[1/3] blocking (model: 0.06 s) ...",
        "[2/3] async (model: 0.02 s) ...",
        "[3/3] threads (model: 0.02 s) ...",
    ]


def test_quiet_prints_no_progress(capsys: pytest.CaptureFixture[str]) -> None:
    status = main(["waiting", "--clients", "2", "--latency", "0.01", "--quiet",
                   "--strategy", "asyncio,asyncio"])  # fmt: skip
    out, err = capsys.readouterr()
    assert (status, err) == (0, "")
    assert list(table_rows(out)) == ["asyncio"], "a repeated name runs once"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--clients", "0"], "argument --clients: must be from 1 to 10,000, got 0"),
        (["--clients", str(MAX_CLIENTS + 1)], "must be from 1 to 10,000, got 10,001"),
        (["--clients", "-5"], "must be from 1 to 10,000, got -5"),
        (["--clients", "many"], "expected a whole number from 1 to 10,000, got 'many'"),
        (["--clients", "2.5"], "expected a whole number"),
        (["--latency", "0"], "argument --latency: must be more than 0 and at most 60"),
        (["--latency", "-0.1"], "must be more than 0 and at most 60 seconds, got -0.1"),
        (["--latency", "nan"], "got nan"),
        (["--latency", "inf"], "got inf"),
        (["--latency", "61"], "got 61"),
        (["--latency", "soon"], "expected a number of seconds, got 'soon'"),
        (["--strategy", "fibers"], "unknown strategy 'fibers'; choose from blocking,"),
        (["--strategy", "async,fibers"], "unknown strategy 'fibers'"),
        (["--strategy", ","], "no strategy named in ','; choose from blocking,"),
        (["--strategy", ""], "no strategy named in ''"),
        (["--max-seconds", "0"], "argument --max-seconds: must be more than 0"),
        (["--max-seconds", "-1"], "must be more than 0 seconds, got -1"),
        (["--max-seconds", "nan"], "must be more than 0 seconds, got nan"),
        (["--max-seconds", "long"], "expected a number of seconds, got 'long'"),
        (["--colour"], "unrecognized arguments: --colour"),
    ],
)
def test_bad_arguments_exit_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], arguments: list[str], message: str
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["waiting", *arguments])
    out, err = capsys.readouterr()
    assert exited.value.code == 2
    assert out == ""
    assert message in err
    assert "Traceback" not in err
    assert err.startswith("usage: python -m chapter2")


def test_a_command_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main([])
    assert exited.value.code == 2
    assert "required: COMMAND" in capsys.readouterr().err


def test_a_failed_strategy_is_reported_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def cannot_start(
        strategy: measure.Strategy, clients: int, latency: float, progress: Progress
    ) -> Measurement:
        return Measurement(
            strategy.name, 0.1, error="RuntimeError: can't start new thread"
        )

    monkeypatch.setattr(measure, "measure", cannot_start)
    status = main(["waiting", "--strategy", "threads", "--quiet"])
    out, _ = capsys.readouterr()
    assert status == 1
    assert table_rows(out.split("\nthreads: ")[0])["threads"][0] == "failed"
    assert out.splitlines()[-1] == "threads: RuntimeError: can't start new thread"


def test_ctrl_c_stops_cleanly(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(*_: object) -> Measurement:
        raise KeyboardInterrupt

    monkeypatch.setattr(measure, "measure", interrupted)
    assert main(["waiting", "--strategy", "blocking"]) == 130
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines()[-1] == "interrupted"


def test_a_child_that_dies_is_a_failed_row(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(measure, "CHILD", "import sys; sys.exit('no result here')")
    quiet = Progress(io.StringIO(), enabled=False)
    result = measure.measure(STRATEGIES["async"], 2, 0.01, quiet)
    assert (result.run, result.error) == (None, "no result here")


def test_live_progress_on_a_terminal() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    progress = Progress(stream, enabled=True)
    progress.start("[1/1] blocking", 2.0)
    progress.tick(1.25)
    progress.finish()
    assert stream.getvalue() == (
        "\r\x1b[K[1/1] blocking (model: 2 s): 0.0 s"
        "\r\x1b[K[1/1] blocking (model: 2 s): 1.2 s"
        "\r\x1b[K"
    )


def test_headings_and_number_formats() -> None:
    run = Run("threads", 1000, elapsed=0.25, cpu=0.2, threads=1000, peak_waiting=900)
    table = format_measurements(
        [Measurement("threads", 0.1, run, 13 * 2**20), Measurement("asyncio", 0.1, run)]
    )
    assert table.splitlines() == [
        "strategy     wall  model      CPU  CPU/wall  threads"
        "  peak waiting  peak memory",
        "threads   0.250 s  0.1 s  0.200 s       80%    1,000"
        "           900    +13.0 MiB",
        "asyncio   0.250 s  0.1 s  0.200 s       80%    1,000"
        "           900          n/a",
    ]
    assert format_measurements([]).split() == " ".join(TABLE_HEADINGS).split()


def test_heading_says_what_was_measured() -> None:
    assert measure.heading(1, 0.5, ["async"]) == "1 client, each waiting 0.5 s"
    assert measure.heading(2_000, 0.1, ["cpu-async"]) == (
        "2,000 clients, each waiting 0.1 s (cpu-*: each computing 0.1 s)"
    )


@pytest.mark.parametrize(("clients", "latency"), [(1, 0.1), (7, 0.25), (30, 0.05)])
def test_model_column_is_what_the_virtual_model_gives(
    clients: int, latency: float
) -> None:
    virtual = {
        "blocking": serve_blocking(clients, latency),
        "threads": serve_threads(clients, latency),
        "async": serve_async(clients, latency),
        "asyncio": serve_async(clients, latency),
        "cpu-serial": crunch_serial(clients, latency),
        "cpu-async": crunch_async(clients, latency),
    }
    assert set(virtual) == set(STRATEGIES)
    for name, strategy in STRATEGIES.items():
        assert strategy.model(clients, latency) == pytest.approx(virtual[name].elapsed)


def test_peak_memory_is_read_where_the_platform_allows() -> None:
    peak = peak_memory()
    if sys.platform == "win32":
        assert peak is None
    else:
        assert peak is not None and peak > 1_000_000  # bytes, not KiB


def test_the_command_runs_as_a_program() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "chapter2", "waiting", "--clients", "2",
         "--latency", "0.01", "--strategy", "threads,cpu-async"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == (
        "2 clients, each waiting 0.01 s (cpu-*: each computing 0.01 s)"
    )
    rows = table_rows(completed.stdout)
    assert list(rows) == ["threads", "cpu-async"]
    assert [rows[name][4] for name in rows] == ["2", "1"]
    assert completed.stderr.splitlines() == [
        "2 strategies; the model predicts 0.03 s for those that run",
        "[1/2] threads (model: 0.01 s) ...",
        "[2/2] cpu-async (model: 0.02 s) ...",
    ]


def commands_shown_to_readers() -> list[str]:
    """Every ``python -m chapter2 ...`` command line in the docs and README."""
    texts = [p.read_text(encoding="utf-8") for p in (ROOT / "docs").rglob("*.md")]
    texts.append((ROOT / "README.md").read_text(encoding="utf-8"))
    pattern = re.compile(r"^\s*(?:\$ )?\S*python -m chapter2 (.+)$", re.MULTILINE)
    return [match for text in texts for match in pattern.findall(text)]


def test_pages_show_commands() -> None:
    assert len(commands_shown_to_readers()) >= 3


@pytest.mark.parametrize("command", commands_shown_to_readers())
def test_every_command_shown_to_readers_parses(command: str) -> None:
    """A command a page tells readers to type must be one the CLI accepts."""
    argv = shlex.split(command, comments=True)
    if "--help" in argv:
        with pytest.raises(SystemExit) as exited:
            build_parser().parse_args(argv)
        assert exited.value.code == 0
    else:
        build_parser().parse_args(argv)


def fake_measure(measured: list[str]) -> Callable[..., Measurement]:
    """A stand-in for measure.measure that records what it was asked to run
    and reports the model's time as the wall time: no real waiting."""

    def measure_instantly(
        strategy: measure.Strategy, clients: int, latency: float, progress: Progress
    ) -> Measurement:
        measured.append(strategy.name)
        model = strategy.model(clients, latency)
        run = Run(strategy.name, clients, model, 0.0, 1, 1)
        return Measurement(strategy.name, model, run)

    return measure_instantly


@pytest.fixture
def measured(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The strategies the command asks to measure; none really runs."""
    names: list[str] = []
    monkeypatch.setattr(measure, "measure", fake_measure(names))
    return names


def test_strategies_over_the_limit_are_skipped_and_the_table_says_why(
    measured: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # The invocation from the review: 1,000 s each for three strategies.
    status = main(["waiting", "--clients", "10000", "--latency", "0.1"])
    out, err = capsys.readouterr()
    assert status == 0
    assert measured == ["threads", "async", "asyncio"]
    rows = table_rows(out.split("\nblocking: ")[0])
    assert {name: row[:3] for name, row in rows.items() if row[0] == "skipped"} == {
        "blocking": ["skipped", "1000 s", "-"],
        "cpu-serial": ["skipped", "1000 s", "-"],
        "cpu-async": ["skipped", "1000 s", "-"],
    }
    assert out.splitlines()[-4:] == [
        "blocking: skipped, the model predicts 1,000 s, more than --max-seconds 5",
        "cpu-serial: skipped, the model predicts 1,000 s, more than --max-seconds 5",
        "cpu-async: skipped, the model predicts 1,000 s, more than --max-seconds 5",
        "to run anyway, add --max-seconds 1000",
    ]
    assert err.splitlines()[0] == (
        "6 strategies, 3 skipped (see the table);"
        " the model predicts 0.3 s for those that run"
    )
    assert "[1/6] blocking skipped (model: 1,000 s)" in err.splitlines()


def test_the_flag_the_table_suggests_runs_them(
    measured: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["waiting", "--clients", "10000", "--latency", "0.1", "--quiet"]
    assert main([*args, "--max-seconds", "1000"]) == 0
    assert measured == list(STRATEGIES)
    assert "skipped" not in capsys.readouterr().out
    measured.clear()
    assert main([*args, "--max-seconds", "inf", "--strategy", "blocking"]) == 0
    assert measured == ["blocking"]


def test_a_strategy_exactly_at_the_limit_runs(
    measured: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["--clients", "10", "--latency", "0.5", "--strategy", "blocking"]
    assert main(["waiting", *args, "--quiet"]) == 0
    assert measured == ["blocking"], "10 x 0.5 s is 5 s, the default limit"
    assert main(["waiting", *args, "--max-seconds", "4.9", "--quiet"]) == 0
    assert measured == ["blocking"]
    assert "to run anyway, add --max-seconds 5" in capsys.readouterr().out


@given(
    clients=st.integers(1, MAX_CLIENTS),
    latency=st.floats(0, MAX_LATENCY, exclude_min=True),
)
# The worst cases: every strategy right at the limit, or the most clients.
@example(clients=1, latency=5.0)
@example(clients=1, latency=10.0)
@example(clients=1, latency=30.0)
@example(clients=MAX_CLIENTS, latency=5 / MAX_CLIENTS)
@example(clients=1, latency=MAX_LATENCY)
def test_every_allowed_invocation_is_predicted_to_take_30_s_at_most(
    clients: int, latency: float
) -> None:
    """By default, whatever the arguments; start-up and thread creation add
    a little (about 1 s for 6 processes, 3 s for 10,000 threads)."""
    args = build_parser().parse_args(
        ["waiting", "--clients", str(clients), "--latency", repr(latency)]
    )
    total = measure.predicted_seconds(
        list(STRATEGIES), clients, latency, args.max_seconds
    )
    assert total <= 30


def test_help_says_what_the_command_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    listing = capsys.readouterr().out
    assert "waiting   time blocking, threads and async" in listing
    with pytest.raises(SystemExit):
        main(["waiting", "--help"])
    text = capsys.readouterr().out
    assert "--max-seconds T" in text and "(default 5; inf runs every one)" in text
    assert not re.search(r"\bC\d", listing + text), "claim numbers mean nothing here"


def test_the_readme_says_how_long_its_example_takes() -> None:
    """Each ``python -m chapter2 waiting`` line in the README that runs
    strategies ends with ``# about N s``: the model's prediction plus start-up
    (a fraction of a second per strategy), rounded."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = re.findall(r"python -m chapter2 (waiting .*)$", readme, re.MULTILINE)
    runs = [line for line in lines if "--help" not in line]
    assert runs
    for line in runs:
        command, _, stated = line.partition("# about ")
        assert stated, f"README: say how long {command.strip()!r} takes"
        args = build_parser().parse_args(shlex.split(command))
        names = args.strategy or list(STRATEGIES)
        total = measure.predicted_seconds(
            names, args.clients, args.latency, args.max_seconds
        )
        seconds = float(stated.removesuffix(" s"))
        assert total <= seconds <= total + 0.3 * len(names) + 1, line


def children(pid: int) -> list[int]:
    """The processes ``pid`` started that still run (Linux's /proc)."""
    listed = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in listed.read_text().split()]


def alive(pid: int) -> bool:
    """Whether ``pid`` runs: not gone, and not a zombie left to reap."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return status.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.mark.skipif(
    not Path(f"/proc/{os.getpid()}/task/{os.getpid()}/children").exists(),
    reason="reads a process's children from Linux's /proc",
)
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_the_measurement_too(signum: signal.Signals) -> None:
    cli = subprocess.Popen(
        [sys.executable, "-m", "chapter2", "waiting", "--clients", "1",
         "--latency", "30", "--max-seconds", "60", "--strategy", "blocking"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    measuring: list[int] = []
    try:
        deadline = time.monotonic() + 20
        while not measuring and time.monotonic() < deadline:
            time.sleep(0.05)
            measuring = children(cli.pid)
        assert measuring, "the CLI started no measuring process"
        cli.send_signal(signum)
        out, err = cli.communicate(timeout=20)
        assert cli.returncode == 128 + signum, err
        assert err.splitlines()[-1] == f"stopped by {signum.name}"
        assert out == ""
        assert not any(map(alive, measuring)), "the measuring process ran on"
    finally:
        cli.kill()
        for pid in filter(alive, measuring):
            os.kill(pid, signal.SIGKILL)


def test_output_to_a_closed_pipe_ends_quietly() -> None:
    cli = subprocess.Popen(
        [sys.executable, "-m", "chapter2", "waiting", "--clients", "1",
         "--latency", "0.01", "--strategy", "async", "--quiet"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    assert cli.stdout is not None and cli.stderr is not None
    cli.stdout.close()  # as `| head -1` does once it has its line
    err = cli.stderr.read()
    cli.stderr.close()
    assert cli.wait(timeout=60) == 128 + signal.SIGPIPE
    assert err == ""


# The CLI in a process of its own (one thread, as a reader runs it), with a
# SIGTERM sent from inside Popen, after the child started and before Popen
# returns: the window a signal hits more often on a loaded machine.
SIGNAL_INSIDE_POPEN = """
import os, signal, subprocess, sys
real_popen = subprocess.Popen

def popen_then_signal(*args, **kwargs):
    child = real_popen(*args, **kwargs)
    print("child", child.pid, file=sys.stderr, flush=True)
    os.kill(os.getpid(), signal.SIGTERM)
    return child

subprocess.Popen = popen_then_signal
from chapter2.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_signal_while_the_child_starts_ends_it_too() -> None:
    """Without holding the stop signals back while Popen starts the
    measuring child, Stopped escaped from inside Popen and the child ran on
    (tried)."""
    cli = subprocess.run(
        [sys.executable, "-c", SIGNAL_INSIDE_POPEN, "waiting", "--clients", "1",
         "--latency", "30", "--max-seconds", "60", "--strategy", "blocking"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    started = re.search(r"^child (\d+)$", cli.stderr, re.MULTILINE)
    assert started, cli.stderr
    pid = int(started[1])
    try:
        assert cli.returncode == 128 + signal.SIGTERM, cli.stderr
        assert cli.stderr.splitlines()[-1] == "stopped by SIGTERM"
        assert not alive(pid), "the measuring process ran on"
    finally:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)
