"""What a stepper shows, step by step: the data the widget is built from.

A story module (:mod:`~sitetools.steppers.cart`, :mod:`~sitetools.steppers.clients`,
:mod:`~sitetools.steppers.atm`) runs the model and tells each step as a
:class:`Step`; :mod:`sitetools.steppers.widget` writes the steps into the page
for ``docs/assets/stepper/stepper.js``.
"""

from __future__ import annotations

from dataclasses import dataclass


class StepperError(RuntimeError):
    """A stepper could not be built (unknown name, or the model disagreed)."""


@dataclass(frozen=True)
class Step:
    """What the widget shows at one step.

    ``title`` places the step ("Poll 2 of 3"); ``event`` says what led to
    it and ``outcome`` what it did, in words (the live region reads all
    three: :attr:`narration`). ``node`` is the diagram node to mark as
    current, ``edges`` the arrows just taken (source, target),
    ``other_tasks`` the nodes other tasks occupy now, ``refused`` the event
    the current state refused, if it did (the diagram marks it on the node),
    and ``fields`` the name and value of each thing to show.
    """

    title: str
    event: str
    outcome: str
    node: str
    edges: tuple[tuple[str, str], ...] = ()
    other_tasks: tuple[str, ...] = ()
    refused: str = ""
    fields: tuple[tuple[str, str], ...] = ()

    @property
    def narration(self) -> str:
        """The step in one paragraph, as the live region announces it."""
        return " ".join(
            part for part in (self.title + ".", self.event, self.outcome) if part
        )


# What a field shows at a step that does not give it a value.
NO_VALUE = "\N{EM DASH}"


@dataclass(frozen=True)
class Track:
    """One run to step through (a scenario), with the label its switch shows."""

    label: str
    steps: tuple[Step, ...]

    def field_names(self) -> tuple[str, ...]:
        """Every field any step shows, in order of first appearance: the
        widget keeps one row per name for the whole run, so rows never move.
        """
        names: dict[str, None] = {}
        for step in self.steps:
            names.update((name, None) for name, _ in step.fields)
        return tuple(names)

    def data(self) -> dict[str, object]:
        names = self.field_names()
        steps = []
        for step in self.steps:
            values = dict(step.fields)
            shown: dict[str, object] = {
                "narration": step.narration,
                "node": step.node,
                "edges": [list(edge) for edge in step.edges],
                "others": list(step.other_tasks),
                "values": [values.get(name, NO_VALUE) for name in names],
            }
            if step.refused:
                shown["refused"] = step.refused
            steps.append(shown)
        return {"label": self.label, "fields": list(names), "steps": steps}


@dataclass(frozen=True)
class Stepper:
    """A widget's title, the figure it marks, and its runs."""

    name: str
    figure: str
    title: str
    tracks: tuple[Track, ...] = ()

    def data(self) -> list[dict[str, object]]:
        return [track.data() for track in self.tracks]

    def marks(self) -> tuple[str, ...]:
        """The kinds of mark some step puts on the diagram, for the legend."""
        steps = [step for track in self.tracks for step in track.steps]
        kinds = {
            "current": True,
            "others": any(step.other_tasks for step in steps),
            "taken": any(step.edges for step in steps),
            "refused": any(step.refused for step in steps),
        }
        return tuple(kind for kind, used in kinds.items() if used)
