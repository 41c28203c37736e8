"""``python -m chapter2 COMMAND``: commands readers run on their own machine.

Each command is a :class:`Command` in :data:`COMMANDS`: a name, a line of
help, a function that adds its arguments to an ``argparse`` sub-parser, and a
function that runs it and returns the exit status. Adding a command means
adding one entry. Bad arguments end with ``argparse``'s usage message and
exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: the command line), run the command, return
    its exit status.
    """
    args = build_parser().parse_args(argv)
    status: int = args.run(args)
    return status
