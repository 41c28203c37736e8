"""``python -m chapter2 COMMAND``: commands readers run on their own machine.

Each command is a :class:`Command` in :data:`COMMANDS`: a name, a line of
help, a function that adds its arguments to an ``argparse`` sub-parser, and a
function that runs it and returns the exit status. Adding a command means
adding one entry. Bad arguments end with ``argparse``'s usage message and
exit status 2, never a traceback.

A command is stopped the same way by Ctrl-C, ``kill`` (SIGTERM) and a
closed terminal (SIGHUP): each raises :class:`Stopped` in the command, which
ends what it started (the measuring child of ``waiting``) before exiting
with 128 + the signal's number, as a shell reports a process killed by it.
Output to a pipe the reader closed (``| head -1``) ends quietly.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType

from chapter2 import measure


@dataclass(frozen=True)
class Command:
    """One subcommand of ``python -m chapter2``."""

    name: str
    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


COMMANDS = (
    Command(
        "waiting",
        measure.HELP,
        measure.DESCRIPTION,
        measure.add_arguments,
        measure.run,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    """The parser for every command in :data:`COMMANDS`."""
    parser = argparse.ArgumentParser(
        prog="python -m chapter2",
        description="Run the chapter's demos on this machine and measure them.",
    )
    commands = parser.add_subparsers(
        title="commands", dest="command", required=True, metavar="COMMAND"
    )
    for command in COMMANDS:
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.description,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sub)
        sub.set_defaults(run=command.run)
    return parser


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: stop as Ctrl-C would (a subclass of
    ``KeyboardInterrupt``, so what handles Ctrl-C handles it), then exit
    with :attr:`status`."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.status = 128 + signum


STOP_SIGNALS = measure.STOP_SIGNALS
"""The signals that stop a command as Ctrl-C does: SIGTERM and SIGHUP, the
measurement's own (:data:`chapter2.measure.STOP_SIGNALS`)."""


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """While the block runs, :data:`STOP_SIGNALS` raise :class:`Stopped`
    instead of ending the process on the spot, which would leave a child
    process running on without its parent. Only the main thread can set
    handlers; elsewhere (a test's thread) this changes nothing."""

    def stop(signum: int, _: FrameType | None) -> None:
        raise Stopped(signum)

    try:
        before = {
            number: signal.signal(number, stop) for number in STOP_SIGNALS
        }
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        for number, handler in before.items():
            signal.signal(number, handler)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: the command line), run the command, return
    its exit status.
    """
    args = build_parser().parse_args(argv)
    with stopped_by_signals():
        try:
            status: int = args.run(args)
            sys.stdout.flush()
        except Stopped as stopped:
            print(f"stopped by {stopped}", file=sys.stderr)
            return stopped.status
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 128 + signal.SIGINT
        except BrokenPipeError:
            # Whoever read the output stopped reading (``| head -1``). Point
            # stdout at devnull so that Python's own flush at exit does not
            # fail too, and exit as a process killed by SIGPIPE would.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 128 + 13
    return status
