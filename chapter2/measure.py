"""``python -m chapter2 waiting``: the waiting demos, measured on your machine.

The waiting page runs its demos on a virtual clock, so its numbers are exact
and the same everywhere. This command runs the same code on the real clock
(:class:`~chapter2.clock.RealClock`): real sleeps, real threads, real CPU
work, and prints what each strategy cost here.

Each strategy runs in a fresh Python process, so the threads and memory of
one cannot inflate the numbers of the next. Its *peak memory* is how much
that process's peak resident memory grew while the strategy ran (read with
``resource.getrusage``; shown as ``n/a`` where the ``resource`` module does
not exist, as on Windows). *CPU* counts every thread of that process.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from chapter2.clock import RealClock
from chapter2.waiting import (
    Run,
    crunch_async,
    crunch_serial,
    format_table,
    serve_async,
    serve_asyncio,
    serve_blocking,
    serve_threads,
)

MAX_CLIENTS = 10_000
"""The most clients ``--clients`` accepts: enough to see async at scale, few
enough that one thread per client stays within what most systems allow."""
MAX_LATENCY = 60.0
"""The longest wait ``--latency`` accepts, in seconds."""
DEFAULT_CLIENTS = 20
DEFAULT_LATENCY = 0.1
DEFAULT_MAX_SECONDS = 5.0
"""A strategy the model predicts will take longer than this is skipped unless
``--max-seconds`` allows it: the six strategies together then take about
30 s at most, whatever ``--clients`` and ``--latency`` say."""


@dataclass(frozen=True)
class Strategy:
    """One row of the table: how to run it, and what the model predicts."""

    name: str
    summary: str
    run: Callable[[int, float], Run]
    model: Callable[[int, float], float]
    """Seconds the chapter's model predicts for ``clients`` and ``latency``."""


STRATEGIES: dict[str, Strategy] = {
    strategy.name: strategy
    for strategy in (
        Strategy(
            "blocking",
            "one thread serves the clients in turn, sleeping through each wait",
            lambda n, s: serve_blocking(n, s, clock=RealClock()),
            lambda n, s: n * s,
        ),
        Strategy(
            "threads",
            "one thread per client, each sleeping through its own wait",
            lambda n, s: serve_threads(n, s, clock=RealClock()),
            lambda n, s: s,
        ),
        Strategy(
            "async",
            "one task per client, all on one thread, on the chapter's executor",
            lambda n, s: serve_async(n, s, clock=RealClock()),
            lambda n, s: s,
        ),
        Strategy(
            "asyncio",
            "one task per client, all on one thread, on Python's asyncio",
            serve_asyncio,
            lambda n, s: s,
        ),
        Strategy(
            "cpu-serial",
            "each client needs S seconds of CPU instead; run one after another",
            lambda n, s: crunch_serial(n, s, clock=RealClock()),
            lambda n, s: n * s,
        ),
        Strategy(
            "cpu-async",
            "the same CPU-bound jobs as tasks taking turns on the executor",
            lambda n, s: crunch_async(n, s, clock=RealClock()),
            lambda n, s: n * s,
        ),
    )
}

HELP = "time blocking, threads and async serving clients that wait"
DESCRIPTION = (
    "Serve N clients that each wait S seconds in several ways, on the real\n"
    "clock, and print a table: wall time, what the chapter's model predicts,\n"
    "CPU time, threads used, most waits in progress at once, and growth in\n"
    "peak memory. Each strategy runs in a fresh Python process. A strategy\n"
    "the model predicts will take more than --max-seconds is skipped, and\n"
    "the table says so.\n\nstrategies:\n"
    + "\n".join(f"  {s.name:<11} {s.summary}" for s in STRATEGIES.values())
)


# Argument types: each returns the value or raises ArgumentTypeError, which
# argparse reports with the usage line and exit status 2.
def clients_argument(text: str) -> int:
    try:
        clients = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a whole number from 1 to {MAX_CLIENTS:,}, got {text!r}"
        ) from None
    if not 1 <= clients <= MAX_CLIENTS:
        raise argparse.ArgumentTypeError(
            f"must be from 1 to {MAX_CLIENTS:,}, got {clients:,}"
        )
    return clients


def seconds(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a number of seconds, got {text!r}"
        ) from None


def latency_argument(text: str) -> float:
    latency = seconds(text)
    if not (math.isfinite(latency) and 0 < latency <= MAX_LATENCY):
        raise argparse.ArgumentTypeError(
            f"must be more than 0 and at most {MAX_LATENCY:g} seconds, got {text}"
        )
    return latency


def max_seconds_argument(text: str) -> float:
    limit = seconds(text)
    if not limit > 0:  # also refuses nan
        raise argparse.ArgumentTypeError(
            f"must be more than 0 seconds, got {text}"
        )
    return limit


