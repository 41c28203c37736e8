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
    events = {row.event for row in ATM_TABLE.transitions}
    refused = len(ATM_TABLE.states()) * len(events) - len(ATM_TABLE.transitions)
    assert len(named) + int(more[1]) == refused == 20, first
