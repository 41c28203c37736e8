"""What question authors share: running a snippet, finding a stepper's step.

Nothing here knows an answer. :func:`printed` runs code and returns what it
printed; :func:`stepper_show` finds, in the steps a stepper computed from the
model, the one whose words start a given way, so "show me" lands on the step
that answers the question in the same build.
"""

from __future__ import annotations

import contextlib
import io
import re
import textwrap
from pathlib import Path
from typing import Any

from chapter2.oneshot import Receiver, Sender, channel
from sitetools import steppers
from sitetools.questions.core import QuestionError, Show


def printed(code: str) -> str:
    """What ``code`` prints when run as a script, in fresh globals."""
    out = io.StringIO()
    namespace: dict[str, Any] = {"__name__": "__question__"}
    with contextlib.redirect_stdout(out):
        exec(compile(textwrap.dedent(code), "<question>", "exec"), namespace)
    return out.getvalue()


def price_channel(name: str) -> tuple[Sender[int], Receiver[int]]:
    """``channel(name)`` for a price: the model's channel, typed."""
    return channel(name)


def fence(code: str, language: str = "python") -> str:
    """``code`` as a fenced Markdown block."""
    return f"```{language}\n{textwrap.dedent(code).strip()}\n```"


def stepper_tracks(name: str) -> list[dict[str, Any]]:
    """The runs the stepper ``name`` shows, as its widget receives them."""
    tracks: list[dict[str, Any]] = steppers.build(name).data()
    return tracks


def stepper_show(
    name: str, track: int, starts: str, label: str, *, contains: str = ""
) -> Show:
    """The first step of run ``track`` of stepper ``name`` whose words start
    with ``starts`` (and contain ``contains``); an error if there is none
    (the stepper changed)."""
    stepper = steppers.build(name)
    tracks: list[dict[str, Any]] = stepper.data()
    for number, step in enumerate(tracks[track]["steps"]):
        say = str(step["narration"])
        if say.startswith(starts) and contains in say:
            return Show(
                label,
                f"figure-{stepper.figure}",
                stepper=name,
                track=track,
                step=number,
                say=say,
            )
    raise QuestionError(
        f"stepper {name}, run {track}: no step starts {starts!r}"
        + (f" and says {contains!r}" if contains else "")
    )


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


DOCS = Path(__file__).resolve().parents[2] / "docs"

# ```text title="output of NAME.rs"``` (or "rustc on NAME.rs") on a page, at
# any indent: blocks the tests compare with what rustc prints.
TEXT_BLOCK = re.compile(
    r'^(?P<indent>[ \t]*)```text title="(?P<title>[^"]*)"[^\n]*\n'
    r"(?P<body>.*?)^(?P=indent)```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def checked_block(page: str, title: str) -> str:
    """The text of the block titled ``title`` on ``page``, dedented.

    tests/listings/test_rust_listings.py holds these blocks to what rustc and
    the compiled listing print, so a question that reads one reads rustc.
    """
    text = (DOCS / page).read_text(encoding="utf-8")
    for block in TEXT_BLOCK.finditer(text):
        if block["title"] == title:
            indent = len(block["indent"])
            lines = block["body"].splitlines()
            return "\n".join(line[indent:] for line in lines) + "\n"
    raise QuestionError(f"{page} has no block titled {title!r}")


def find_block(title: str) -> str | None:
    """The block titled ``title`` on whichever page shows it, dedented, or
    ``None``: a listing's rustc block may move from page to page."""
    for page in sorted(DOCS.glob("*.md")):
        try:
            return checked_block(page.name, title)
        except QuestionError:
            continue
    return None


def listing_output(page: str, listing: str) -> str:
    """What ``listing`` prints, as ``page`` shows it (checked against rustc)."""
    return checked_block(page, f"output of {listing}")
