"""Check yourself: questions and exercises whose answers the model computes.

Listed under ``markdown_extensions`` in mkdocs.yml as ``sitetools.questions``,
so MkDocs and Zensical both run it. A line of its own ::

    <!-- question: async-fn-poll-two -->

becomes that question (see :mod:`sitetools.questions.render`), and
``<!-- exercise: NAME -->`` that exercise. The questions are defined one
module per page (:mod:`sitetools.questions.async_fn`, ...), each a function
that runs the model and returns a :class:`~sitetools.questions.core.Question`;
the exercises live in :mod:`sitetools.questions.exercises`. An unknown name,
or a marker that is indented (where it could not stand as a block of HTML),
fails the build.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

from sitetools.questions.core import Exercise, Question, QuestionError
from sitetools.questions.render import Renderer

MARKER = re.compile(r"<!-- (?P<kind>question|exercise): (?P<name>[\w-]+) -->[ \t]*")
INDENTED = re.compile(r"[ \t]+<!-- (?:question|exercise): [\w-]+ -->")


def pages() -> dict[str, tuple[Callable[[], Question], ...]]:
    """The chapter's pages in reading order, each with its questions' makers.

    Imported here, not at the top: each page's module imports this package.
    """
    from sitetools.questions import (
        async_fn,
        async_fn_rustc,
        errors_page,
        index,
        python_async,
        state_machines,
        using_the_model,
        waiting,
    )

    return {
        "index.md": index.QUESTIONS,
        "waiting.md": waiting.QUESTIONS,
        "state-machines.md": state_machines.QUESTIONS,
        "async-fn.md": async_fn_rustc.QUESTIONS + async_fn.QUESTIONS,
        "errors.md": errors_page.QUESTIONS,
        "python-async.md": python_async.QUESTIONS,
        "using-the-model.md": using_the_model.QUESTIONS,
    }


def build_all() -> dict[str, Question]:
    """Every question of the chapter, by id, each computed from the model now."""
    built: dict[str, Question] = {}
    for page, makers in pages().items():
        for make in makers:
            question = make()
            if question.page != page:
                raise QuestionError(
                    f"{question.id} says page {question.page}, not {page}"
                )
            if question.id in built:
                raise QuestionError(f"two questions are called {question.id}")
            built[question.id] = question
    return built


def build_exercises() -> dict[str, Exercise]:
    """Every exercise, by id."""
    from sitetools.questions import exercises

    return {exercise.id: exercise for exercise in exercises.build_all()}


class QuestionBlocks(Preprocessor):
    """Replaces each marker line with the question or exercise it names."""

    def __init__(self, md: Markdown, extension: QuestionsExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        if not any(MARKER.fullmatch(line) or INDENTED.match(line) for line in lines):
            return lines  # a page without questions builds none
        questions, exercises_ = self.extension.built()
        renderer = self.extension.renderer
        chapter = [q.digest() for q in questions.values()]
        out: list[str] = []
        first = True
        for line in lines:
            marker = MARKER.fullmatch(line)
            if marker is None:
                if INDENTED.match(line):
                    raise QuestionError(
                        f"{line.strip()} is indented; questions and exercises "
                        "must stand at the left margin, outside tabs and admonitions"
                    )
                out.append(line)
                continue
            name = marker["name"]
            if marker["kind"] == "question":
                if name not in questions:
                    raise QuestionError(
                        f"unknown question {name!r}; known: {', '.join(questions)}"
                    )
                html = renderer.question(questions[name], chapter if first else None)
                first = False
            else:
                if name not in exercises_:
                    raise QuestionError(
                        f"unknown exercise {name!r}; known: {', '.join(exercises_)}"
                    )
                html = renderer.exercise(exercises_[name])
            out += ["", self.md.htmlStash.store(html), ""]
        return out


class QuestionsExtension(Extension):
    """Registers :class:`QuestionBlocks`; builds the questions once per build."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.renderer = Renderer()
        self._built: tuple[dict[str, Question], dict[str, Exercise]] | None = None

    def built(self) -> tuple[dict[str, Question], dict[str, Exercise]]:
        if self._built is None:
            self._built = (build_all(), build_exercises())
        return self._built

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.registerExtension(self)
        # After superfences has stashed fenced code (25), so a marker quoted
        # in a code block stays as written; before raw HTML is read (20).
        md.preprocessors.register(QuestionBlocks(md, self), "chapter2_questions", 23)


def makeExtension(**kwargs: Any) -> QuestionsExtension:  # noqa: N802
    """What Python-Markdown calls for ``sitetools.questions``."""
    return QuestionsExtension(**kwargs)