def strategies_argument(text: str) -> list[str]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in STRATEGIES]
    choices = f"choose from {', '.join(STRATEGIES)}"
    if not names:
        raise argparse.ArgumentTypeError(
            f"no strategy named in {text!r}; {choices}"
        )
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown strategy {', '.join(map(repr, unknown))}; {choices}"
        )
    return names


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``waiting`` command's options."""
    parser.add_argument(
        "--clients",
        type=clients_argument,
        default=DEFAULT_CLIENTS,
        metavar="N",
        help=f"clients to serve, 1 to {MAX_CLIENTS:,} (default {DEFAULT_CLIENTS})",
    )
    parser.add_argument(
        "--latency",
        type=latency_argument,
        default=DEFAULT_LATENCY,
        metavar="S",
        help=f"seconds each client waits, more than 0 and at most {MAX_LATENCY:g} "
        f"(default {DEFAULT_LATENCY:g})",
    )
    parser.add_argument(
        "--strategy",
        type=strategies_argument,
        action="extend",
        metavar="NAME[,NAME...]",
        help="strategies to run, repeatable or comma-separated (default: all)",
    )
    parser.add_argument(
        "--max-seconds",
        type=max_seconds_argument,
        default=DEFAULT_MAX_SECONDS,
        metavar="T",
        help="skip a strategy the model predicts will take more than T seconds"
        f" (default {DEFAULT_MAX_SECONDS:g}; inf runs every one)",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress lines on stderr"
    )


@dataclass(frozen=True)
class Measurement:
    """One strategy's row: the run as measured, why it failed, or the limit
    that kept it from running."""

    strategy: str
    model: float
    run: Run | None = None
    memory: int | None = None
    """Bytes the process's peak resident memory grew by during the run."""
    error: str | None = None
    skipped_over: float | None = None
    """The ``--max-seconds`` that ``model`` exceeded, if it was not run."""


def peak_memory() -> int | None:
    """This process's peak resident memory so far, in bytes, if knowable."""
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS: bytes


CHILD = "import sys; from chapter2.measure import child_main; child_main(sys.argv[1:])"

STOP_SIGNALS = tuple(
    getattr(signal, name)
    for name in ("SIGTERM", "SIGHUP")
    if hasattr(signal, name)
)
"""The signals that stop a command as Ctrl-C does: kill, a closed terminal
(Windows has no SIGHUP)."""

# The signals that stop a measurement, Ctrl-C's among them. They are held
# back while the child process starts: one that arrived inside Popen would
# leave a started child that no one ends.
HELD_SIGNALS = frozenset({signal.SIGINT, *STOP_SIGNALS})
_sigmask = getattr(signal, "pthread_sigmask", None)  # not on Windows


def _hold_signals() -> set[signal.Signals] | None:
    """Hold back :data:`HELD_SIGNALS`; return the mask to put back."""
    return (
        None if _sigmask is None else _sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    )


def _release_signals(mask: set[signal.Signals] | None) -> None:
    if _sigmask is not None and mask is not None:
        _sigmask(signal.SIG_SETMASK, mask)


def child_main(argv: Sequence[str]) -> None:
    """Run one strategy in this (fresh) process; print the result as JSON."""
    name, clients, latency = argv
    if _sigmask is not None:  # the parent held them back while starting us
        _sigmask(signal.SIG_UNBLOCK, HELD_SIGNALS)
    gc.collect()
    before = peak_memory()
    result: dict[str, object]
    try:
        run = STRATEGIES[name].run(int(clients), float(latency))
    except Exception as error:  # reported in the table, not as a traceback
        result = {"error": f"{type(error).__name__}: {error}"}
    else:
        after = peak_memory()
        growth = None if before is None or after is None else after - before
        result = {"run": asdict(run), "memory": growth}
    sys.stdout.write(json.dumps(result))


class Progress:
    """Progress on stderr: a live line on a terminal, a line per strategy
    otherwise, nothing with ``--quiet``.
    """

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.live = enabled and stream.isatty()
        self.label = ""

    def start(self, label: str, model: float) -> None:
        self.label = f"{label} (model: {model:g} s)"
        if self.enabled and not self.live:
            print(f"{self.label} ...", file=self.stream, flush=True)
        self.tick(0.0)

    def tick(self, elapsed: float) -> None:
        if self.live:
            self.stream.write(f"\r\x1b[K{self.label}: {elapsed:.1f} s")
            self.stream.flush()

    def finish(self) -> None:
        if self.live:
            self.stream.write("\r\x1b[K")
            self.stream.flush()

    def note(self, line: str) -> None:
        """A line that stays, on a terminal or not."""
        if self.enabled:
            print(line, file=self.stream, flush=True)


