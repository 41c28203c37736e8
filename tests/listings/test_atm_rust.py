"""The Rust ATM on the page behaves like the Python model, line for line."""

from __future__ import annotations

import re

from chapter2.atm import ATM_TABLE, DEMO_EVENTS, demo_atm, transcript
from tests.support.rust_listings import RUST_TESTS, compile_cached, run
from tests.support.sitebuild import ROOT

LISTING = ROOT / "docs" / "listings" / "atm.rs"

pytestmark = RUST_TESTS


def test_the_rust_atm_prints_the_python_models_walk_through() -> None:
    printed = run(LISTING)

    atm = demo_atm()
    expected = transcript(atm, DEMO_EVENTS)
    expected.append(
        f"balance {atm.bank.balance('alice')}, machine cash {atm.cash}, "
        f"cards returned {len(atm.returned)}"
    )
    assert printed.splitlines() == expected


def test_without_its_last_arm_rustc_names_the_pairs_the_table_refuses() -> None:
    """The page says: delete the catch-all arm and rustc rejects the match,
    listing the same twenty pairs the Python table refuses."""
    source = LISTING.read_text(encoding="utf-8")
    start = source.index("            // Every other pairing makes no sense")
    end = source.index("        };\n        self.state = next;")
    compiled = compile_cached("atm_no_catch_all", source[:start] + source[end:])
    assert compiled.returncode != 0
    first = next(line for line in compiled.stderr.splitlines() if "E0004" in line)
    # "non-exhaustive patterns: `(State::Idle, Event::Digit(_))`, ... and 17 more
    # not covered": the pairs rustc names plus the ones it counts.
    named = re.findall(r"`\(State::[^`]*\)`", first)
    more = re.search(r"and (\d+) more not covered", first)
    assert named and more, first
    assert len(named) + int(more[1]) == len(refused_pairs()) == 20, first


def refused_pairs() -> list[tuple[str, str]]:
    """The (state, event) pairs the Python table has no transition for."""
    events = sorted({row.event.__name__ for row in ATM_TABLE.transitions})
    allowed = {
        (row.source.__name__, row.event.__name__) for row in ATM_TABLE.transitions
    }
    return [
        (state.__name__, event)
        for state in ATM_TABLE.states()
        for event in events
        if (state.__name__, event) not in allowed
    ]


def test_the_pairs_rustc_finds_uncovered_are_those_the_table_refuses() -> None:
    """The same twenty, not only as many: with one arm for each pair the
    Python table refuses in place of the catch-all, the match is exhaustive,
    so every pair rustc found uncovered is one the table refuses; rustc
    counted twenty (above), as many as the table refuses, so the two sets
    are equal."""
    source = LISTING.read_text(encoding="utf-8")
    start = source.index("            // Every other pairing makes no sense")
    end = source.index("        };\n        self.state = next;")
    arms = "".join(
        f"            (State::{state} {{ .. }}, Event::{event} {{ .. }}) =>"
        " unreachable!(),\n"
        for state, event in refused_pairs()
    )
    compiled = compile_cached("atm_refused_arms", source[:start] + arms + source[end:])
    assert compiled.returncode == 0, compiled.stderr
