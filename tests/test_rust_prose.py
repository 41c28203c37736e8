"""What the pages say about Rust in words, where a phrase can be wrong.

No compiler needed: these read the pages, the listings and the package's
docstrings (which reach the site through the API reference and snippets).
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.sitebuild import ROOT

HAND_WRITTEN = re.compile(r"by hand|hand-written|written out")
# "the state machine rustc generates" said of the hand-written version: it
# models the states of rustc's future, not its code (async-fn.md#states).
CALLED_RUSTCS = re.compile(
    r"(?<!states of the )(?<!states of )"
    r"\b(?:the )?(?:state machine|future) rustc (?:generates|makes|turns)",
    re.IGNORECASE,
)


def prose_sources() -> list[Path]:
    """Pages, listings and the package's docstrings: all reach the site."""
    return [
        *sorted((ROOT / "docs").rglob("*.md")),
        *sorted((ROOT / "docs" / "listings").glob("*.rs")),
        *sorted((ROOT / "chapter2").glob("*.py")),
    ]


def hand_written_called_rustcs(text: str) -> list[str]:
    """Sentences of ``text`` that call a hand-written version rustc's future."""
    sentences = re.split(r"(?<=[.!?])\s+", " ".join(text.split()))
    return [
        sentence
        for sentence in sentences
        if HAND_WRITTEN.search(sentence) and CALLED_RUSTCS.search(sentence)
    ]


def test_the_hand_written_future_is_a_model_of_the_states_not_rustcs() -> None:
    """The hand-written CartTotal writes out the states of rustc's future; it
    is not the future rustc generates (that keeps values in place, stores the
    arguments twice, keeps drop flags)."""
    assert hand_written_called_rustcs(
        "CartTotal is the future rustc generates for cart_total, by hand."
    )
    assert not hand_written_called_rustcs(
        "It writes out by hand the states of the future rustc generates."
    )
    found = {
        str(path.relative_to(ROOT)): said
        for path in prose_sources()
        if (said := hand_written_called_rustcs(path.read_text(encoding="utf-8")))
    }
    assert not found, f"a hand-written version called rustc's own: {found}"