def measure(
    strategy: Strategy, clients: int, latency: float, progress: Progress
) -> Measurement:
    """Run ``strategy`` in a fresh Python process and read its result."""
    model = strategy.model(clients, latency)
    package_root = str(Path(__file__).resolve().parents[1])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [package_root, os.environ.get("PYTHONPATH")])
        ),
    }
    command = [
        sys.executable,
        "-c",
        CHILD,
        strategy.name,
        str(clients),
        repr(latency),
    ]
    started = time.monotonic()
    held = _hold_signals()
    try:
        child = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
    except BaseException:
        _release_signals(held)
        raise
    with child:
        try:
            _release_signals(held)  # a signal held back is raised here
            while True:
                try:
                    out, err = child.communicate(timeout=0.2)
                    break
                except subprocess.TimeoutExpired:
                    progress.tick(time.monotonic() - started)
        except BaseException:
            # Ctrl-C, SIGTERM or SIGHUP (cli.Stopped): do not leave the
            # measurement running; leaving the block waits for it to end.
            child.kill()
            raise
    try:
        result = json.loads(out)
    except json.JSONDecodeError:
        lines = err.strip().splitlines() or [f"exit status {child.returncode}"]
        return Measurement(strategy.name, model, error=lines[-1])
    if "error" in result:
        return Measurement(strategy.name, model, error=result["error"])
    return Measurement(
        strategy.name, model, Run(**result["run"]), result["memory"]
    )


TABLE_HEADINGS = (
    "strategy",
    "wall",
    "model",
    "CPU",
    "CPU/wall",
    "threads",
    "peak waiting",
    "peak memory",
)


def format_measurements(measurements: Sequence[Measurement]) -> str:
    """The table the command prints."""
    rows: list[tuple[str, ...]] = []
    for m in measurements:
        if m.skipped_over is not None:
            rows.append((m.strategy, "skipped", f"{m.model:g} s", *["-"] * 5))
            continue
        if m.run is None:
            rows.append((m.strategy, "failed", *["-"] * 6))
            continue
        run = m.run
        share = f"{run.cpu / run.elapsed:.0%}" if run.elapsed > 0 else "-"
        memory = "n/a" if m.memory is None else f"+{m.memory / 2**20:.1f} MiB"
        rows.append(
            (
                m.strategy,
                f"{run.elapsed:.3f} s",
                f"{m.model:g} s",
                f"{run.cpu:.3f} s",
                share,
                f"{run.threads:,}",
                f"{run.peak_waiting:,}",
                memory,
            )
        )
    table = format_table(TABLE_HEADINGS, rows)
    # A failure message is wider than any column: it gets a line of its own.
    failures = [f"{m.strategy}: {m.error}" for m in measurements if m.error]
    return "\n".join([table, *failures, *skip_notes(measurements)])


def skip_notes(measurements: Sequence[Measurement]) -> list[str]:
    """Under the table: why each skipped strategy was skipped, and the flag
    that runs them all."""
    skipped = [m for m in measurements if m.skipped_over is not None]
    notes = [
        f"{m.strategy}: skipped, the model predicts {m.model:,.6g} s,"
        f" more than --max-seconds {m.skipped_over:g}"
        for m in skipped
    ]
    if skipped:
        enough = math.ceil(max(m.model for m in skipped))
        notes.append(f"to run anyway, add --max-seconds {enough}")
    return notes


def predicted_seconds(
    names: Sequence[str], clients: int, latency: float, max_seconds: float
) -> float:
    """What the model predicts the strategies not skipped take together."""
    models = (STRATEGIES[name].model(clients, latency) for name in names)
    return sum(model for model in models if model <= max_seconds)


def plan(
    names: Sequence[str], clients: int, latency: float, limit: float
) -> str:
    """The first progress line: how many strategies run, and for how long."""
    models = [STRATEGIES[name].model(clients, latency) for name in names]
    skipped = sum(model > limit for model in models)
    total = predicted_seconds(names, clients, latency, limit)
    what = f"{len(names)} strateg{'y' if len(names) == 1 else 'ies'}"
    if skipped:
        what += f", {skipped} skipped (see the table)"
    return f"{what}; the model predicts {total:,.6g} s for those that run"


def run(args: argparse.Namespace) -> int:
    """Measure each chosen strategy and print the table; 1 if any failed."""
    names = list(dict.fromkeys(args.strategy or STRATEGIES))
    clients, latency, limit = args.clients, args.latency, args.max_seconds
    progress = Progress(sys.stderr, enabled=not args.quiet)
    progress.note(plan(names, clients, latency, limit))
    results: list[Measurement] = []
    try:
        for number, name in enumerate(names, 1):
            strategy = STRATEGIES[name]
            label = f"[{number}/{len(names)}] {name}"
            model = strategy.model(clients, latency)
            if model > limit:
                progress.note(f"{label} skipped (model: {model:,.6g} s)")
                results.append(Measurement(name, model, skipped_over=limit))
                continue
            progress.start(label, model)
            results.append(measure(strategy, clients, latency, progress))
            progress.finish()
    except KeyboardInterrupt:  # Ctrl-C, SIGTERM, SIGHUP: the CLI reports it
        progress.finish()
        raise
    print(heading(clients, latency, names))
    print(format_measurements(results))
    return 1 if any(m.error for m in results) else 0


def heading(clients: int, latency: float, names: Sequence[str]) -> str:
    """The line above the table: what was measured."""
    plural = "" if clients == 1 else "s"
    what = f"{clients:,} client{plural}, each waiting {latency:g} s"
    if any(name.startswith("cpu-") for name in names):
        what += f" (cpu-*: each computing {latency:g} s)"
    return what
