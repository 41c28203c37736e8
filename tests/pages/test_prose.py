"""What the pages say in words, where a phrase can be wrong: the checks that
scan the prose (pages, README, docstrings) for wording all live here.

No compiler needed: these read the pages, the listings and the package's
docstrings (which reach the site through the API reference and snippets).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.sitebuild import ROOT

HAND_WRITTEN = re.compile(r"by hand|hand-written|written out")
# "the state machine rustc generates" said of the hand-written version: it
# models the states of rustc's future, not its code (async-fn.md#states).
CALLED_RUSTCS = re.compile(
    r"(?<!states of the )(?<!states of )"
    r"\b(?:the )?(?:state machine|future) rustc (?:generates|makes|turns)",
    re.IGNORECASE,
)


def prose_sources() -> list[Path]:
    """The README, the pages, the listings and the package's docstrings
    (which reach the site through the API reference and snippets)."""
    return [
        ROOT / "README.md",
        *sorted((ROOT / "docs").rglob("*.md")),
        *sorted((ROOT / "docs" / "listings").glob("*.rs")),
        *sorted((ROOT / "chapter2").rglob("*.py")),
    ]


def sentences(text: str, ends: str = ".!?") -> list[str]:
    """The sentences of ``text``, split after any of ``ends``."""
    return re.split(rf"(?<=[{re.escape(ends)}])\s+", " ".join(text.split()))


def said_in_prose(find: Callable[[str], list[str]]) -> dict[str, list[str]]:
    """What ``find`` picks out of each prose source, by path, where not empty."""
    return {
        str(path.relative_to(ROOT)): said
        for path in prose_sources()
        if (said := find(path.read_text(encoding="utf-8")))
    }


def hand_written_called_rustcs(text: str) -> list[str]:
    """Sentences of ``text`` that call a hand-written version rustc's future."""
    return [
        sentence
        for sentence in sentences(text)
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
    found = said_in_prose(hand_written_called_rustcs)
    assert not found, f"a hand-written version called rustc's own: {found}"


# "exactly the values needed" said of every async fn: a state holds every
# local live at its .await, read later, borrowed or still to be dropped.
ONLY_WHAT_IS_NEEDED = re.compile(
    r"\b(?:exactly|only)\b (?:the values|the data|what)\b[^.]{0,30}\bneed"
)
ABOUT_ASYNC = re.compile(r"async fn|rustc|\.await")
ABOUT_CART_TOTAL = re.compile(r"cart_total|CartTotal")


def only_what_is_needed(text: str) -> list[str]:
    """Sentences of ``text`` saying an async fn's states hold only what the
    rest needs, as a rule (for cart_total it is true, and may be said)."""
    return [
        sentence
        for sentence in sentences(text)
        if ONLY_WHAT_IS_NEEDED.search(sentence)
        and ABOUT_ASYNC.search(sentence)
        and not ABOUT_CART_TOTAL.search(sentence)
    ]


def test_a_state_holds_what_is_live_not_only_what_is_needed() -> None:
    """async-fn.md#states: a state holds every local whose storage is live at
    its .await: read after it, borrowed, or still to be dropped."""
    assert only_what_is_needed(
        "The compiler turns every `async fn` into states, each holding exactly "
        "the values needed to go on."
    )
    assert not only_what_is_needed(
        "For `cart_total` the live values are exactly what the rest needs."
    )
    found = said_in_prose(only_what_is_needed)
    assert not found, f"'only what is needed' stated as a rule: {found}"


# One poll for several wakes, said as a rule of every executor: std promises
# only at least one poll after each wake (Waker::wake's documentation).
MERGES_WAKES = re.compile(r"however many wakes|wakes\b[^.]{0,40}\bbring one poll")
NAMES_WHOSE = re.compile(
    r"\bmay\b|model|this chapter|listings|mini_runtime|\bhere\b|run queue"
)


def wake_merging_as_a_rule(text: str) -> list[str]:
    return [
        sentence
        for sentence in sentences(text, ".!?;")
        if MERGES_WAKES.search(sentence) and not NAMES_WHOSE.search(sentence)
    ]


def test_merging_wakes_is_said_of_this_model_not_of_every_executor() -> None:
    """std promises at least one poll after each wake; that two wakes before
    a poll bring one poll is this chapter's executors' choice."""
    assert wake_merging_as_a_rule(
        "The loop that polls tasks: once when each is spawned, then once more "
        "after it is woken, however many wakes came before that poll."
    )
    assert not wake_merging_as_a_rule(
        "Several wakes may bring one poll, and in this chapter's executors two "
        "wakes before a poll always do."
    )
    found = said_in_prose(wake_merging_as_a_rule)
    assert not found, f"one poll for several wakes stated as a rule: {found}"


# The pages issue 17 rewrote; the others have not been reflowed yet.
REFLOWED = (
    "async-fn.md",
    "python-async.md",
    "index.md",
    "using-the-model.md",
    "waiting.md",
    "glossary.md",
)
FENCE = re.compile(r"^(?P<indent>[ \t]*)```.*?^(?P=indent)```[ \t]*$", re.M | re.S)


def long_prose_lines(markdown: str, width: int = 80) -> list[str]:
    """Source lines of prose wider than ``width``: code, output, table rows
    and lines holding an address are left as they are."""
    prose = FENCE.sub("", markdown)
    return [
        line
        for line in prose.splitlines()
        if len(line) > width and not line.lstrip().startswith("|") and "://" not in line
    ]


@pytest.mark.parametrize("page", REFLOWED)
def test_prose_source_lines_fit_80_columns(page: str) -> None:
    """So a diff of a page is a diff of the sentences that changed."""
    assert long_prose_lines("ok\n```text\n" + "x" * 90 + "\n```\n") == []
    assert long_prose_lines("y" * 81) == ["y" * 81]
    long = long_prose_lines((ROOT / "docs" / page).read_text(encoding="utf-8"))
    assert not long, f"{page}: prose lines over 80 columns: {long}"


# drop(guard) releases the lock (send_guard_released.rs prints it); what it
# does not end is the slot the Send check and the size count.
DROP_NOT_ENOUGH = re.compile(r"\bdrop\b[^.]*\bnot enough\b|\bnot enough\b[^.]*\bdrop\b")


def drop_said_not_to_release(text: str) -> list[str]:
    return [
        sentence
        for sentence in sentences(text)
        if DROP_NOT_ENOUGH.search(sentence) and "`Send`" not in sentence
    ]


def test_drop_is_not_enough_only_for_send_and_the_size() -> None:
    assert drop_said_not_to_release(
        "End the scope: calling `drop` on a value the code has used is not enough."
    )
    assert not drop_said_not_to_release(
        "For the `Send` error and the size, `drop` is not enough."
    )
    found = said_in_prose(drop_said_not_to_release)
    assert not found, f"drop said not to release what it releases: {found}"


PROMISES_A_POLL_PER_WAKE = re.compile(
    r"once per wake\b|(once|one) after each (wake|time)"
    r"|(once|again) each time (its|the) waker",
    re.IGNORECASE,
)


def test_no_page_promises_a_poll_for_every_wake() -> None:
    """Two wakes before a poll bring one poll (tests/model/test_executor.py,
    test_double_wake_means_one_poll), so no page or docstring may say a task
    is polled once per wake."""
    found = said_in_prose(
        lambda text: [
            match[0]
            for match in PROMISES_A_POLL_PER_WAKE.finditer(" ".join(text.split()))
        ]
    )
    assert not found, found


def test_the_prose_scans_read_every_kind_of_source() -> None:
    """The scans above pass on silence: an empty prose_sources() (a moved
    folder, a wrong glob) would pass them all. Each kind must be there,
    the chapter's pages included."""
    found = {path.relative_to(ROOT).as_posix() for path in prose_sources()}
    wanted = {"README.md", "docs/async-fn.md", "docs/errors.md", "chapter2/cart.py"}
    assert wanted <= found, wanted - found
    assert any(name.startswith("docs/listings/") for name in found), found
