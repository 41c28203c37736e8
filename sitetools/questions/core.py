"""Questions as data: a prompt, the model's answer, and named misconceptions.

A question never holds a key typed by hand. Its author writes a function that
runs the model (:mod:`chapter2`) and returns a :class:`Question` whose
:class:`Answer` carries the value the model gave, and whose :class:`Wrong`
options each carry the value a named misconception predicts, with an
explanation built from what the model did. Building the question compares
them: a wrong option that the model's run agrees with is an error, so a
change to the model that makes a "wrong" answer right fails the build instead
of teaching the opposite of the truth. The values compared must be of the
same kind (:func:`comparable`); an option the model cannot evaluate says so
with :data:`UNCHECKED` instead of a placeholder that could never match.

The options are shown in an order fixed by a hash of their text, so where the
right one sits is not chosen by its author either.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field


class QuestionError(ValueError):
    """A question the model contradicts, or one that is malformed."""


@dataclass(frozen=True)
class Answer:
    """The model's answer: the ``value`` it computed, as the reader sees it
    (``text``, inline Markdown), and why it is so (``why``, Markdown)."""

    value: object
    text: str
    why: str


class Unchecked:
    """The value of a wrong option the model cannot run (a misconception
    about what happens at compile time, say): it is not compared, and its
    ``why`` must say from the model's run why the option is wrong."""

    def __repr__(self) -> str:
        return "UNCHECKED"


UNCHECKED = Unchecked()


@dataclass(frozen=True)
class Wrong:
    """A wrong option: what the misconception called ``name`` predicts.

    ``value`` is computed as that misconception would have it (a poll per
    wake, the receiver still stored, ...); ``why`` says, from the model's
    run, why it is not so.
    """

    name: str
    value: object
    text: str
    why: str


@dataclass(frozen=True)
class Show:
    """Where the page shows the answer running.

    Either a stepper on the same page (``stepper`` its name, ``track`` the
    run, ``step`` the step whose ``say`` is what it announces there), or an
    element of the page (``anchor``, an id) when no stepper covers it.
    """

    label: str
    anchor: str
    stepper: str = ""
    track: int = 0
    step: int = 0
    say: str = ""

    def spec(self) -> str:
        """The ``data-show`` attribute: ``stepper track step`` or ``#anchor``."""
        if self.stepper:
            return f"{self.stepper} {self.track} {self.step}"
        return f"#{self.anchor}"


@dataclass(frozen=True)
class Choice:
    """One option as shown: its text, whether it is the model's, and why."""

    text: str
    right: bool
    why: str
    misconception: str = ""


@dataclass(frozen=True)
class Question:
    """A question about the model, placed on one page of the chapter.

    ``prompt`` is Markdown (code blocks allowed); ``title`` a few words for
    the heading. Built, it checks that the model's answer is not also what a
    misconception predicts, and that no two options read the same.
    """

    id: str
    page: str
    title: str
    prompt: str
    answer: Answer
    wrong: tuple[Wrong, ...]
    show: Show | None = None
    choices: tuple[Choice, ...] = field(init=False)

    def __post_init__(self) -> None:
        if len(self.wrong) < 2:
            raise QuestionError(f"question {self.id}: give at least two wrong options")
        if all(wrong.value is UNCHECKED for wrong in self.wrong):
            raise QuestionError(f"question {self.id}: no wrong option is checked")
        texts = [self.answer.text, *(wrong.text for wrong in self.wrong)]
        if len(set(texts)) != len(texts):
            raise QuestionError(f"question {self.id}: two options read the same")
        for wrong in self.wrong:
            if wrong.value is UNCHECKED:
                continue
            if not comparable(wrong.value, self.answer.value):
                raise QuestionError(
                    f"question {self.id}: the misconception {wrong.name!r} "
                    f"predicts {wrong.value!r}, which cannot be compared with "
                    f"the model's {self.answer.value!r}: compute what it "
                    "predicts in the same terms as the answer"
                )
            if wrong.value == self.answer.value:
                raise QuestionError(
                    f"question {self.id}: the misconception {wrong.name!r} "
                    f"predicts {wrong.value!r}, which is what the model gives; "
                    "it is not wrong, so the question must change"
                )
        choices = [
            Choice(self.answer.text, True, self.answer.why),
            *(Choice(w.text, False, w.why, w.name) for w in self.wrong),
        ]
        choices.sort(key=lambda choice: _digest(self.id, choice.text))
        object.__setattr__(self, "choices", tuple(choices))

    @property
    def key(self) -> int:
        """The position of the model's answer among the shown options."""
        return next(i for i, choice in enumerate(self.choices) if choice.right)

    def digest(self) -> str:
        """A hash of everything the reader sees: an edited question gets a
        new one, so progress kept for the old one does not carry over."""
        shown = [self.prompt, [(c.text, c.right, c.why) for c in self.choices]]
        return _digest(self.id, json.dumps(shown))[:12]


@dataclass(frozen=True)
class Exercise:
    """Code for the reader to change until its checks pass.

    ``start`` is the code the reader starts from, ``solution`` one that
    passes; ``checks`` the Python that judges it (see
    :mod:`sitetools.questions.exercises`), whose first check is the one
    the page shows, and ``checks_file`` its file in docs/assets/quiz/checks/,
    which the page fetches; ``hints`` come one at a time.
    """

    id: str
    page: str
    title: str
    task: str
    start: str
    solution: str
    checks: str
    visible: str
    hints: tuple[str, ...]
    checks_file: str

    def digest(self) -> str:
        shown = [self.task, self.start, self.checks, list(self.hints)]
        return _digest(self.id, json.dumps(shown))[:16]


def comparable(predicted: object, model: object) -> bool:
    """Whether a wrong option's value can equal the model's at all: the same
    type, item by item in tuples (``None`` stands for "no value"). A string
    never equals a number or a ``Ready``, so comparing them would prove
    nothing."""
    if predicted is None or model is None:
        return True
    if isinstance(predicted, tuple) and isinstance(model, tuple):
        return all(map(comparable, predicted, model))
    return type(predicted) is type(model)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()
