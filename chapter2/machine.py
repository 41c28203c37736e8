"""Transitions as data: one table that dispatch, errors and diagrams share.

A state machine's legal moves are listed once, in a :class:`TransitionTable`.
Code that moves the machine looks the move up there; an event the table does
not list for the current state raises :class:`InvalidTransition`, naming both;
and the site's diagrams are drawn from the same rows (the site's drawing
module, ``sitetools/drawing.py``, reads them). There is nothing to keep in
sync by hand.

States and events are classes (usually small frozen dataclasses). The table is
keyed by their types, so a state's *data* never changes which moves are legal;
handlers decide among the listed targets using the data.

Examples:
    >>> from dataclasses import dataclass
    >>> from chapter2.machine import Transition, TransitionTable
    >>> @dataclass(frozen=True)
    ... class Off: ...
    >>> @dataclass(frozen=True)
    ... class On: ...
    >>> @dataclass(frozen=True)
    ... class Press: ...
    >>> switch = TransitionTable(
    ...     "switch",
    ...     initial=Off,
    ...     transitions=[
    ...         Transition(Off, Press, (On,), "press"),
    ...         Transition(On, Press, (Off,), "press"),
    ...     ],
    ... )
    >>> switch.lookup(Off(), Press()).targets
    (<class '...On'>,)
    >>> switch.accepted_events(On)
    ('Press',)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


class InvalidTransition(Exception):
    """An event arrived that the current state does not accept.

    Raised before anything changes, so the machine is exactly as it was.
    """

    def __init__(
        self,
        machine: str,
        state: object,
        event: object,
        accepted: Sequence[str],
    ):
        self.machine = machine
        self.state = state
        self.event = event
        self.accepted = tuple(accepted)
        choices = ", ".join(self.accepted) if self.accepted else "no events"
        super().__init__(
            f"{machine}: {type(event).__name__} makes no sense in state "
            f"{type(state).__name__}; it accepts {choices}"
        )


class IllegalTarget(AssertionError):
    """A handler moved to a state its table row does not list (a bug in the model)."""


@dataclass(frozen=True)
class Move:
    """One move a machine made: an arrow of its diagram, by state names.

    ``label`` is the arrow's text (see :meth:`Transition.arrow_label`), so a
    record of moves can be followed on the diagram drawn from the table.
    """

    source: str
    label: str
    target: str


@dataclass(frozen=True)
class Transition:
    """One row of a table: in state ``source``, ``event`` may lead to ``targets``.

    ``label`` is the text drawn on the diagram's arrows. When one event can lead
    to several states, ``guards`` may name the condition that picks each target
    (same order as ``targets``); the diagram then reads ``label [guard]``, the
    usual notation for a guarded transition.
    """

    source: type
    event: type
    targets: tuple[type, ...]
    label: str
    guards: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.guards and len(self.guards) != len(self.targets):
            raise ValueError(
                f"{self.source.__name__} + {self.event.__name__}: "
                f"{len(self.guards)} guards for {len(self.targets)} targets"
            )

    def arrow_label(self, target: type) -> str:
        """The text on the arrow from ``source`` to ``target``."""
        if not self.guards:
            return self.label
        return f"{self.label} [{self.guards[self.targets.index(target)]}]"


class TransitionTable:
    """Every legal move of one state machine, in one place."""

    def __init__(
        self,
        name: str,
        *,
        initial: type,
        transitions: Iterable[Transition],
        final: Iterable[type] = (),
    ) -> None:
        self.name = name
        self.initial = initial
        self.final = tuple(final)
        self.transitions = tuple(transitions)
        self._rows: dict[tuple[type, type], Transition] = {}
        for row in self.transitions:
            key = (row.source, row.event)
            if key in self._rows:
                raise ValueError(
                    f"{name}: two rows for {row.source.__name__} + {row.event.__name__}"
                )
            self._rows[key] = row

    def states(self) -> tuple[type, ...]:
        """Every state, in order of first appearance (initial state first)."""
        seen: dict[type, None] = {self.initial: None}
        for row in self.transitions:
            seen.setdefault(row.source, None)
            for target in row.targets:
                seen.setdefault(target, None)
        for state in self.final:
            seen.setdefault(state, None)
        return tuple(seen)

    def accepted_events(self, state: type) -> tuple[str, ...]:
        """Names of the events ``state`` accepts, in table order."""
        return tuple(
            row.event.__name__
            for row in self.transitions
            if row.source is state
        )

    def lookup(self, state: object, event: object) -> Transition:
        """The row for ``event`` in ``state``, or :class:`InvalidTransition`."""
        row = self._rows.get((type(state), type(event)))
        if row is None:
            raise InvalidTransition(
                self.name, state, event, self.accepted_events(type(state))
            )
        return row

    def check_target(self, row: Transition, new_state: object) -> None:
        """Refuse a move the table does not list: the table must stay the truth."""
        if type(new_state) not in row.targets:
            allowed = ", ".join(t.__name__ for t in row.targets)
            raise IllegalTarget(
                f"{self.name}: {row.source.__name__} + {row.event.__name__} moved to "
                f"{type(new_state).__name__}, but the table allows only {allowed}"
            )

    def move(self, state: object, event: object, new_state: object) -> Move:
        """Check one move against the table and describe it; change nothing.

        Raises :class:`InvalidTransition` if ``state`` does not accept
        ``event``, :class:`IllegalTarget` if the row does not lead to
        ``new_state``'s type.
        """
        row = self.lookup(state, event)
        self.check_target(row, new_state)
        target = type(new_state)
        return Move(
            row.source.__name__, row.arrow_label(target), target.__name__
        )
