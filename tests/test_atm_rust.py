"""The Rust ATM on the page behaves like the Python model, line for line."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from chapter2.atm import DEMO_EVENTS, demo_atm, transcript
from tests.sitebuild import ROOT

LISTING = ROOT / "docs" / "listings" / "atm.rs"

pytestmark = [
    pytest.mark.rust,
    pytest.mark.skipif(shutil.which("rustc") is None, reason="rustc is not on PATH"),
]


def test_the_rust_atm_prints_the_python_models_walk_through(tmp_path: Path) -> None:
    binary = tmp_path / "atm"
    compiled = subprocess.run(
        ["rustc", "--edition", "2021", "-D", "warnings", "-o", str(binary), LISTING],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert compiled.returncode == 0, compiled.stderr
    ran = subprocess.run(
        [binary], capture_output=True, text=True, timeout=30, check=False
    )
    assert ran.returncode == 0, ran.stderr

    atm = demo_atm()
    expected = transcript(atm, DEMO_EVENTS)
    expected.append(
        f"balance {atm.bank.balance('alice')}, machine cash {atm.cash}, "
        f"cards returned {len(atm.returned)}"
    )
    assert ran.stdout.splitlines() == expected
