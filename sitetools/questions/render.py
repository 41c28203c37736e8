"""Questions and exercises as HTML that works without JavaScript.

A question is a group: its prompt, one native radio input per option (each
named by its label), an empty ``role="status"`` region for the verdict, and
a collapsed ``<details>`` with the model's answer, why it holds, and why each
other option does not. Read without scripts, or printed, that is a question
with its answer at the back. ``docs/assets/quiz/quiz.js`` adds a Check
button, the verdict, progress and "show me", reading only what is here:

``data-question``  the question's id (the root)
``data-key``       a hash of what the reader sees (progress is kept by it)
``data-answer``    the position of the model's answer among the options
``data-show``      on the "show me" link: ``stepper track step``, or ``#id``
``data-why``       on each explanation: the option it explains

An exercise (``data-exercise``) shows its task, the starting code, the check
the page shows, hints and a solution, each hint and the solution in a
``<details>``; the script adds an editor and a Check button that runs the
checks in the page's Python (``data-checks`` names their file in
``docs/assets/quiz/checks/``, fetched at the first Check). A site built
without the page's Python (:func:`sitetools.runtime.served`) has no
``data-checks`` and says why instead; the script leaves such an exercise as
it is.
"""

from __future__ import annotations

import html
import json
import re

from markdown import Markdown

from sitetools import runtime, searchable
from sitetools.questions.core import Exercise, Question

# Questions stay out of the search index (see sitetools/searchable.py): they
# restate the page's prose, and their options, wrong ones included, would
# become search hits. Both searches skip a marked element up to its first
# closing tag of the same name, so the root is a <section>, a tag nothing
# inside it uses.
UNSEARCHED = searchable.MARK

PARAGRAPH = re.compile(r"\A<p>(?P<inner>.*)</p>\Z", re.DOTALL)


def converter() -> Markdown:
    """Markdown for prompts and explanations: code blocks highlighted as on
    the page, inline code, tables; nothing that runs."""
    return Markdown(
        extensions=[
            "pymdownx.superfences",
            "pymdownx.highlight",
            "pymdownx.inlinehilite",
            "tables",
        ],
        extension_configs={"pymdownx.highlight": {"pygments_lang_class": True}},
    )


def opening(kind: str, ident: str, kicker: str, title: str, data: str) -> str:
    """The root's opening tag and the title line, shared by questions and
    exercises: a group named by its title, kept out of search; ``data`` is
    the rest of the root's attributes."""
    title_id = f"{kind}-{ident}-title"
    css = "chapter-quiz" if kind == "question" else "chapter-exercise"
    return (
        f'<section class="{css}" role="group" id="{kind}-{ident}"'
        f' {UNSEARCHED} aria-labelledby="{title_id}" data-{kind}="{ident}"'
        f"{data}>\n"
        f'<p class="chapter-quiz__title" id="{title_id}">'
        f'<span class="chapter-quiz__kicker">{kicker}</span> '
        f"{html.escape(title)}</p>"
    )


class Renderer:
    """Turns questions and exercises into HTML with one Markdown converter."""

    def __init__(self) -> None:
        self.md = converter()

    def block(self, text: str) -> str:
        self.md.reset()
        return self.md.convert(text)

    def inline(self, text: str) -> str:
        """One paragraph's worth, without the paragraph."""
        out = self.block(text)
        match = PARAGRAPH.match(out)
        return match["inner"] if match else out

    def question(self, question: Question, chapter: list[str] | None = None) -> str:
        """The question's HTML; ``chapter``, on the first question of a
        page, lists every question's key for the chapter summary."""
        qid = question.id
        choices = "\n".join(
            f'<label class="chapter-quiz__choice">'
            f'<input type="radio" name="question-{qid}" value="{number}"> '
            f"<span>{self.inline(choice.text)}</span></label>"
            for number, choice in enumerate(question.choices)
        )
        answer = question.choices[question.key]
        others = "\n".join(
            f"<li><strong>{self.inline(choice.text)}</strong>: "
            f'<span data-why="{number}"><span class="chapter-quiz__misconception">'
            f"The idea behind it: {html.escape(choice.misconception)}."
            f"</span> {self.inline(choice.why)}</span></li>"
            for number, choice in enumerate(question.choices)
            if not choice.right
        )
        show = ""
        if question.show is not None:
            target = question.show
            show = (
                f'<p class="chapter-quiz__show"><a href="#{target.anchor}"'
                f' data-show="{html.escape(target.spec())}">'
                f"Show me: {html.escape(target.label)}</a></p>"
            )
        extra = ""
        if chapter is not None:
            extra = f" data-quiz-chapter='{html.escape(json.dumps(chapter))}'"
        return "\n".join(
            [
                opening(
                    "question",
                    qid,
                    "Check yourself:",
                    question.title,
                    f' data-key="{question.digest()}" data-answer="{question.key}"'
                    f"{extra}",
                ),
                '<div class="chapter-quiz__prompt">'
                f"{self.block(question.prompt)}</div>",
                '<fieldset class="chapter-quiz__choices">'
                '<legend class="chapter-quiz__legend">Your answer</legend>',
                choices,
                "</fieldset>",
                '<div class="chapter-quiz__verdict" role="status"></div>',
                '<details class="chapter-quiz__answer">'
                "<summary>Answer and explanation</summary>",
                f"<p><strong>Answer:</strong> {self.inline(answer.text)}</p>",
                f'<div data-why="{question.key}">{self.block(answer.why)}</div>',
                "<p>Why not the others:</p>",
                f"<ul>\n{others}\n</ul>",
                show,
                "</details>",
                "</section>",
            ]
        )

    def exercise(self, exercise: Exercise) -> str:
        eid = exercise.id
        # Checks run in the page's Python: a site built without it offers no
        # Check, and says so; the hints and the solution stay open to all.
        if runtime.served():
            checks = f' data-checks="{html.escape(exercise.checks_file)}"'
            no_python = ""
        else:
            checks = ""
            no_python = (
                '<p class="chapter-exercise__note">Checking your code needs'
                " Python in the page, and this copy of the site was built"
                " without it: try the code in your own Python, then compare"
                " with the hints and the solution below.</p>"
            )
        hints = "\n".join(
            f'<details class="chapter-exercise__hint" data-hint="{number}">'
            f"<summary>Hint {number + 1} of {len(exercise.hints)}</summary>"
            f"{self.block(hint)}</details>"
            for number, hint in enumerate(exercise.hints)
        )
        return "\n".join(
            [
                opening(
                    "exercise",
                    eid,
                    "Exercise:",
                    exercise.title,
                    f' data-key="{exercise.digest()}"' + checks,
                ),
                '<div class="chapter-exercise__task">'
                f"{self.block(exercise.task)}</div>",
                no_python,
                '<div class="chapter-exercise__start">',
                self.block(f"```python\n{exercise.start.rstrip()}\n```"),
                "</div>",
                '<div class="chapter-exercise__visible">'
                "<p>The check this page shows (more run on Check):</p>",
                self.block(f"```python\n{exercise.visible.rstrip()}\n```"),
                "</div>",
                '<p class="chapter-exercise__verdict" role="status"></p>',
                hints,
                '<details class="chapter-exercise__solution">'
                "<summary>A solution</summary>",
                self.block(f"```python\n{exercise.solution.rstrip()}\n```"),
                "</details>",
                "</section>",
            ]
        )
